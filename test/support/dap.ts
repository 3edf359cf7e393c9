// DAP test support: drives the BUILT adapter (dist/debug-adapter.js) with DebugClient against the
// real free-threaded runtime. The adapter is rebuilt (`node esbuild.js`) when dist/ is missing or
// older than its TypeScript sources; the Python agent is read from runtime/agent at run time.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { LaunchArguments } from '../../debug-adapter/launchConfig';
import { Arrivals } from './arrivals';
import { fixtures, repoRoot } from './cli';
import { testPython } from './runtime';

const adapter = path.join(repoRoot, 'dist', 'debug-adapter.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

let built = false;
/** dist/debug-adapter.js, built first if it is missing or older than its sources. */
export function adapterPath(): string {
  if (built) return adapter;
  const sources = Math.max(newestSource(path.join(repoRoot, 'debug-adapter')), newestSource(path.join(repoRoot, 'runtime')));
  if (!fs.existsSync(adapter) || fs.statSync(adapter).mtimeMs < sources) {
    execFileSync(process.execPath, [path.join(repoRoot, 'esbuild.js')], { cwd: repoRoot, stdio: 'inherit' });
  }
  built = true;
  return adapter;
}

/** `value`, which the test expects to be there. */
export function defined<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}`);
  return value;
}

export function fixture(name: string): string {
  return path.join(fixtures, name);
}

export { marker } from './markers';

/** A started DebugClient on the built adapter; `stop()` it in teardown. */
export async function startClient(): Promise<DebugClient> {
  // A short handshake timeout keeps the test of a stuck debuggee fast.
  const client = new DebugClient('node', adapterPath(), 'ftpy', { env: { ...process.env, FTPY_HANDSHAKE_TIMEOUT_MS: '2000' } }, true);
  client.defaultTimeout = 20_000;
  await client.start();
  return client;
}

/** Launch arguments for the test interpreter: a program (or none, for `code` or `module` in `extra`). */
export function launchArgs(program: string | undefined, extra: LaunchArguments = {}): LaunchArguments {
  return { ...(program === undefined ? {} : { program }), python: testPython(), ...extra };
}

/** initialize, launch, breakpoints, configurationDone: returns the breakpoints as the adapter placed them. */
export async function launchWithBreakpoints(
  client: DebugClient,
  args: DebugProtocol.LaunchRequestArguments,
  breakpoints: { path: string; lines: (number | DebugProtocol.SourceBreakpoint)[] }[] = [],
  exceptionFilters: string[] = [],
): Promise<DebugProtocol.Breakpoint[]> {
  await Promise.all([client.waitForEvent('initialized'), client.launch(args)]);
  const placed: DebugProtocol.Breakpoint[] = [];
  for (const { path: file, lines } of breakpoints) {
    const requested = lines.map((line) => (typeof line === 'number' ? { line } : line));
    const response = await client.setBreakpointsRequest({ source: { path: file }, breakpoints: requested });
    placed.push(...response.body.breakpoints);
  }
  await client.setExceptionBreakpointsRequest({ filters: exceptionFilters });
  await client.configurationDoneRequest();
  return placed;
}

/** Every stopped event, in order, for tests to take one by one. */
export class Stops {
  private readonly events = new Arrivals<DebugProtocol.StoppedEvent>();
  readonly all: DebugProtocol.StoppedEvent[] = [];

  constructor(client: DebugClient) {
    client.on('stopped', (event: DebugProtocol.StoppedEvent) => {
      this.all.push(event);
      this.events.push(event);
    });
  }

  /** The next stopped event, or undefined when none comes within `quietMs`. */
  next(quietMs = 15_000): Promise<DebugProtocol.StoppedEvent | undefined> {
    return this.events.next(quietMs);
  }

  async expect(reason?: string): Promise<DebugProtocol.StoppedEvent> {
    const event = await this.next();
    if (!event) throw new Error('no stopped event');
    if (reason && event.body.reason !== reason) throw new Error(`stopped for ${event.body.reason}, not ${reason}: ${JSON.stringify(event.body)}`);
    return event;
  }
}

/** Everything the program printed, and its exit code once it exits. */
export class ProgramOutput {
  /** The program's stdout and stderr. */
  text = '';
  /** The debugger's messages (logpoints). */
  console = '';
  readonly exitCode: Promise<number>;

  constructor(client: DebugClient) {
    client.on('output', (event: DebugProtocol.OutputEvent) => {
      if (event.body.category === 'stdout' || event.body.category === 'stderr') this.text += event.body.output;
      else if (event.body.category === 'console') this.console += event.body.output;
    });
    this.exitCode = client.waitForEvent('exited', 60_000).then((event) => (event as DebugProtocol.ExitedEvent).body.exitCode);
  }
}

export async function threadNamed(client: DebugClient, prefix: string): Promise<number> {
  const threads = (await client.threadsRequest()).body.threads;
  return defined(
    threads.find((thread) => thread.name.startsWith(prefix)),
    `a thread named ${prefix}`,
  ).id;
}

export async function topFrames(client: DebugClient, threadId: number, levels = 20): Promise<DebugProtocol.StackFrame[]> {
  return (await client.stackTraceRequest({ threadId, startFrame: 0, levels })).body.stackFrames;
}

export async function evaluate(client: DebugClient, frameId: number, expression: string): Promise<string> {
  return (await client.evaluateRequest({ expression, frameId, context: 'watch' })).body.result;
}

/** The whole response to a request, failed or not (DebugClient keeps only the message of a failed one). */
export function rawResponse(client: DebugClient, command: string, args: unknown): Promise<DebugProtocol.Response> {
  const raw = client as unknown as { doSend(command: string, args: unknown, done: (response: DebugProtocol.Response) => void): void };
  return new Promise((resolve) => raw.doSend(command, args, resolve));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'; // a zombie is dead for our purposes
  } catch {
    return false;
  }
}

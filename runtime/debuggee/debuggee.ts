// Starting the program under the agent and ending it: shared by the debug adapter and the tests.
// The debuggee runs in its own process group, so ending it ends the children it started too.
import { ChildProcess, spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserFacingError } from '../errors';
import { agentDir } from '../packageRoot';
import type { AgentOptions } from '../agent/protocol';
import { AgentChannel, AgentListener } from './agentChannel';

export type GilMode = 'off' | 'on' | 'default';
const GIL_FLAGS: Record<GilMode, string[]> = { off: ['-X', 'gil=0'], on: ['-X', 'gil=1'], default: [] };
const HANDSHAKE_TIMEOUT_MS = 15_000;
const TERMINATE_GRACE_MS = 1_000;

export interface DebuggeeSpec {
  python: string;
  gil: GilMode;
  cwd: string;
  /** The complete environment of the program. */
  env: NodeJS.ProcessEnv;
  args: readonly string[];
  options: AgentOptions;
  /** How long the agent may take to connect (default: $FTPY_HANDSHAKE_TIMEOUT_MS, else 15 s). */
  handshakeTimeoutMs?: number;
}

export interface DebuggeeOutput {
  stdout(text: string): void;
  stderr(text: string): void;
  log(message: string): void;
}

export interface Exit {
  /** The exit code; for a signal, 128 + its number, as shells report it. */
  code: number;
  signal: NodeJS.Signals | null;
}

/** The command line that runs a program under the agent (the token goes in the environment). */
export function debuggeeCommand(spec: DebuggeeSpec, socketPath: string): string[] {
  return [...GIL_FLAGS[spec.gil], path.join(agentDir(), 'ftpy_debug.py'), socketPath, JSON.stringify(spec.options), ...spec.args];
}

export class Debuggee {
  /** Settles when the process has exited and all its output was delivered. */
  readonly exit: Promise<Exit>;
  private running = true;

  constructor(
    readonly process: ChildProcess,
    readonly channel: AgentChannel,
    exit: Promise<Exit>,
  ) {
    this.exit = exit.finally(() => (this.running = false));
  }

  get pid(): number {
    return this.process.pid ?? 0;
  }

  /** Ends the program and everything it started: SIGTERM to its process group, then SIGKILL. */
  async terminate(): Promise<Exit> {
    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), TERMINATE_GRACE_MS);
    try {
      return await this.exit;
    } finally {
      clearTimeout(timer);
      this.signalGroup('SIGKILL'); // children that outlived the program
    }
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (!this.running && signal !== 'SIGKILL') return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      // the group is gone
    }
  }
}

/** Starts the program under the agent and waits for the agent to connect with its token. */
export async function startDebuggee(spec: DebuggeeSpec, output: DebuggeeOutput): Promise<Debuggee> {
  const listener = new AgentListener(output.log);
  await listener.listen();
  const child = spawn(spec.python, debuggeeCommand(spec, listener.socketPath), {
    cwd: spec.cwd,
    env: { ...spec.env, FTPY_AGENT_TOKEN: listener.token },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // its own process group
  });
  child.stdin?.end();
  let startupErrors = '';
  child.stdout?.setEncoding('utf8').on('data', output.stdout);
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    startupErrors = (startupErrors + text).slice(-3000);
    output.stderr(text);
  });
  const exit = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => resolve({ code: code ?? 128 + signalNumber(signal), signal }));
  });
  const spawnFailed = new Promise<never>((_, reject) => {
    child.on('error', (error) => reject(new UserFacingError(`Could not start ${spec.python}: ${error.message}. Choose an existing free-threaded interpreter (python3.13t).`, 'selectInterpreter')));
  });
  const diedEarly = exit.then((ended): never => {
    const details = startupErrors.trim() ? `:\n${startupErrors.trim()}` : '.';
    throw new UserFacingError(`The program exited (code ${ended.code}) before the debugger could attach${details}`, 'openLog');
  });
  let timer: NodeJS.Timeout | undefined;
  const timeoutMs = spec.handshakeTimeoutMs ?? (Number(process.env.FTPY_HANDSHAKE_TIMEOUT_MS) || HANDSHAKE_TIMEOUT_MS);
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UserFacingError(`The debugger's agent did not connect within ${timeoutMs / 1000} s. The interpreter may be stuck at start-up; see the log.`, 'openLog')),
      timeoutMs,
    );
  });
  for (const failure of [spawnFailed, diedEarly, timedOut]) failure.catch(() => undefined); // the race reports them
  try {
    const channel = await Promise.race([listener.accept(), spawnFailed, diedEarly, timedOut]);
    return new Debuggee(child, channel, exit);
  } catch (error) {
    killGroup(child);
    await Promise.race([exit, spawnFailed.catch(() => undefined)]);
    throw error;
  } finally {
    clearTimeout(timer);
    listener.close();
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? os.constants.signals[signal] : 0;
}

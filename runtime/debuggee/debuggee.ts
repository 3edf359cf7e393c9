// Starting the program under the agent and ending it: shared by the debug adapter and the tests.
// The debuggee runs in its own process group, so ending it ends the children it started too.
// It starts either as our child (output piped to us) or in the client's terminal (runInTerminal).
import { spawn } from 'node:child_process';
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

/** Signals that mean the program crashed, and what they mean. */
const CRASHES: Partial<Record<NodeJS.Signals, string>> = {
  SIGSEGV: 'segmentation fault',
  SIGBUS: 'bus error',
  SIGILL: 'illegal instruction',
  SIGFPE: 'arithmetic error',
  SIGABRT: 'aborted',
};

/** One line for the user when the program did not end with code 0; undefined when it did. */
export function exitMessage(exit: Exit): string | undefined {
  if (exit.signal) {
    const crash = CRASHES[exit.signal];
    return crash ? `The program crashed: ${exit.signal} (${crash}).` : `The program was ended by ${exit.signal}.`;
  }
  return exit.code === 0 ? undefined : `The program exited with code ${exit.code}.`;
}

/** Asks the client to run a command in its terminal (DAP runInTerminal); resolves once it started. */
export type RunInTerminal = (command: string[], cwd: string, env: Record<string, string>) => Promise<void>;

/** The command line that runs a program under the agent (the token goes in the environment). */
export function debuggeeCommand(spec: DebuggeeSpec, socketPath: string): string[] {
  return [...GIL_FLAGS[spec.gil], path.join(agentDir(), 'ftpy_debug.py'), socketPath, JSON.stringify(spec.options), ...spec.args];
}

export class Debuggee {
  /** Settles when the process has exited and all its output was delivered. */
  readonly exit: Promise<Exit>;
  private running = true;

  constructor(
    readonly pid: number,
    readonly channel: AgentChannel,
    exit: Promise<Exit>,
  ) {
    this.exit = exit.finally(() => (this.running = false));
  }

  /** Ends the program and everything it started: SIGTERM to its process group, then SIGKILL. */
  async terminate(): Promise<Exit> {
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), TERMINATE_GRACE_MS);
    try {
      return await this.exit;
    } finally {
      clearTimeout(timer);
      this.signal('SIGKILL'); // children that outlived the program
    }
  }

  private signal(signal: NodeJS.Signals): void {
    if (!this.running && signal !== 'SIGKILL') return;
    signalGroup(this.pid, signal);
  }
}

/** Signals the process group led by `pid`, or the process alone if it leads none. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
      return;
    } catch {
      // no such group (or process): try the next
    }
  }
}

/** Starts the program under the agent, as our child, and waits for the agent to connect with its token. */
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
    child.on('close', (code, signal) => resolve({ code: code ?? 128 + (signal ? os.constants.signals[signal] : 0), signal }));
  });
  const spawnFailed = new Promise<never>((_, reject) => {
    child.on('error', (error) => reject(new UserFacingError(`Could not start ${spec.python}: ${error.message}. Choose an existing free-threaded interpreter (python3.13t).`, 'selectInterpreter')));
  });
  const diedEarly = exit.then((ended): never => {
    const details = startupErrors.trim() ? `:\n${startupErrors.trim()}` : '.';
    throw new UserFacingError(`The program exited (code ${ended.code}) before the debugger could attach${details}`, 'openLog');
  });
  const channel = await handshake(listener, spec, [spawnFailed, diedEarly], async () => {
    if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    await Promise.race([exit, spawnFailed.catch(() => undefined)]);
  });
  return new Debuggee(child.pid ?? 0, channel, exit);
}

/** Starts the program under the agent in the client's terminal; its exit code comes from the agent. */
export async function startDebuggeeInTerminal(spec: DebuggeeSpec, runInTerminal: RunInTerminal, log: (message: string) => void): Promise<Debuggee> {
  const listener = new AgentListener(log);
  await listener.listen();
  const env = { ...changedVariables(spec.env), FTPY_AGENT_TOKEN: listener.token };
  const started = runInTerminal([spec.python, ...debuggeeCommand(spec, listener.socketPath)], spec.cwd, env);
  const failedToStart = started.then(
    () => new Promise<never>(() => undefined),
    (error: Error) => Promise.reject(new UserFacingError(`The terminal could not start the program: ${error.message}`)),
  );
  const channel = await handshake(listener, spec, [failedToStart], async () => undefined);
  let exitCode = 0;
  channel.on('event', (event) => {
    if (event.event === 'exiting') exitCode = event.body.exitCode;
  });
  const exit = new Promise<Exit>((resolve) => channel.on('close', () => resolve({ code: exitCode, signal: null })));
  return new Debuggee(channel.pid, channel, exit);
}

/** The variables of `env` that differ from ours: what a terminal must add to its own environment. */
function changedVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && process.env[entry[0]] !== entry[1]));
}

/** The agent's connection, or the first failure: a start failure, or no connection in time (then `abandon` runs). */
async function handshake(listener: AgentListener, spec: DebuggeeSpec, failures: Promise<never>[], abandon: () => Promise<void>): Promise<AgentChannel> {
  let timer: NodeJS.Timeout | undefined;
  const timeoutMs = spec.handshakeTimeoutMs ?? (Number(process.env.FTPY_HANDSHAKE_TIMEOUT_MS) || HANDSHAKE_TIMEOUT_MS);
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UserFacingError(`The debugger's agent did not connect within ${timeoutMs / 1000} s. The interpreter may be stuck at start-up; see the log.`, 'openLog')),
      timeoutMs,
    );
  });
  const all = [...failures, timedOut];
  for (const failure of all) failure.catch(() => undefined); // the race reports them
  try {
    return await Promise.race([listener.accept(), ...all]);
  } catch (error) {
    await abandon();
    throw error;
  } finally {
    clearTimeout(timer);
    listener.close();
  }
}

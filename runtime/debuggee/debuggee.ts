// Starting the program under the agent and ending it: shared by the debug adapter and the tests.
// The debuggee runs in its own process group, so ending it ends the children it started too.
// It starts either as our child (output piped to us) or in the client's terminal (runInTerminal).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserFacingError } from '../errors';
import { agentStartEnvironment, type GilMode, pythonArguments } from '../agent/agentStart';
import type { AgentOptions } from '../agent/protocol';
import { AgentChannel, AgentListener } from './agentChannel';

export type { GilMode } from '../agent/agentStart';
const HANDSHAKE_TIMEOUT_MS = 15_000;
const TERMINATE_GRACE_MS = 1_000;
/** How long after the agent's channel closes the terminal's shell may take to report the exit status. */
const EXIT_STATUS_WAIT_MS = 2_000;

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

/** python's arguments and environment that run the program with the agent connecting to `socket` with `token`. */
export function debuggeeCommand(spec: DebuggeeSpec, socket: string, token: string): { args: string[]; env: NodeJS.ProcessEnv } {
  return {
    args: pythonArguments(spec.gil, spec.options, spec.args),
    env: agentStartEnvironment(spec.env, { mode: 'debug', socket, token, options: spec.options }),
  };
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
  const command = debuggeeCommand(spec, listener.socketPath, listener.token);
  const child = spawn(spec.python, command.args, {
    cwd: spec.cwd,
    env: command.env,
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
    child.on('error', (error) =>
      reject(
        new UserFacingError(
          `Could not start ${spec.python}: ${error.message}. Choose an existing free-threaded interpreter (python3.13t).`,
          'selectInterpreter',
        ),
      ),
    );
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

/** Starts the program under the agent in the client's terminal. Not our child, so its exit
 * status comes from the shell that runs it there: sh writes it to a file in a private folder. */
export async function startDebuggeeInTerminal(spec: DebuggeeSpec, runInTerminal: RunInTerminal, log: (message: string) => void): Promise<Debuggee> {
  const listener = new AgentListener(log);
  await listener.listen();
  const command = debuggeeCommand(spec, listener.socketPath, listener.token);
  const statusDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-exit-'));
  const statusFile = path.join(statusDir, 'status');
  // Ctrl-C in the terminal reaches python; sh only waits through it (the trap is not inherited).
  const shell = ['/bin/sh', '-c', 'trap : INT; "$@"; echo $? > "$0"', statusFile];
  const started = runInTerminal([...shell, spec.python, ...command.args], spec.cwd, changedVariables(command.env));
  const failedToStart = started.then(
    () => new Promise<never>(() => undefined),
    (error: Error) => Promise.reject(new UserFacingError(`The terminal could not start the program: ${error.message}`)),
  );
  let channel: AgentChannel;
  try {
    channel = await handshake(listener, spec, [failedToStart], async () => undefined);
  } catch (error) {
    fs.rmSync(statusDir, { recursive: true, force: true });
    throw error;
  }
  const exit = new Promise<Exit>((resolve) => channel.on('close', () => resolve(exitStatus(statusDir, statusFile))));
  return new Debuggee(channel.pid, channel, exit);
}

/** The exit status sh wrote once the program ended (a signal as 128 + its number); 0 when
 * none came soon after the agent's channel closed (a detached program runs on). */
async function exitStatus(statusDir: string, statusFile: string): Promise<Exit> {
  const read = (): Exit | undefined => {
    const text = fs.existsSync(statusFile) ? fs.readFileSync(statusFile, 'utf8') : '';
    if (!text.endsWith('\n')) return undefined;
    const code = Number(text.trim());
    const signal =
      code > 128 && code < 128 + 65
        ? (Object.entries(os.constants.signals).find((entry) => entry[1] === code - 128)?.[0] as NodeJS.Signals | undefined)
        : undefined;
    return { code, signal: signal ?? null };
  };
  const watcher = fs.watch(statusDir);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<Exit>((resolve) => {
      const settle = () => {
        const status = read();
        if (status) resolve(status);
      };
      watcher.on('change', settle);
      timer = setTimeout(() => resolve(read() ?? { code: 0, signal: null }), EXIT_STATUS_WAIT_MS);
      settle();
    });
  } finally {
    clearTimeout(timer);
    watcher.close();
    fs.rmSync(statusDir, { recursive: true, force: true });
  }
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
      () =>
        reject(
          new UserFacingError(
            `The debugger's agent did not connect within ${timeoutMs / 1000} s. The interpreter may be stuck at start-up, or a wrapper may start it without site or PYTHONPATH (python -S, -E or -I), where ftpy's agent starts; see the log.`,
            'openLog',
          ),
        ),
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

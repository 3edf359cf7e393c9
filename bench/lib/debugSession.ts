// One debug session the way VS Code runs it: initialize, launch, breakpoints on
// `initialized`, configurationDone; then optionally something to do at the first stop;
// then the program runs to its end. Every step is timestamped.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { AdapterCommand, AdapterConnection, BenchRecord, Received, wallClockMs } from './dap';

export interface Debugger {
  name: string;
  adapter: AdapterCommand;
  launchArguments(program: string, args: string[]): Record<string, unknown>;
  /** Custom requests sent once the launch is configured, as a client's views do (ftpy's runtime panel, shown). */
  requestsOnLaunch?: { command: string; args: unknown }[];
}

export interface Breakpoints {
  file: string;
  lines: number[];
}

export interface SessionRun {
  /** Wall-clock instants (ms). */
  startedMs: number;
  launchSentMs: number;
  initializedMs: number;
  /** When configurationDone was answered: the program may run from here on. */
  configuredMs: number;
  terminatedMs: number;
  records: BenchRecord[];
}

const STEP_TIMEOUT_MS = 30_000;
/** How the failure of a session that ran out of time begins. */
export const DID_NOT_END = 'did not end within';

export async function runDebugSession(
  debug: Debugger,
  program: string,
  args: string[],
  breakpoints: Breakpoints,
  runTimeoutMs: number,
  atFirstStop?: (connection: AdapterConnection, stopped: Received<DebugProtocol.StoppedEvent>) => Promise<void>,
): Promise<SessionRun> {
  const startedMs = wallClockMs();
  const connection = new AdapterConnection(debug.adapter);
  try {
    await connection.send('initialize', {
      adapterID: debug.name,
      clientID: 'ftpy-bench',
      linesStartAt1: true,
      columnsStartAt1: true,
      pathFormat: 'path',
      supportsRunInTerminalRequest: false,
    });
    const initialized = handled(connection.next('initialized', STEP_TIMEOUT_MS));
    const terminated = handled(connection.next('terminated', runTimeoutMs));
    const stopped = atFirstStop && handled(connection.next<DebugProtocol.StoppedEvent>('stopped', runTimeoutMs));
    const launchSentMs = wallClockMs();
    const launched = connection.send('launch', debug.launchArguments(program, args));
    const initializedMs = (await initialized).receivedMs;
    const wanted: DebugProtocol.SetBreakpointsArguments = { source: { path: breakpoints.file }, breakpoints: breakpoints.lines.map((line) => ({ line })) };
    const placed = await connection.send('setBreakpoints', wanted);
    const misplaced = placed.body.breakpoints.filter((breakpoint, i) => !breakpoint.verified || breakpoint.line !== breakpoints.lines[i]);
    if (misplaced.length)
      throw new Error(`breakpoints not placed as asked (lines ${breakpoints.lines.join(', ')}): ${JSON.stringify(placed.body.breakpoints)}`);
    await connection.send('configurationDone', {});
    const configuredMs = wallClockMs();
    for (const { command, args } of debug.requestsOnLaunch ?? []) await connection.send(command, args);
    await launched;
    if (stopped && atFirstStop) await atFirstStop(connection, await stopped);
    await terminated.catch((error: unknown) => {
      throw connection.adapterRunning() ? new Error(`${DID_NOT_END} ${runTimeoutMs / 1000} s`) : error;
    });
    const terminatedMs = wallClockMs();
    return {
      startedMs,
      launchSentMs,
      initializedMs,
      configuredMs,
      terminatedMs,
      records: connection.records,
    };
  } finally {
    await connection.close();
  }
}

/** Marks a promise awaited later as handled, so that its rejection after an earlier failure
 * (the adapter is ended in `finally`) is not an unhandled rejection. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** The first value named `key` among the records, or an error naming what is missing. */
export function recorded(records: readonly BenchRecord[], key: string): { value: number | boolean; receivedMs: number; adapterCpuS?: number } {
  const record = records.find((candidate) => key in candidate.values);
  if (!record) throw new Error(`the program printed no BENCH record with "${key}"`);
  return { value: record.values[key], receivedMs: record.receivedMs, adapterCpuS: record.adapterCpuS };
}

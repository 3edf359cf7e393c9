// A DAP client for benchmarks: starts a debug adapter over stdio in its own process group
// (so that everything it starts can be ended with it), timestamps what it receives, and
// collects the `BENCH {json}` lines the workloads print.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ProtocolClient } from '@vscode/debugadapter-testsupport/lib/protocolClient';

export interface AdapterCommand {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable with Python's time.time() * 1000. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A record a workload printed as `BENCH {json}`, with the instant the harness received it. */
export interface BenchRecord {
  receivedMs: number;
  values: Record<string, number | boolean>;
  /** Through a debug adapter: the adapter's CPU seconds when the record arrived. */
  adapterCpuS?: number;
}

export interface Received<E extends DebugProtocol.Event> {
  event: E;
  receivedMs: number;
}

const BENCH_LINE = /^BENCH (\{.*\})$/;

export class AdapterConnection extends ProtocolClient {
  readonly records: BenchRecord[] = [];
  private readonly adapter: ChildProcess;
  private stderr = '';
  private stdoutLine = '';
  private debuggeePid: number | undefined;
  private exited: Promise<void>;

  constructor(command: AdapterCommand) {
    super();
    this.adapter = spawn(command.command, command.args, { env: command.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.exited = new Promise((resolve) => this.adapter.once('exit', () => resolve()));
    this.adapter.once('error', (error) => this.emit('adapterExit', `could not start ${command.command}: ${error.message}`));
    this.adapter.once('exit', (code, signal) => this.emit('adapterExit', `the adapter exited (${signal ?? `code ${code}`})${this.stderrTail()}`));
    this.adapter.stderr?.on('data', (data: Buffer) => (this.stderr = (this.stderr + data.toString()).slice(-2000)));
    if (!this.adapter.stdout || !this.adapter.stdin) throw new Error('the adapter has no stdio pipes');
    this.connect(this.adapter.stdout, this.adapter.stdin);
    this.on('process', (event: DebugProtocol.ProcessEvent) => (this.debuggeePid = event.body.systemProcessId));
    this.on('output', (event: DebugProtocol.OutputEvent) => this.collect(event));
  }

  /** The next `name` event and when it arrived; rejects when the adapter exits first or after `timeoutMs`. */
  next<E extends DebugProtocol.Event>(name: string, timeoutMs: number): Promise<Received<E>> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.off(name, onEvent);
        this.off('adapterExit', onExit);
      };
      const onEvent = (event: E) => {
        cleanup();
        resolve({ event, receivedMs: wallClockMs() });
      };
      const onExit = (why: string) => {
        cleanup();
        reject(new Error(`waiting for the ${name} event: ${why}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${name} event within ${timeoutMs} ms${this.stderrTail()}`));
      }, timeoutMs);
      this.on(name, onEvent);
      this.on('adapterExit', onExit);
    });
  }

  /**
   * CPU seconds the adapter process itself has used so far (its children not counted): the sum
   * of its threads' run times in /proc/PID/task/TID/schedstat, in nanoseconds. /proc/PID/stat's
   * 10 ms ticks are too coarse: 2% of a one-second run is two of them.
   */
  private adapterCpuSeconds(): number {
    let nanoseconds = 0;
    for (const task of fs.readdirSync(`/proc/${this.adapter.pid}/task`)) {
      try {
        nanoseconds += Number(fs.readFileSync(`/proc/${this.adapter.pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // a thread that ended meanwhile: its time is not counted
      }
    }
    return nanoseconds / 1e9;
  }

  adapterRunning(): boolean {
    return this.adapter.exitCode === null && this.adapter.signalCode === null;
  }

  /** Ends the session and every process it started, politely first. */
  async close(): Promise<void> {
    const disconnect = this.send('disconnect', { terminateDebuggee: true }).catch(() => undefined);
    await Promise.race([Promise.all([disconnect, this.exited]), delay(3000)]);
    this.killGroup();
    if (this.debuggeePid !== undefined) killQuietly(this.debuggeePid);
    this.adapter.stdin?.destroy();
  }

  private killGroup(): void {
    if (this.adapter.pid !== undefined) killQuietly(-this.adapter.pid);
  }

  private collect(event: DebugProtocol.OutputEvent): void {
    if (event.body.category !== 'stdout' && event.body.category !== undefined) return;
    const lines = (this.stdoutLine + event.body.output).split('\n');
    this.stdoutLine = lines.pop() ?? '';
    for (const line of lines) {
      const record = parseBenchLine(line, wallClockMs());
      if (!record) continue;
      this.records.push({ ...record, adapterCpuS: this.adapterCpuSeconds() });
    }
  }

  private stderrTail(): string {
    const tail = this.stderr.trim().split('\n').slice(-5).join('\n');
    return tail ? `; its stderr ends with:\n${tail}` : '';
  }
}

export function parseBenchLine(line: string, receivedMs: number): BenchRecord | undefined {
  const match = BENCH_LINE.exec(line.trim());
  return match ? { receivedMs, values: JSON.parse(match[1]) as BenchRecord['values'] } : undefined;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

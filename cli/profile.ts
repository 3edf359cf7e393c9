// `ftpy profile [--duration S] [--rate HZ] [--json | --collapsed] PID | -- FILE [ARGS...]`: why
// the threads of a free-threaded program do not scale. Samples what every thread is doing from
// outside (runtime/inspect/waitSample), without stopping or changing the program, and adds it up
// (runtime/profile/waitProfile): a verdict, each thread's states, the locks waited on and where,
// the stop-the-world pauses; or the collapsed stacks for flame-graph tools.
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { errorMessage } from '../runtime/errors';
import { isInspectError, ProcessReader } from '../runtime/inspect';
import { openRuntime } from '../runtime/inspect/openRuntime';
import { ProfileRecorder } from '../runtime/profile/recorder';
import { percent, ProfileReport, SiteShare, WAIT_STATES } from '../runtime/profile/waitProfile';
import { parseOptions } from './options';
import { programInterpreter } from './runtimeCommand';
import { UsageError } from './usage';

const USAGE = 'usage: ftpy profile [--duration S] [--rate HZ] [--json | --collapsed] [--python PATH] PID | -- FILE [ARGS...]';
const EXIT_ERROR = 2;
const DEFAULT_RATE_HZ = 1000;
const MAX_RATE_HZ = 10_000;
/** Attached to a running process, it is sampled this long unless told. */
const DEFAULT_ATTACHED_S = 10;

interface ProfileArgs {
  target: { pid: number } | { file: string; args: string[] };
  durationS: number | undefined;
  rateHz: number;
  output: 'text' | 'json' | 'collapsed';
  python: string | undefined;
}

export function parseProfileArgs(args: string[]): ProfileArgs {
  const split = args.indexOf('--');
  const own = split < 0 ? args : args.slice(0, split);
  const options = {
    duration: { type: 'string' },
    rate: { type: 'string' },
    json: { type: 'boolean', default: false },
    collapsed: { type: 'boolean', default: false },
    python: { type: 'string' },
  } as const;
  const { values, positionals } = parseOptions('profile', USAGE, own, options);
  const fail = (mistake: string): never => {
    throw new UsageError(`ftpy profile: ${mistake} (${USAGE})`);
  };
  const number = (name: string, text: string | undefined, max: number) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    return Number.isFinite(value) && value > 0 && value <= max ? value : fail(`--${name} must be a number above 0 and at most ${max}, not "${text}"`);
  };
  if (values.json && values.collapsed) fail('--json and --collapsed are two outputs: choose one');
  let target: ProfileArgs['target'];
  if (split >= 0) {
    if (positionals.length > 0) fail(`a PID or a program after --, not both`);
    const [file, ...programArgs] = args.slice(split + 1);
    target = file === undefined ? fail('which file? (-- FILE [ARGS...])') : { file, args: programArgs };
  } else {
    const [pid, ...extra] = positionals;
    if (pid === undefined) fail('missing PID (or -- FILE [ARGS...])');
    if (extra.length > 0) fail('expected one PID; a program to run goes after --');
    if (!/^[1-9][0-9]{0,9}$/.test(pid as string)) fail(`PID must be a positive integer, not "${pid}"`);
    target = { pid: Number(pid) };
  }
  if (values.python !== undefined && 'pid' in target) fail('--python is for a program ftpy runs (-- FILE), not an attached PID');
  return {
    target,
    durationS: number('duration', values.duration, 24 * 3600),
    rateHz: number('rate', values.rate, MAX_RATE_HZ) ?? DEFAULT_RATE_HZ,
    output: values.json ? 'json' : values.collapsed ? 'collapsed' : 'text',
    python: values.python,
  };
}

export async function profileCommand(args: string[]): Promise<number> {
  const parsed = parseProfileArgs(args);
  const target = parsed.target;
  if ('pid' in target) return profileProcess(parsed, target.pid, () => fs.existsSync(`/proc/${target.pid}`), parsed.durationS ?? DEFAULT_ATTACHED_S);
  const file = path.resolve(target.file);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new UsageError(`ftpy profile: ${target.file}: no such file`);
  const python = await programInterpreter(parsed.python);
  // The program's output goes to stderr: stdout is the profile's.
  const child = spawn(python, ['-X', 'gil=0', file, ...target.args], { stdio: ['inherit', 2, 'inherit'] });
  const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0))));
  try {
    await once(child, 'spawn');
  } catch (error) {
    throw new UsageError(`ftpy profile: could not start ${python}: ${errorMessage(error)}`);
  }
  const code = await profileProcess(parsed, child.pid ?? 0, () => running(child), parsed.durationS ?? Infinity, python);
  if (code !== 0) {
    child.kill();
    return code;
  }
  // Like `time`: the program's own exit code.
  return exited;
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function profileProcess(parsed: ProfileArgs, pid: number, alive: () => boolean, durationS: number, python?: string): Promise<number> {
  let reader: ProcessReader;
  try {
    reader = await openRuntime(pid, { python });
  } catch (error) {
    if (!isInspectError(error)) throw error;
    process.stderr.write(`ftpy profile: ${error.message}\n`);
    return EXIT_ERROR;
  }
  try {
    const started = process.cpuUsage();
    const recorder = await record(reader, parsed.rateHz, durationS, alive);
    const cpu = process.cpuUsage(started);
    // What sampling cost: on a machine with few cores, taken from the program.
    const report: SampledReport = { ...recorder.report(), samplerCpuS: (cpu.user + cpu.system) / 1e6 };
    if (parsed.output === 'json') process.stdout.write(`${JSON.stringify(report)}\n`);
    else if (parsed.output === 'collapsed') process.stdout.write(recorder.collapsed());
    else process.stdout.write(reportText(report));
    return 0;
  } catch (error) {
    if (!isInspectError(error)) throw error;
    process.stderr.write(`ftpy profile: ${error.message}\n`);
    return EXIT_ERROR;
  } finally {
    reader.close();
  }
}

/** Samples `rateHz` times a second (as near as timers allow) for `durationS` or until the process ends. */
async function record(reader: ProcessReader, rateHz: number, durationS: number, alive: () => boolean): Promise<ProfileRecorder> {
  const recorder = new ProfileRecorder(reader);
  const intervalMs = 1000 / rateHz;
  const end = performance.now() + durationS * 1000;
  for (let next = performance.now(); performance.now() < end && recorder.take(alive);) {
    next += intervalMs;
    const wait = next - performance.now();
    if (wait > 0) await delay(wait);
    else next = performance.now(); // behind: no catching up in a burst
  }
  return recorder;
}

/** The report, and the CPU the profiler itself used while it sampled. */
export type SampledReport = ProfileReport & { samplerCpuS: number };

function reportText(report: SampledReport): string {
  const share = report.durationS > 0 ? report.samplerCpuS / report.durationS : 0;
  const lines = [
    `ftpy profile: process ${report.pid}, ${report.durationS.toFixed(1)} s, ${report.samples} samples at ${Math.round(report.rateHz)} Hz` +
      (report.torn > 0 ? ` (${report.torn} torn, left out)` : '') +
      `; sampling took ${percent(share)} of a core`,
    `verdict: ${report.verdict}`,
    '',
    table(
      ['thread', 'samples', ...WAIT_STATES],
      report.threads.map((thread) => [
        `${thread.name ?? 'thread'} ${thread.nativeId}`,
        String(thread.samples),
        ...WAIT_STATES.map((state) => (thread.states[state] > 0 ? percent(thread.states[state]) : '-')),
      ]),
    ),
  ];
  if (report.locks.length > 0) {
    lines.push(
      '',
      table(
        ['lock', 'parked s', 'taking s', 'holding s', 'share', 'most waiters', 'waited at', 'taken at', 'held at'],
        report.locks.map((lock) => [
          lock.label,
          lock.waitS.toFixed(2),
          lock.acquireS.toFixed(2),
          lock.heldS.toFixed(2),
          percent(lock.share),
          String(lock.maxWaiters),
          topSites(lock.sites),
          topSites(lock.takenAt),
          topSites(lock.heldAt),
        ]),
      ),
    );
  }
  const { pauses } = report;
  lines.push(
    '',
    pauses.count === 0
      ? 'stop-the-world pauses: none seen'
      : `stop-the-world pauses: ${pauses.count} (${pauses.gc} during a collection); p50 ${pauses.p50Ms.toFixed(1)} ms, p99 ${pauses.p99Ms.toFixed(1)} ms, max ${pauses.maxMs.toFixed(1)} ms (to within ${pauses.resolutionMs.toFixed(1)} ms); asked for by ${pauseTriggers(pauses)}`,
    `thread time: ${report.threadTimeS.toFixed(2)} s (threads waiting in Thread.join not counted); lock: parked on a Lock or a critical section; taking: running at the lines where threads park on it or its \`with\` statements (spinning before parking, releasing); holding: inside a \`with\` block on it; c: in C code that let go of the interpreter`,
  );
  return `${lines.join('\n')}\n`;
}

/** 'a collection 3, sys._current_frames (app.py:12) 1' */
export function pauseTriggers(pauses: ProfileReport['pauses']): string {
  return pauses.triggers.map(({ trigger, count }) => `${trigger} ${count}`).join(', ');
}

function topSites(sites: SiteShare[]): string {
  return sites.length === 0
    ? '-'
    : sites
        .slice(0, 3)
        .map((site) => `${site.site} ${percent(site.share)}`)
        .join(', ');
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

// Issue 3's benchmark: what a debugger costs a CPU-bound free-threaded program, how fast it
// stops 64 threads and shows their stacks, and how fast a session starts; ftpy next to
// debugpy, against plain `python -X gil=0` and against CPython's own floor for the same
// sys.monitoring set-up made in-process (workloads/floor), all measured in one run, interleaved.
// The adapter's own CPU is a column: on 2 cores, what it uses is taken from the program.
//   npx tsx bench/debugger-overhead.ts [--quick] [--rounds N] [--repeat-under S] [--case-timeout S] [--without debugpy|ftpy] [--json]
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { marker } from '../test/support/dap';
import { testPython } from '../test/support/runtime';
import { Availability, debugpy, ftpy } from './debuggers';
import { AdapterConnection, Received, wallClockMs } from './lib/dap';
import { Debugger, DID_NOT_END, recorded, runDebugSession, SessionRun } from './lib/debugSession';
import { Case, Results, runInterleaved } from './lib/interleave';
import { BenchOptions, parseOptions } from './lib/options';
import { runTimed } from './lib/processRun';
import { printReport, Table } from './lib/report';
import { median } from './lib/stats';

const workloads = path.join(__dirname, 'workloads');
const CPU = path.join(workloads, 'cpu_threads.py');
const FLOOR = path.join(workloads, 'floor');
const PARKED = path.join(workloads, 'parked_threads.py');
const PARKED_THREADS = 64;

const PLACEMENTS = {
  never_called: 'breakpoint in a function never called',
  hot_unreached: 'breakpoint in the hot function, never reached',
} as const;
type Placement = keyof typeof PLACEMENTS;
const TARGETS: Record<Placement, number> = { never_called: 1.05, hot_unreached: 1.1 };
/** ftpy's work time may exceed the in-process floor's of the same placement by this much at most. */
const FLOOR_MARGIN = 1.03;
/** The adapter's CPU while the program runs, at most, in % of one core. */
const ADAPTER_CPU_TARGET = 2;
const SPEEDUP_TARGET = 0.95;
const STOP_TARGET_MS = 50;
const STARTUP_TARGET_MS = 500;

type Sample = Record<string, number>;

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

function cpuCaseName(mode: string, threads: number): string {
  return `${mode} / ${threads} thread${threads > 1 ? 's' : ''}`;
}

function floorMode(placement: Placement): string {
  return `floor (sys.monitoring in-process), ${PLACEMENTS[placement]}`;
}

function workSample(wallMs: number, records: SessionRun['records']): Sample {
  if (recorded(records, 'gil').value !== false) throw new Error('the GIL was enabled in the debuggee');
  return { wallS: wallMs / 1000, workS: recorded(records, 'work').value as number, cpuS: recorded(records, 'cpu').value as number };
}

/** The adapter's CPU while the program runs (from its first line to its work's end, as the records arrived), in % of one core. */
function adapterCpuPercent(records: SessionRun['records']): number {
  const started = recorded(records, 'programStarted');
  const worked = recorded(records, 'work');
  const cpuS = (record: { adapterCpuS?: number }) => {
    if (record.adapterCpuS === undefined) throw new Error('a record that came through no adapter');
    return record.adapterCpuS;
  };
  return (100 * (cpuS(worked) - cpuS(started)) * 1000) / (worked.receivedMs - started.receivedMs);
}

/** From the launch request to the program's first line, and the two parts of it: up to the
 * `initialized` event, and from configurationDone's answer to the first line. */
function startupSample(session: SessionRun): Sample {
  const programStartedMs = (recorded(session.records, 'programStarted').value as number) * 1000;
  return {
    startupMs: programStartedMs - session.launchSentMs,
    launchToInitializedMs: session.initializedMs - session.launchSentMs,
    configuredToProgramMs: programStartedMs - session.configuredMs,
  };
}

/** Stops at the breakpoint, lists the threads and asks for every stack at once (as a UI would), then continues. */
async function stopAndShowStacks(debug: Debugger, timeoutMs: number): Promise<Sample> {
  let stoppedMs = 0;
  let threadsMs = 0;
  let stacksMs = 0;
  let threads = 0;
  let stacks = 0;
  const atStop = async (connection: AdapterConnection, stopped: Received<DebugProtocol.StoppedEvent>) => {
    stoppedMs = stopped.receivedMs;
    const listed = await connection.send('threads');
    threadsMs = wallClockMs();
    const traces = await Promise.all(
      listed.body.threads.map((thread) =>
        connection.send('stackTrace', { threadId: thread.id, levels: 20 }).then(
          (response) => response.body.stackFrames.length,
          () => 0,
        ),
      ),
    );
    stacksMs = wallClockMs();
    threads = listed.body.threads.length;
    stacks = traces.filter((frames) => frames > 0).length;
    await connection.send('continue', { threadId: stopped.event.body.threadId ?? listed.body.threads[0].id });
  };
  const session = await runDebugSession(debug, PARKED, [String(PARKED_THREADS)], { file: PARKED, lines: [marker(PARKED, 'hit')] }, timeoutMs, atStop);
  if (!stoppedMs) throw new Error('the program ended without stopping at the breakpoint');
  const hitMs = (recorded(session.records, 'beforeBreakpoint').value as number) * 1000;
  return {
    ...startupSample(session),
    hitToStoppedMs: stoppedMs - hitMs,
    hitToThreadsMs: threadsMs - hitMs,
    hitToStacksMs: stacksMs - hitMs,
    threads,
    stacks,
  };
}

function cpuCases(python: string, available: readonly Debugger[], calls: number, options: BenchOptions): Case<Sample>[] {
  const cases: Case<Sample>[] = [];
  for (const threads of [1, 2]) {
    const args = [String(threads), String(calls)];
    cases.push({
      name: cpuCaseName('plain', threads),
      run: async () => {
        const run = await runTimed(python, ['-X', 'gil=0', CPU, ...args]);
        return workSample(run.wallMs, run.records);
      },
    });
    for (const placement of Object.keys(PLACEMENTS) as Placement[]) {
      const env = { ...process.env, PYTHONPATH: FLOOR, FTPY_FLOOR_PROGRAM: CPU, FTPY_FLOOR_LINE: String(marker(CPU, placement)) };
      cases.push({
        name: cpuCaseName(floorMode(placement), threads),
        run: async () => {
          const run = await runTimed(python, ['-X', 'gil=0', CPU, ...args], env);
          return workSample(run.wallMs, run.records);
        },
      });
    }
    for (const debug of available) {
      for (const placement of Object.keys(PLACEMENTS) as Placement[]) {
        cases.push({
          name: cpuCaseName(debugMode(debug.name, placement), threads),
          run: async () => {
            const session = await runDebugSession(debug, CPU, args, { file: CPU, lines: [marker(CPU, placement)] }, options.caseTimeoutMs);
            return {
              ...workSample(session.terminatedMs - session.startedMs, session.records),
              ...startupSample(session),
              adapterCpuPercent: adapterCpuPercent(session.records),
            };
          },
        });
      }
    }
  }
  return cases;
}

function debugMode(debugName: string, placement: Placement): string {
  return `${debugName}, ${PLACEMENTS[placement]}`;
}

function stopCaseName(debug: Debugger): string {
  return `${debug.name}: stop ${PARKED_THREADS} threads`;
}

interface Mode {
  mode: string;
  /** The ftpy target for this mode's ratio to plain. */
  target?: number;
  /** The in-process floor of the same breakpoint placement (debug modes). */
  floor?: string;
  /** Why the mode's debugger could not be measured. */
  unavailable?: string;
}

function cpuModes(debuggers: readonly Availability[]): Mode[] {
  const placements = Object.keys(PLACEMENTS) as Placement[];
  const modes: Mode[] = [{ mode: 'plain' }, ...placements.map((placement) => ({ mode: floorMode(placement) }))];
  for (const entry of debuggers) {
    const name = entry.available ? entry.debugger.name : entry.name;
    for (const placement of placements) {
      modes.push({
        mode: debugMode(name, placement),
        target: name === 'ftpy' ? TARGETS[placement] : undefined,
        floor: floorMode(placement),
        unavailable: entry.available ? undefined : entry.why,
      });
    }
  }
  return modes;
}

function overheadTable(results: Results, modes: readonly Mode[], calls: number, options: BenchOptions): Table {
  const plain = (key: string) => median(results.values(cpuCaseName('plain', 2), key));
  return {
    title: `CPU-bound work, 2 threads x ${calls} calls of the hot function (medians of ${options.rounds} rounds, seconds)`,
    columns: [
      'mode',
      'n',
      'work s',
      'work x plain',
      'work x floor',
      'work s range',
      'threads cpu s',
      'cpu x plain',
      'process s',
      'process x plain',
      'adapter cpu %',
      'ftpy target',
    ],
    rows: modes.map(({ mode, target, floor, unavailable }) => {
      if (unavailable) return [mode, `not available: ${unavailable}`];
      const name = cpuCaseName(mode, 2);
      const failed = results.failure(name);
      if (failed?.startsWith(DID_NOT_END))
        return [mode, `not measured: ${failed}: process s > ${(options.caseTimeoutMs / 1000 / plain('wallS')).toFixed(0)}x plain`];
      if (failed) return [mode, `not measured: ${failed}`];
      const withRatio = (key: string) => [median(results.values(name, key)), median(results.values(name, key)) / plain(key)];
      const works = results.values(name, 'workS');
      const range = `${Math.min(...works).toFixed(3)}..${Math.max(...works).toFixed(3)}`;
      const [work, workToPlain] = withRatio('workS');
      const floorName = floor && cpuCaseName(floor, 2);
      const toFloor = floorName && !results.failure(floorName) ? work / median(results.values(floorName, 'workS')) : undefined;
      const adapterCpu = floor ? median(results.values(name, 'adapterCpuPercent')) : undefined;
      const goal = target ? `<= ${target}x plain, <= ${FLOOR_MARGIN}x floor, adapter <= ${ADAPTER_CPU_TARGET}%` : undefined;
      return [mode, results.count(name), work, workToPlain, toFloor, range, ...withRatio('cpuS'), ...withRatio('wallS'), adapterCpu, goal];
    }),
    notes: [
      'work s: wall time the program measures around its threads; threads cpu s: CPU time of the working threads (time.thread_time);',
      'process s: from spawning the program (the adapter, for debug modes) to its end. Targets apply to work s.',
      "floor: plain python with the sys.monitoring a session without stops sets up, made in-process from `site` (bench/workloads/floor): CPython's own cost;",
      "work x floor: against the floor of the same breakpoint placement; adapter cpu %: the adapter process's CPU while the program runs (from its first line to the end of its work, its threads' run times in ns; the debuggee's not counted), in % of one core.",
      `n: samples; a case whose first run takes over ${options.repeatUnderMs / 1000} s is not repeated.`,
    ],
  };
}

function scalingTable(results: Results, modes: readonly Mode[]): Table {
  const speedup = (mode: string) => (2 * median(results.values(cpuCaseName(mode, 1), 'workS'))) / median(results.values(cpuCaseName(mode, 2), 'workS'));
  return {
    title: 'Speedup of 2 threads over 1 (each thread the same work; from median work times)',
    columns: ['mode', 'n', '1 thread s', '2 threads s', 'speedup', '% of plain', 'ftpy target'],
    rows: modes.map(({ mode, target, unavailable }) => {
      if (unavailable) return [mode, `not available: ${unavailable}`];
      const names = [cpuCaseName(mode, 1), cpuCaseName(mode, 2)];
      const failed = results.failure(...names);
      if (failed) return [mode, `not measured: ${failed}`];
      const [one, two] = names.map((name) => median(results.values(name, 'workS')));
      const percent = `${((100 * speedup(mode)) / speedup('plain')).toFixed(1)}%`;
      return [mode, results.count(...names), one, two, speedup(mode), percent, target ? `>= ${SPEEDUP_TARGET * 100}%` : undefined];
    }),
  };
}

function stopTable(results: Results, debuggers: readonly Availability[]): Table {
  return {
    title: `Stopping at a breakpoint with ${PARKED_THREADS} other threads alive (half looping in Python, half blocked in C); medians, ms`,
    columns: ['debugger', 'n', 'hit->stopped', 'hit->threads', 'hit->all stacks', 'target', 'threads listed', 'stacks with frames'],
    rows: debuggers.map((entry) => {
      if (!entry.available) return [entry.name, `not available: ${entry.why}`];
      const name = stopCaseName(entry.debugger);
      const failed = results.failure(name);
      if (failed) return [entry.debugger.name, `not measured: ${failed}`];
      const of = (key: string) => median(results.values(name, key));
      return [
        entry.debugger.name,
        results.count(name),
        of('hitToStoppedMs'),
        of('hitToThreadsMs'),
        of('hitToStacksMs'),
        `<= ${STOP_TARGET_MS}`,
        of('threads'),
        of('stacks'),
      ];
    }),
    notes: [
      'threads: the answer to the threads request sent at the stop; all stacks: then every stackTrace request at once, as a UI showing all threads would.',
      ...(debuggers.some((entry) => entry.available && entry.debugger.name.startsWith('debugpy'))
        ? ['debugpy (pydevd) waits up to 0.5 s for each thread it could not suspend (blocked in C) before giving its stack anyway.']
        : []),
    ],
  };
}

function startupTable(results: Results, debuggers: readonly Availability[]): Table {
  return {
    title: 'Session start-up, pooled over all sessions of each debugger; medians, ms',
    columns: ['debugger', 'n', 'launch->initialized', 'configurationDone->first line', 'launch->first line', 'target'],
    rows: debuggers.map((entry) => {
      if (!entry.available) return [entry.name, `not available: ${entry.why}`];
      const sessions = results.pooled(entry.debugger.name);
      const of = (key: string) => median(sessions.map((sample) => sample[key]));
      return [entry.debugger.name, sessions.length, of('launchToInitializedMs'), of('configuredToProgramMs'), of('startupMs'), `<= ${STARTUP_TARGET_MS}`];
    }),
    notes: ["first line: the program's own clock at its first line (time.time()), against the harness's clock."],
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const python = testPython();
  const calls = options.size ?? (options.quick ? 60 : 200); // of 20 000 iterations each
  const setupOutput = { write: (text: string) => process.stderr.write(text) };
  const choices = { debugpy: () => debugpy(python, setupOutput), ftpy: () => ftpy(python, setupOutput) };
  const unknown = options.without.filter((name) => !(name in choices));
  if (unknown.length) throw new Error(`--without ${unknown.join(', ')}: the debuggers are ${Object.keys(choices).join(' and ')}`);
  const debuggers: Availability[] = [];
  for (const [name, obtain] of Object.entries(choices)) if (!options.without.includes(name)) debuggers.push(await obtain());
  const available = debuggers.flatMap((entry) => (entry.available ? [entry.debugger] : []));
  const cases = [
    ...cpuCases(python, available, calls, options),
    ...available.map((debug) => ({ name: stopCaseName(debug), run: () => stopAndShowStacks(debug, options.caseTimeoutMs) })),
  ];

  const started = Date.now();
  const loadBefore = os.loadavg()[0];
  const measured = await runInterleaved(cases, options, progress);
  const results = new Results(measured);
  const modes = cpuModes(debuggers);
  const tables = [overheadTable(results, modes, calls, options), scalingTable(results, modes), stopTable(results, debuggers), startupTable(results, debuggers)];
  const facts = {
    python,
    rounds: options.rounds,
    calls,
    durationS: Math.round((Date.now() - started) / 1000),
    loadAverage1min: `${loadBefore.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end, on ${os.cpus().length} cores`,
    debuggers: debuggers.map((entry) => (entry.available ? entry.debugger.name : `${entry.name} not available: ${entry.why}`)),
  };
  printReport(options.json, tables, facts, { samples: Object.fromEntries(measured.samples), failures: Object.fromEntries(measured.failures) });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

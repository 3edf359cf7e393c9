// Issue 5's benchmark: what lock tracking (launch attribute trackLocks) costs a lock-heavy
// program: the examples' histogram filling with one shared Lock on 2 threads, plain
// `python -X gil=0`, under ftpy with trackLocks on and with it off, interleaved in one run.
//   npx tsx bench/lock-tracking.ts [--quick] [--rounds N] [--size EVENTS] [--json]
import * as os from 'node:os';
import * as path from 'node:path';
import { marker } from '../test/support/dap';
import { testPython } from '../test/support/runtime';
import { ftpy } from './debuggers';
import { Debugger, recorded, runDebugSession } from './lib/debugSession';
import { BenchRecord } from './lib/dap';
import { Case, Results, runInterleaved } from './lib/interleave';
import { parseOptions } from './lib/options';
import { runTimed } from './lib/processRun';
import { printReport, Table } from './lib/report';
import { median } from './lib/stats';

const WORKLOAD = path.join(__dirname, 'workloads', 'lock_histogram.py');
const MODES = [
  { name: 'plain', trackLocks: undefined, target: undefined },
  { name: 'ftpy, trackLocks on', trackLocks: true, target: 1.25 },
  { name: 'ftpy, trackLocks off', trackLocks: false, target: 1.05 },
] as const;

type Sample = Record<string, number>;

function workSample(records: BenchRecord[]): Sample {
  if (recorded(records, 'gil').value !== false) throw new Error('the GIL was enabled in the program');
  return { workS: recorded(records, 'work').value as number, cpuS: recorded(records, 'cpu').value as number };
}

function withTracking(debug: Debugger, trackLocks: boolean): Debugger {
  return { ...debug, launchArguments: (program, args) => ({ ...debug.launchArguments(program, args), trackLocks }) };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const python = testPython();
  const events = options.size ?? (options.quick ? 50_000 : 200_000);
  const built = await ftpy(python, { write: (text: string) => process.stderr.write(text) });
  if (!built.available) throw new Error(built.why);
  const args = [String(events)];
  const cases: Case<Sample>[] = MODES.map((mode) => ({
    name: mode.name,
    run: async () => {
      if (mode.trackLocks === undefined) return workSample((await runTimed(python, ['-X', 'gil=0', WORKLOAD, ...args])).records);
      const session = await runDebugSession(
        withTracking(built.debugger, mode.trackLocks),
        WORKLOAD,
        args,
        { file: WORKLOAD, lines: [marker(WORKLOAD, 'never_called')] },
        options.caseTimeoutMs,
      );
      return workSample(session.records);
    },
  }));
  const loadBefore = os.loadavg()[0];
  const results = new Results(await runInterleaved(cases, options, (line) => process.stderr.write(`${line}\n`)));
  const plain = (key: string) => median(results.values('plain', key));
  const table: Table = {
    title: `Histogram filling with one shared Lock, 2 threads, ${events} events (medians of ${options.rounds} rounds)`,
    columns: ['mode', 'n', 'work s', 'work x plain', 'process cpu s', 'cpu x plain', 'target'],
    rows: MODES.map((mode) => {
      const failed = results.failure(mode.name);
      if (failed) return [mode.name, `not measured: ${failed}`];
      const withRatio = (key: string) => [median(results.values(mode.name, key)), median(results.values(mode.name, key)) / plain(key)];
      return [mode.name, results.count(mode.name), ...withRatio('workS'), ...withRatio('cpuS'), mode.target ? `<= ${mode.target}x` : undefined];
    }),
    notes: [
      'work s: wall time the program measures around its filling threads (examples/histogram.py run("shared lock", 2, events));',
      'process cpu s: CPU time of the whole program meanwhile (agent included), steadier when other processes load the machine.',
    ],
  };
  const facts = {
    python,
    rounds: options.rounds,
    events,
    loadAverage1min: `${loadBefore.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end, on ${os.cpus().length} cores`,
  };
  printReport(options.json, [table], facts, {});
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

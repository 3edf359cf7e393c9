// Issue 6's benchmark: what sampling the runtime from outside (50 samples a second, the
// default) costs a CPU-bound free-threaded program: examples/histogram.py's per-thread filling,
// plain and under ftpy with sampling off and at 50 Hz, interleaved in one run.
//   npx tsx bench/runtime-sampling.ts [--quick] [--rounds N] [--size EVENTS] [--json]
import * as os from 'node:os';
import * as path from 'node:path';
import { FTPY_REQUESTS } from '../debug-adapter/protocol';
import { testPython } from '../test/support/runtime';
import { ftpy } from './debuggers';
import { BenchRecord } from './lib/dap';
import { Debugger, recorded, runDebugSession } from './lib/debugSession';
import { Case, Results, runInterleaved } from './lib/interleave';
import { parseOptions } from './lib/options';
import { runTimed } from './lib/processRun';
import { printReport, Table } from './lib/report';
import { median } from './lib/stats';

const FILL = path.join(__dirname, 'workloads', 'histogram_fill.py');
const THREADS = 2;
const TARGET = 1.02;
const MODES = { plain: 'plain python -X gil=0', off: 'ftpy, sampling off', sampled: 'ftpy, sampling 50 Hz' } as const;
type Mode = keyof typeof MODES;

type Sample = Record<string, number>;

function fillSample(records: BenchRecord[]): Sample {
  if (recorded(records, 'gil').value !== false) throw new Error('the GIL was enabled in the program');
  return { workS: recorded(records, 'work').value as number, cpuS: recorded(records, 'cpu').value as number };
}

/** A session with the runtime panel shown from the start, sampling `hz` times a second. */
function withSampling(debug: Debugger, hz: number): Debugger {
  return {
    ...debug,
    launchArguments: (program, args) => ({ ...debug.launchArguments(program, args), runtimeSampling: hz }),
    requestsOnLaunch: [{ command: FTPY_REQUESTS.runtimeSampling, args: { on: true } }],
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const python = testPython();
  const events = options.size ?? (options.quick ? 200_000 : 600_000);
  const args = [String(events), String(THREADS)];
  const available = await ftpy(python, { write: (text: string) => process.stderr.write(text) });
  if (!available.available) throw new Error(available.why);
  const session = (hz: number) => async () =>
    fillSample((await runDebugSession(withSampling(available.debugger, hz), FILL, args, { file: FILL, lines: [] }, options.caseTimeoutMs)).records);
  const cases: Case<Sample>[] = [
    { name: MODES.plain, run: async () => fillSample((await runTimed(python, ['-X', 'gil=0', FILL, ...args])).records) },
    { name: MODES.off, run: session(0) },
    { name: MODES.sampled, run: session(50) },
  ];
  const loadBefore = os.loadavg();
  const measured = await runInterleaved(cases, options, (line) => process.stderr.write(`${line}\n`));
  const loadAfter = os.loadavg();
  const results = new Results(measured);
  const work = (mode: Mode) => median(results.values(MODES[mode], 'workS'));
  const cpu = (mode: Mode) => median(results.values(MODES[mode], 'cpuS'));
  const table: Table = {
    title: `histogram filling, ${events.toLocaleString('en')} events on ${THREADS} threads (medians of ${options.rounds} rounds)`,
    columns: ['mode', 'fill s', 'cpu s', 'fill vs plain', 'cpu vs plain', 'fill vs sampling off'],
    rows: (Object.keys(MODES) as Mode[]).map((mode) => [
      MODES[mode],
      results.failure(MODES[mode]) ?? work(mode),
      cpu(mode),
      work(mode) / work('plain'),
      cpu(mode) / cpu('plain'),
      mode === 'plain' ? undefined : work(mode) / work('off'),
    ]),
    notes: [`target: sampling at 50 Hz ≤ ${TARGET}x plain`],
  };
  const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ');
  const facts = {
    python,
    rounds: options.rounds,
    ratioSampledVsPlain: Number((work('sampled') / work('plain')).toFixed(3)),
    loadAverage: `${load(loadBefore)} at the start, ${load(loadAfter)} at the end (1, 5, 15 min), on ${os.cpus().length} cores`,
  };
  printReport(options.json, [table], facts, { samples: Object.fromEntries(measured.samples), failures: Object.fromEntries(measured.failures) });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

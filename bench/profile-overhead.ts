// Issue 18's benchmark: what `ftpy profile` costs the program it samples from outside, on
// examples/histogram.py's per-thread filling (2 threads): plain, then profiled at 100 Hz and at
// 1 kHz (the default), interleaved in one run; and the sampler's own CPU, which on a machine
// with few cores is taken from the program.
//   npx tsx bench/profile-overhead.ts [--quick] [--rounds N] [--size EVENTS] [--json]
import * as os from 'node:os';
import * as path from 'node:path';
import type { SampledReport } from '../cli/profile';
import { cliPath } from '../test/support/cli';
import { testPython } from '../test/support/runtime';
import { BenchRecord } from './lib/dap';
import { recorded } from './lib/debugSession';
import { Case, Results, runInterleaved } from './lib/interleave';
import { parseOptions } from './lib/options';
import { runTimed } from './lib/processRun';
import { printReport, Table } from './lib/report';
import { median } from './lib/stats';

const FILL = path.join(__dirname, 'workloads', 'histogram_fill.py');
const THREADS = 2;
const TARGET = 1.03;
const MODES = { plain: 'plain python -X gil=0', slow: 'ftpy profile --rate 100', fast: 'ftpy profile (1000 Hz)' } as const;
type Mode = keyof typeof MODES;
const RATES: Record<Exclude<Mode, 'plain'>, number> = { slow: 100, fast: 1000 };

type Sample = Record<string, number>;

function fillSample(records: BenchRecord[]): Sample {
  if (recorded(records, 'gil').value !== false) throw new Error('the GIL was enabled in the program');
  return { workS: recorded(records, 'work').value as number, cpuS: recorded(records, 'cpu').value as number };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const python = testPython();
  const events = options.size ?? (options.quick ? 200_000 : 600_000);
  const args = [FILL, String(events), String(THREADS)];
  const profiled = (rate: number) => async () => {
    const run = await runTimed(process.execPath, [cliPath(), 'profile', '--rate', String(rate), '--json', '--python', python, '--', ...args]);
    const report = JSON.parse(run.stdout) as SampledReport;
    return { ...fillSample(run.records), samplerCpuS: report.samplerCpuS, samplerS: report.durationS, rateHz: report.rateHz, samples: report.samples };
  };
  const cases: Case<Sample>[] = [
    { name: MODES.plain, run: async () => fillSample((await runTimed(python, ['-X', 'gil=0', ...args])).records) },
    { name: MODES.slow, run: profiled(RATES.slow) },
    { name: MODES.fast, run: profiled(RATES.fast) },
  ];
  const loadBefore = os.loadavg();
  const measured = await runInterleaved(cases, options, (line) => process.stderr.write(`${line}\n`));
  const loadAfter = os.loadavg();
  const results = new Results(measured);
  const value = (mode: Mode, key: string) => median(results.values(MODES[mode], key));
  const sampled = (mode: Mode, key: string) => (mode === 'plain' ? undefined : value(mode, key));
  const table: Table = {
    title: `histogram filling, ${events.toLocaleString('en')} events on ${THREADS} threads (medians of ${options.rounds} rounds)`,
    columns: ['mode', 'fill s', 'fill vs plain', 'cpu vs plain', 'samples/s', 'sampler % of a core'],
    rows: (Object.keys(MODES) as Mode[]).map((mode) => {
      const cpuShare = mode === 'plain' ? undefined : (100 * value(mode, 'samplerCpuS')) / value(mode, 'samplerS');
      return [
        MODES[mode],
        results.failure(MODES[mode]) ?? value(mode, 'workS'),
        value(mode, 'workS') / value('plain', 'workS'),
        value(mode, 'cpuS') / value('plain', 'cpuS'),
        sampled(mode, 'rateHz'),
        cpuShare,
      ];
    }),
    notes: [
      `target: profiled at 1000 Hz <= ${TARGET}x plain`,
      'sampler % of a core: the CPU `ftpy profile` used while it sampled, over the time it sampled (the program not counted)',
    ],
  };
  const load = (values: number[]) => values.map((entry) => entry.toFixed(2)).join(' ');
  const facts = {
    python,
    rounds: options.rounds,
    ratioFastVsPlain: Number((value('fast', 'workS') / value('plain', 'workS')).toFixed(3)),
    loadAverage: `${load(loadBefore)} at the start, ${load(loadAfter)} at the end (1, 5, 15 min), on ${os.cpus().length} cores`,
  };
  printReport(options.json, [table], facts, { samples: Object.fromEntries(measured.samples), failures: Object.fromEntries(measured.failures) });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

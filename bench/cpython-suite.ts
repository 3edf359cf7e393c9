// Issue 13's benchmark: the wall time of CPython's own thread and queue tests debugged with
// ftpy's default settings (plus breakpoints that never fire, one conditional in Thread.run)
// against the same tests run plainly and under `ftpy run`, interleaved round by round.
// Target: debugging takes at most 1.3x the plain time. (debugpy is not a peer here: it hangs
// in test_threading's subprocess tests.)
//   npx tsx bench/cpython-suite.ts [--quick] [--rounds N] [--json]
import { breakpointsByModule, ConformanceModule, debugRun, ftpyRun, plainRun, Run } from '../test/conformance/runs';
import { parseOptions } from './lib/options';
import { printReport, Table } from './lib/report';
import { median } from './lib/stats';

const MODULES: ConformanceModule[] = [
  { name: 'test_threading' },
  { name: 'test_thread' },
  { name: 'test_queue' },
  { name: 'test_threading_local' },
  { name: 'test_sys_settrace' },
];
const TARGET = 1.3;
const RUN_LIMIT_MS = 300_000;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const modules = options.quick ? MODULES.slice(1) : MODULES;
  const breakpoints = breakpointsByModule(modules);
  const seconds: Record<'plain' | 'ftpy run' | 'debug', number[]> = { plain: [], 'ftpy run': [], debug: [] };
  for (let round = 0; round < options.rounds; round++) {
    const totals = { plain: 0, 'ftpy run': 0, debug: 0 };
    for (const module of modules) {
      const args = ['--timeout', '150', module.name];
      const runs: Run[] = [
        await plainRun(args, RUN_LIMIT_MS),
        await ftpyRun(args, RUN_LIMIT_MS),
        await debugRun(args, breakpoints.get(module.name) ?? {}, RUN_LIMIT_MS),
      ];
      for (const run of runs) {
        if (run.exitCode !== 0) throw new Error(`${module.name} ${run.mode} did not pass (exit ${run.exitCode ?? 'none: killed'}): ${run.problems.join('; ')}`);
        totals[run.mode] += run.seconds;
      }
    }
    for (const mode of ['plain', 'ftpy run', 'debug'] as const) seconds[mode].push(totals[mode]);
    process.stderr.write(
      `round ${round + 1}: plain ${totals.plain.toFixed(1)} s, ftpy run ${totals['ftpy run'].toFixed(1)} s, debug ${totals.debug.toFixed(1)} s\n`,
    );
  }
  const plain = median(seconds.plain);
  const table: Table = {
    title: `${modules.map((module) => module.name).join(', ')}: wall time, median of ${options.rounds} rounds`,
    columns: ['mode', 'seconds', 'x plain', 'target'],
    rows: [
      ['plain', plain, 1, undefined],
      ['ftpy run', median(seconds['ftpy run']), median(seconds['ftpy run']) / plain, undefined],
      ['debug (defaults)', median(seconds.debug), median(seconds.debug) / plain, `<= ${TARGET}`],
    ],
  };
  printReport(options.json, [table], { target: `debugging at most ${TARGET}x plain` }, { seconds });
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

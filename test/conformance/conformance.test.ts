// The conformance tier: CPython's own tests of threads, locks, queues, free threading, tracing
// and monitoring are the judge of whether a program behaves under ftpy exactly as under python.
// Each module runs plain, under `ftpy run` and under the debugger (with breakpoints that never
// fire in stdlib hot paths, so that code runs the monitoring path); the tests run and each
// one's outcome must be the same in all three.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { adapterPath } from '../support/dap';
import { knownDifferences } from './known-differences';
import { differences, parseReport, Report } from './regrtest';
import { Breakpoints, breakpointsByModule, ConformanceModule, debugRun, ftpyRun, plainRun, Run } from './runs';

// Plain, they take about 35 s together on 2 cores (test_threading 16 s, test_queue 9 s,
// test_free_threading 5 s, the others 1 s or less); the tier, three runs each, about 2 minutes.
const MODULES: ConformanceModule[] = [
  { name: 'test_threading' },
  { name: 'test_thread' },
  { name: 'test_threading_local' },
  { name: 'test_queue' },
  // A package: its own test_monitoring has a main guard.
  { name: 'test_free_threading', unreached: { module: 'test_free_threading.test_monitoring' } },
  { name: 'test_concurrent_futures.test_thread_pool' },
  { name: 'test_sys_settrace' },
  // No main guard: a test that free-threaded 3.13 always skips (it requires specialization).
  { name: 'test_monitoring', unreached: { function: 'test_implicit_stop_iteration' } },
];

/** One run's limit, 4x the slowest module's debug run (about 20 s): past it the run is dumped and killed. */
const RUN_LIMIT_MS = 90_000;
/** regrtest's own limit (faulthandler dumps the threads and exits): a backstop for a run the tier could not kill. */
const REGRTEST_TIMEOUT_S = 150;
const TAIL_LINES = 40;
const logs = path.join(os.tmpdir(), 'ftpy-conformance');

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function summary(report: Report, run: Run): string {
  return `"${report.total ?? 'no total'}", ${report.result ?? 'no result'}, exit code ${run.exitCode ?? 'none (killed at the limit)'}`;
}

/** What differs between the plain run and another, or undefined when they agree. */
function mismatch(module: string, plain: Run, other: Run): string | undefined {
  const expected = parseReport(plain.stdout);
  const actual = parseReport(other.stdout);
  const excused = new Set(knownDifferences.filter((known) => known.module === module && known.mode === other.mode).map((known) => known.test));
  const differing = differences(expected, actual).filter((difference) => !excused.has(difference.test) && !excused.has('*'));
  // Excused tests change the totals, so the summary is compared only without them.
  const summaryDiffers = excused.size === 0 && summary(expected, plain) !== summary(actual, other);
  const firedBreakpoints = other.stops.filter((stop) => stop.startsWith('breakpoint'));
  if (differing.length === 0 && !summaryDiffers && firedBreakpoints.length === 0 && other.problems.length === 0) return undefined;
  const log = path.join(logs, module, `${other.mode.replace(' ', '-')}.log`);
  fs.mkdirSync(path.dirname(log), { recursive: true });
  fs.writeFileSync(log, other.output);
  // A run killed at its limit never got to the tests after the one it hung in: counted, not listed.
  const neverRan = other.exitCode === undefined ? differing.filter((difference) => difference.actual === 'absent') : [];
  return [
    `${other.mode}: ${differing.length} test(s) differ from plain python`,
    ...differing
      .filter((difference) => !neverRan.includes(difference))
      .map((difference) => `  ${difference.test}: ${difference.expected} under python, ${difference.actual} under ${other.mode}`),
    ...(neverRan.length > 0 ? [`  and ${neverRan.length} test(s) that never ran: the run was killed at its limit`] : []),
    `  summary under python: ${summary(expected, plain)}`,
    `  summary under ${other.mode}: ${summary(actual, other)}`,
    ...(other.stops.length > 0 ? [`  the debugger stopped ${other.stops.length} time(s):`, ...other.stops.map((stop) => `    ${stop}`)] : []),
    ...other.problems.map((problem) => `  ${problem.replace(/\n/g, '\n    ')}`),
    `  the last ${TAIL_LINES} lines of its output (all of it in ${log}):`,
    tail(other.output, TAIL_LINES).replace(/^/gm, '  | '),
  ].join('\n');
}

suite('conformance: CPython tests behave under ftpy as under python', () => {
  let breakpoints: Map<string, Breakpoints>;
  suiteSetup(() => {
    adapterPath(); // rebuilds dist/ (every bundle) when the adapter's or the runtime's sources changed
    breakpoints = breakpointsByModule(MODULES);
  });

  for (const module of MODULES) {
    test(module.name, async function () {
      this.timeout(3 * RUN_LIMIT_MS + 60_000); // three runs, each dumped at its limit at worst
      // One run at a time: the modes would compete for the 2 cores and change each other's timing.
      const args = ['-v', '--timeout', String(REGRTEST_TIMEOUT_S), module.name];
      const plain = await plainRun(args, RUN_LIMIT_MS);
      const run = await ftpyRun(args, RUN_LIMIT_MS);
      const debug = await debugRun(args, breakpoints.get(module.name) ?? {}, RUN_LIMIT_MS);

      const expected = parseReport(plain.stdout);
      console.log(
        `      ${module.name}: ${expected.run ?? 0} tests; plain ${plain.seconds.toFixed(1)} s, ftpy run ${run.seconds.toFixed(1)} s, ` +
          `debug ${debug.seconds.toFixed(1)} s (debug/plain ${(debug.seconds / plain.seconds).toFixed(1)}×)`,
      );
      // Stops for uncaught exceptions (VS Code's default filter) are the debugger's job, not a failure.
      for (const stop of debug.stops) console.log(`        the debugger stopped: ${stop}`);
      assert.equal(expected.result, 'SUCCESS', `plain python does not pass ${module.name}:\n${[...plain.problems, tail(plain.output, TAIL_LINES)].join('\n')}`);
      // Guards the parser: every test run has its outcome.
      assert.equal(expected.outcomes.size, expected.run, `parsed ${expected.outcomes.size} outcomes of ${expected.run} tests run`);
      const mismatches = [run, debug].map((other) => mismatch(module.name, plain, other)).filter((text) => text !== undefined);
      if (mismatches.length > 0) assert.fail(`${module.name} behaves differently under ftpy:\n${mismatches.join('\n\n')}`);
    });
  }
});

// Root hooks of every test tier. A test still running shortly before its time limit has every
// process under this one reported (ps, then `ftpy dump --locks` of each Python process), so a hang
// fails with where it hung, not only "Timeout exceeded". With FTPY_TEST_FAILURES set (by `npm run
// test:repeat`), the full title of each failed test is appended to that file, one per line.
import * as fs from 'node:fs';
import { descendants, processReport } from '../../scripts/lib/processTree.cjs';

/** How long before a test's limit its processes are reported: a dump takes a second or two. */
const REPORT_MARGIN_MS = 5_000;
let watchdog: NodeJS.Timeout | undefined;

/** Reports the processes if `test` still runs at its limit less the margin. A limit too short for
 * a report is only looked at again halfway, for a test that raises its own limit as it starts. */
function watch(test: Mocha.Runnable, started: number): void {
  const limit = test.timeout();
  if (limit === 0) return; // no limit
  const reports = limit > 2 * REPORT_MARGIN_MS;
  watchdog = setTimeout(
    () => {
      if (test.timeout() !== limit) return watch(test, started);
      if (!reports) return;
      const running = Math.round((Date.now() - started) / 1000);
      process.stderr.write(
        `\nftpy: "${test.fullTitle()}" still runs after ${running} s (limit ${limit / 1000} s); what it started:\n${processReport(descendants(process.pid))}\n`,
      );
    },
    Math.max(0, started + (reports ? limit - REPORT_MARGIN_MS : limit / 2) - Date.now()),
  );
  watchdog.unref();
}

export const mochaHooks = {
  beforeEach(this: Mocha.Context): void {
    if (this.currentTest) watch(this.currentTest, Date.now());
  },
  afterEach(this: Mocha.Context): void {
    clearTimeout(watchdog);
    const failures = process.env.FTPY_TEST_FAILURES;
    if (failures && this.currentTest?.state === 'failed') fs.appendFileSync(failures, `${this.currentTest.fullTitle()}\n`);
  },
};

// Every mocha tier's reporter: mocha's spec output, then the run's counts from mocha's own stats,
// appended as one JSON line to $FTPY_TEST_COUNTS, which `npm test` sums for its closing line.
import * as fs from 'node:fs';
import Mocha from 'mocha';

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.FTPY_TEST_COUNTS;
      const stats = runner.stats;
      if (file && stats) fs.appendFileSync(file, `${JSON.stringify({ passed: stats.passes, failed: stats.failures, skipped: stats.pending })}\n`);
    });
  }
}

export = CountingReporter;

// `npm run stress`'s reporter: mocha's spec output and counts, then the hardening figures the tests gathered.
import Mocha from 'mocha';
import CountingReporter from '../support/countingReporter';
import { figures } from '../support/figures';

class FiguresReporter extends CountingReporter {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const started = Date.now();
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const f = figures;
      const lines = [
        `stops reported / hits:    ${f.stopsReported} / ${f.hits}`,
        `max stop latency:         ${f.maxStopLatencyMs.toFixed(1)} ms`,
        `adapter peak RSS:         ${(f.adapterPeakRssKb / 1024).toFixed(1)} MiB`,
        `faults survived / tried:  ${f.faultsSurvived} / ${f.faultsTried} (slowest fault to session end: ${f.maxFaultToEndMs.toFixed(0)} ms)`,
        `fuzz cases / crashes:     ${f.fuzzCases} / ${f.fuzzCrashes}`,
        `duration:                 ${((Date.now() - started) / 1000).toFixed(0)} s`,
      ];
      process.stdout.write(`\n  ftpy stress figures\n${lines.map((line) => `    ${line}\n`).join('')}\n`);
    });
  }
}

export = FiguresReporter;

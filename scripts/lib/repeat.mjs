// `npm run test:repeat -- N [tier]`: the tiers (or one) N times from one build, then each test
// that failed at least once with its count. A flake found this way is a bug to fix, never retried.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runTiers, tiers } from './tiers.mjs';

/** Parses `N [tier]`; throws with the usage on anything else. */
export function parseRepeatArgs(args) {
  const usage = `usage: npm run test:repeat -- N [tier]   (N >= 1; tier: ${tiers.map((tier) => tier.script).join(', ')})`;
  let positionals;
  try {
    ({ positionals } = parseArgs({ args, allowPositionals: true }));
  } catch (error) {
    throw new Error(`${error.message}\n${usage}`);
  }
  const [times, only, ...rest] = positionals;
  const count = Number(times);
  if (!Number.isInteger(count) || count < 1 || rest.length > 0) throw new Error(usage);
  return { count, only };
}

/**
 * The report of the runs ({ seconds, passed, failures: full titles of failed tests, failedTiers:
 * names of tiers that failed with no test failing, e.g. the check or a tier past its limit }).
 */
export function repeatReport(runs) {
  const lines = runs.map(
    (run, index) =>
      `  run ${index + 1}: ${run.passed ? 'PASS' : 'FAIL'} in ${run.seconds.toFixed(0)} s${run.passed ? '' : ` (${[...run.failures, ...run.failedTiers.map((tier) => `tier ${tier}`)].length} failure(s))`}`,
  );
  const counts = new Map();
  for (const run of runs) {
    for (const failure of [...new Set(run.failures), ...run.failedTiers.map((tier) => `tier ${tier} (no test failed in it)`)])
      counts.set(failure, (counts.get(failure) ?? 0) + 1);
  }
  const failing = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (failing.length > 0) lines.push('failed at least once:', ...failing.map(([title, count]) => `  ${count} of ${runs.length}: ${title}`));
  lines.push(`ftpy repeat: ${runs.filter((run) => run.passed).length} of ${runs.length} runs passed`);
  return lines.join('\n');
}

/** Runs the repetitions; returns true when every run passed. */
export async function repeatTiers(args) {
  const { count, only } = parseRepeatArgs(args);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-repeat-'));
  const runs = [];
  try {
    for (let index = 1; index <= count; index++) {
      process.stderr.write(`\nftpy: === repeat ${index} of ${count} ===\n`);
      const failuresFile = path.join(dir, `failures-${index}`);
      const started = performance.now();
      const results = await runTiers({ only, env: { FTPY_TEST_FAILURES: failuresFile }, closingLine: false });
      const failures = fs.existsSync(failuresFile) ? fs.readFileSync(failuresFile, 'utf8').split('\n').filter(Boolean) : [];
      const failedTiers = results.filter((result) => !result.passed && result.counts.failed === 0).map((result) => result.name);
      runs.push({ seconds: (performance.now() - started) / 1000, passed: results.every((result) => result.passed), failures, failedTiers });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`\n${repeatReport(runs)}\n`);
  return runs.every((run) => run.passed);
}

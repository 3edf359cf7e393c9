// `npm test`'s tiers, run one after another (each is also an npm script of its
// own), with a summary at the end.
import { spawn } from 'node:child_process';
import { repoRoot } from './paths.mjs';
import { seconds } from './step.mjs';

const tiers = [
  { name: 'check (tsc + eslint)', script: 'check' },
  { name: 'unit', script: 'test:unit' },
  { name: 'dap', script: 'test:dap' },
  { name: 'e2e', script: 'test:e2e' },
  // Load, faults and fuzzing with their figures (a few minutes): issue 8 asks for it in CI.
  { name: 'stress', script: 'stress' },
];

/** Runs every tier (a failure does not stop the next); returns true when all passed. */
export async function runTiers() {
  const results = [];
  for (const tier of tiers) {
    const started = performance.now();
    process.stderr.write(`\nftpy: === ${tier.name}: npm run ${tier.script} ===\n`);
    const code = await npmRun(tier.script);
    results.push({ ...tier, passed: code === 0, time: seconds(started) });
  }
  process.stderr.write('\nftpy: test summary\n');
  for (const { name, passed, time } of results) {
    process.stderr.write(`  ${passed ? 'PASS' : 'FAIL'}  ${name.padEnd(22)} ${time}\n`);
  }
  const failed = results.filter((result) => !result.passed);
  process.stderr.write(failed.length ? `ftpy: ${failed.length} tier(s) failed\n` : 'ftpy: all tiers passed\n');
  return failed.length === 0;
}

function npmRun(script) {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { cwd: repoRoot, stdio: 'inherit' });
    child.on('error', () => resolve(1));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

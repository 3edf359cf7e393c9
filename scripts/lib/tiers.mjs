// `npm test`'s tiers, run one after another (each is also an npm script of its
// own), with a summary at the end. The summary closes on the plain line
// "ftpy: N passed, N failed" (tests summed from mocha's epilogues), the line CI
// reads to know that tests ran.
import { spawn } from 'node:child_process';
import { repoRoot } from './paths.mjs';
import { seconds } from './step.mjs';

const tiers = [
  { name: 'check (tsc + eslint)', script: 'check' },
  { name: 'unit', script: 'test:unit' },
  { name: 'dap', script: 'test:dap' },
  // CPython's own thread, lock, tracing and monitoring tests, plain vs ftpy run vs debug (about 2 minutes).
  { name: 'conformance', script: 'test:conformance' },
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
    const { code, counts } = await npmRun(tier.script);
    results.push({ ...tier, passed: code === 0, counts, time: seconds(started) });
  }
  process.stderr.write('\nftpy: test summary\n');
  for (const { name, passed, time } of results) {
    process.stderr.write(`  ${passed ? 'PASS' : 'FAIL'}  ${name.padEnd(22)} ${time}\n`);
  }
  const failed = results.filter((result) => !result.passed);
  process.stderr.write(failed.length ? `ftpy: ${failed.length} tier(s) failed\n` : 'ftpy: all tiers passed\n');
  const total = (key) => results.reduce((sum, { counts }) => sum + counts[key], 0);
  // A tier that failed without a mocha epilogue (it crashed, or is the check) counts as one failure.
  const failures = results.reduce((sum, { passed, counts }) => sum + (passed ? 0 : Math.max(counts.failed, 1)), 0);
  process.stdout.write(`ftpy: ${total('passed')} passed, ${failures} failed, ${total('skipped')} skipped\n`);
  return failed.length === 0;
}

/** Test counts from mocha's epilogue lines ("  12 passing (3s)", "  1 pending", "  2 failing") in a tier's output. */
export function mochaCounts(output) {
  const count = (word) => [...output.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'gm'))].reduce((sum, match) => sum + Number(match[1]), 0);
  return { passed: count('passing'), failed: count('failing'), skipped: count('pending') };
}

/** Runs one tier, its stdout passed through and kept for the counts. */
function npmRun(script) {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { cwd: repoRoot, stdio: ['inherit', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
    });
    const done = (code) => resolve({ code, counts: mochaCounts(output.replace(/\x1b\[[0-9;]*m/g, '')) });
    child.on('error', () => done(1));
    child.on('close', (code) => done(code ?? 1));
  });
}

// `npm test`'s tiers, run one after another (each is also an npm script of its
// own), with a summary at the end. The summary closes on the plain line
// "ftpy: N passed, N failed, N skipped" (tests summed from mocha's epilogues), the line CI
// reads to know that tests ran. Each tier has a time limit: past it, what it left running is
// reported (ps and `ftpy dump --locks`) and killed, and the tier fails.
import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import processTree from './processTree.cjs';
import { repoRoot } from './paths.mjs';
import { seconds } from './step.mjs';

// Limits: about 3x a cold run's time on this kind of machine (2 cores).
export const tiers = [
  { name: 'check (tsc, eslint, pyright)', script: 'check', limitS: 300 },
  // The agent's pure logic, in Python's own unittest (seconds).
  { name: 'agent (python unittest)', script: 'test:agent', limitS: 120, counts: unittestCounts },
  { name: 'unit', script: 'test:unit', limitS: 600 },
  { name: 'dap', script: 'test:dap', limitS: 900 },
  // CPython's own thread, lock, tracing and monitoring tests, plain vs ftpy run vs debug (about 3 minutes).
  { name: 'conformance', script: 'test:conformance', limitS: 900 },
  { name: 'e2e', script: 'test:e2e', limitS: 900 },
  // Load, faults, hostile input and fuzzing with their figures (a minute).
  { name: 'stress', script: 'stress', limitS: 600 },
];

/**
 * Runs the tiers (a failure does not stop the next; `only`: one tier by script or name) with
 * `env` added; prints the summary and, unless `quiet`, the closing line. Returns the results.
 */
export async function runTiers({ only, env = {}, closingLine = true } = {}) {
  const chosen = only ? tiers.filter((tier) => tier.script === only || tier.name.startsWith(only)) : tiers;
  if (chosen.length === 0) throw new Error(`no tier named ${only} (tiers: ${tiers.map((tier) => tier.script).join(', ')})`);
  const results = [];
  for (const tier of chosen) {
    const started = performance.now();
    process.stderr.write(`\nftpy: === ${tier.name}: npm run ${tier.script} ===\n`);
    const { code, counts } = await npmRun(tier, env);
    results.push({ ...tier, passed: code === 0, counts, time: seconds(started) });
  }
  process.stderr.write('\nftpy: test summary\n');
  for (const { name, passed, time } of results) {
    process.stderr.write(`  ${passed ? 'PASS' : 'FAIL'}  ${name.padEnd(30)} ${time}\n`);
  }
  const failed = results.filter((result) => !result.passed);
  process.stderr.write(failed.length ? `ftpy: ${failed.length} tier(s) failed\n` : 'ftpy: all tiers passed\n');
  if (closingLine) process.stdout.write(`${closingLineOf(results)}\n`);
  return results;
}

/** "ftpy: N passed, N failed, N skipped"; a tier that failed without a mocha epilogue (it crashed, timed out, or is the check) counts as one failure. */
export function closingLineOf(results) {
  const total = (key) => results.reduce((sum, { counts }) => sum + counts[key], 0);
  const failures = results.reduce((sum, { passed, counts }) => sum + (passed ? 0 : Math.max(counts.failed, 1)), 0);
  return `ftpy: ${total('passed')} passed, ${failures} failed, ${total('skipped')} skipped`;
}

/** Test counts from unittest's closing lines ("Ran 25 tests in 0.1s", then "OK (skipped=1)" or "FAILED (failures=1, errors=2)"). */
export function unittestCounts(output) {
  const ran = [...output.matchAll(/^Ran (\d+) tests? in [\d.]+s$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  const outcomes = {};
  for (const [, list] of output.matchAll(/^(?:OK|FAILED) \((.*)\)$/gm)) {
    for (const [, name, count] of list.matchAll(/([a-z][a-z ]*)=(\d+)/g)) outcomes[name] = (outcomes[name] ?? 0) + Number(count);
  }
  const total = (...names) => names.reduce((sum, name) => sum + (outcomes[name] ?? 0), 0);
  const failed = total('failures', 'errors', 'unexpected successes');
  const skipped = total('skipped', 'expected failures');
  return { passed: ran - failed - skipped, failed, skipped };
}

/** Test counts from mocha's epilogue lines ("  12 passing (3s)", "  1 pending", "  2 failing") in a tier's output. */
export function mochaCounts(output) {
  const count = (word) => [...output.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'gm'))].reduce((sum, match) => sum + Number(match[1]), 0);
  return { passed: count('passing'), failed: count('failing'), skipped: count('pending') };
}

/** Runs one tier, its stdout passed through and kept for the counts. */
function npmRun(tier, env) {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', tier.script], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['inherit', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
    });
    const limit = setTimeout(() => {
      const pids = [child.pid, ...processTree.descendants(child.pid)];
      process.stderr.write(`\nftpy: the ${tier.name} tier still runs after its limit of ${tier.limitS} s; what it left running:\n${processTree.processReport(pids)}\n`);
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // it ended meanwhile
        }
      }
    }, tier.limitS * 1000);
    const done = (code) => {
      clearTimeout(limit);
      resolve({ code, counts: (tier.counts ?? mochaCounts)(stripVTControlCharacters(output)) });
    };
    child.on('error', () => done(1));
    child.on('close', (code) => done(code ?? 1));
  });
}

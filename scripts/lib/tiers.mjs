// `npm test`'s tiers, run one after another (each is also an npm script of its
// own), with a summary at the end. The summary closes on the plain line
// "ftpy: N passed, N failed, N skipped" (summed from what each tier's runner counted: mocha's
// stats, unittest's result), the line CI
// reads to know that tests ran. Each tier has a time limit: past it, what it left running is
// reported (ps and `ftpy dump --locks`) and killed, and the tier fails.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import processTree from './processTree.cjs';
import { repoRoot } from './paths.mjs';
import { seconds } from './step.mjs';

// Limits: about 3x a cold run's time on this kind of machine (2 cores).
export const tiers = [
  { name: 'check (tsc, eslint, prettier, pyright)', script: 'check', limitS: 300 },
  // The agent's pure logic, in Python's own unittest (seconds).
  { name: 'agent (python unittest)', script: 'test:agent', limitS: 120 },
  { name: 'unit', script: 'test:unit', limitS: 600 },
  { name: 'dap', script: 'test:dap', limitS: 900 },
  // CPython's own thread, lock, tracing and monitoring tests, plain vs ftpy run vs debug (about 3 minutes).
  { name: 'conformance', script: 'test:conformance', limitS: 900 },
  { name: 'e2e', script: 'test:e2e', limitS: 900 },
  // Load, faults, hostile input and fuzzing with their figures (a minute).
  { name: 'stress', script: 'stress', limitS: 600 },
  // The runtime built from python.org's tarball through a mirror on 127.0.0.1 (a CPython build: minutes cold, less with ccache).
  { name: 'provision', script: 'test:provision', limitS: 1500 },
];

/**
 * Runs the tiers (a failure does not stop the next; `only`: one tier by script or name) with
 * `env` added; prints the summary and, unless `quiet`, the closing line. Returns the results.
 * @param {{ only?: string, env?: Record<string, string>, closingLine?: boolean }} [options]
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
    process.stderr.write(`  ${passed ? 'PASS' : 'FAIL'}  ${name.padEnd(40)} ${time}\n`);
  }
  const failed = results.filter((result) => !result.passed);
  process.stderr.write(failed.length ? `ftpy: ${failed.length} tier(s) failed\n` : 'ftpy: all tiers passed\n');
  if (closingLine) process.stdout.write(`${closingLineOf(results)}\n`);
  return results;
}

/** "ftpy: N passed, N failed, N skipped"; a tier that failed with no test failing (it crashed, timed out, or is the check) counts as one failure. */
export function closingLineOf(results) {
  const total = (key) => results.reduce((sum, { counts }) => sum + counts[key], 0);
  const failures = results.reduce((sum, { passed, counts }) => sum + (passed ? 0 : Math.max(counts.failed, 1)), 0);
  return `ftpy: ${total('passed')} passed, ${failures} failed, ${total('skipped')} skipped`;
}

/** The counts a tier's runs appended to its counts file, one JSON line each ({ passed, failed, skipped }), summed; a line cut short (a runner killed while writing it) counts nothing. */
export function countsFrom(text) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const line of text.split('\n')) {
    let run;
    try {
      run = JSON.parse(line);
    } catch {
      continue;
    }
    for (const key of Object.keys(counts)) counts[key] += Number(run[key]) || 0;
  }
  return counts;
}

/** Runs one tier; its runners append their counts to a file of its own (FTPY_TEST_COUNTS). */
function npmRun(tier, env) {
  const countsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-counts-')), 'counts');
  fs.writeFileSync(countsFile, '');
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', tier.script], {
      cwd: repoRoot,
      env: { ...process.env, ...env, FTPY_TEST_COUNTS: countsFile },
      stdio: 'inherit',
    });
    const limit = setTimeout(() => {
      if (child.pid === undefined) return; // it never started: its 'error' ends the tier
      const pids = [child.pid, ...processTree.descendants(child.pid)];
      process.stderr.write(
        `\nftpy: the ${tier.name} tier still runs after its limit of ${tier.limitS} s; what it left running:\n${processTree.processReport(pids)}\n`,
      );
      for (const each of pids) {
        try {
          process.kill(each, 'SIGKILL');
        } catch {
          // it ended meanwhile
        }
      }
    }, tier.limitS * 1000);
    const done = (code) => {
      clearTimeout(limit);
      const counts = countsFrom(fs.readFileSync(countsFile, 'utf8'));
      fs.rmSync(path.dirname(countsFile), { recursive: true, force: true });
      resolve({ code, counts });
    };
    child.on('error', () => done(1));
    child.on('close', (code) => done(code ?? 1));
  });
}

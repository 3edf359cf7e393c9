// The agent's own unit tier: its pure logic (test/agent/test_*.py, stdlib unittest) run by the
// free-threaded interpreter the other tiers use, with the GIL off. unittest's report goes to
// stdout, where `npm test` reads its counts ("Ran N tests", "FAILED (failures=N, ...)").
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { testPython } from '../support/runtime';

const repoRoot = path.resolve(__dirname, '..', '..');
const python = testPython();
const result = spawnSync(python, ['-X', 'gil=0', '-m', 'unittest', 'discover', '--start-directory', 'test/agent', '--top-level-directory', 'test/agent', '--verbose'], {
  cwd: repoRoot,
  env: { ...process.env, PYTHONPATH: path.join(repoRoot, 'runtime', 'agent'), PYTHONDONTWRITEBYTECODE: '1' },
  stdio: ['ignore', 'inherit', 'pipe'],
  encoding: 'utf8',
});
const report = result.stderr ?? '';
process.stdout.write(report);
// For `npm run test:repeat`: each failed test's name, one per line (as the mocha tiers write them).
const failures = process.env.FTPY_TEST_FAILURES;
const failed = [...report.matchAll(/^(\w+ \([\w.]+\)) \.\.\. (?:FAIL|ERROR)$/gm)].map((match) => `agent ${match[1]}\n`);
if (failures && failed.length > 0) fs.appendFileSync(failures, failed.join(''));
if (result.error) console.log(`agent tests: ${python} did not run: ${result.error.message}`);
process.exit(result.status ?? 1);

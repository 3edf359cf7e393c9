// The agent's own unit tier: its pure logic (test/agent/test_*.py, stdlib unittest, run by
// run.py) on the free-threaded interpreter the other tiers use, with the GIL off.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { testPython } from '../support/runtime';

const repoRoot = path.resolve(__dirname, '..', '..');
const python = testPython();
const result = spawnSync(python, ['-X', 'gil=0', path.join(__dirname, 'run.py')], {
  cwd: repoRoot,
  env: { ...process.env, PYTHONPATH: path.join(repoRoot, 'runtime', 'agent'), PYTHONDONTWRITEBYTECODE: '1' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (result.error) console.log(`agent tests: ${python} did not run: ${result.error.message}`);
process.exit(result.status ?? 1);

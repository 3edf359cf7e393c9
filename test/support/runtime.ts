// The free-threaded interpreter the tests run: $FTPY_TEST_PYTHON when set,
// otherwise the embedded runtime (provisioned by `npm test`'s bootstrap).
import { execFileSync } from 'node:child_process';
import { readyRuntime } from '../../runtime/provision/runtime';

export function testPython(): string {
  const fromEnv = process.env.FTPY_TEST_PYTHON;
  if (fromEnv) return fromEnv;
  const runtime = readyRuntime();
  if (!runtime) {
    throw new Error('No embedded runtime is ready: run `node dist/cli.js runtime` (npm test does) or set FTPY_TEST_PYTHON.');
  }
  return runtime.python;
}

/** The test interpreter's version ("3.13.5"), as it says it itself. */
export function testPythonVersion(): string {
  return execFileSync(testPython(), ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' }).trim();
}

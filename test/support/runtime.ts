// The free-threaded interpreter the tests run: $FTPY_TEST_PYTHON when set,
// otherwise the embedded runtime (provisioned by `npm test`'s bootstrap).
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

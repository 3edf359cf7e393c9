// The embedded runtime, provisioned for real (npm test's bootstrap builds it; here it is reused).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { missingPackages, PACKAGE_MANAGERS } from '../../runtime/provision/buildPackages';
import { readyRuntime } from '../../runtime/provision/runtime';
import { runFtpy } from '../support/cli';

suite('the embedded runtime', () => {
  test('`ftpy runtime --json` yields a free-threaded interpreter that runs with the GIL off', async function () {
    this.timeout(30 * 60_000); // builds CPython when the cache is cold
    const started = Date.now();
    const result = await runFtpy(['runtime', '--json'], { timeoutMs: 30 * 60_000 });
    assert.equal(result.code, 0, result.stderr);
    console.log(`      (ftpy runtime took ${Date.now() - started} ms)`);
    const runtime = JSON.parse(result.stdout) as { python: string; version: string; log: string };
    assert.match(runtime.version, /^3\.13\.\d+$/);
    const facts = execFileSync(
      runtime.python,
      ['-X', 'gil=0', '-c', 'import sys, sysconfig; print(sysconfig.get_config_var("Py_GIL_DISABLED"), sys._is_gil_enabled())'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(facts.trim(), '1 False');
    assert.ok(fs.existsSync(runtime.log), 'the build log is kept in the cache');
    assert.deepEqual(readyRuntime()?.python, runtime.python);
  });

  test('two processes asking at once get the same runtime', async function () {
    this.timeout(30 * 60_000);
    const [a, b] = await Promise.all([runFtpy(['runtime', '--json'], { timeoutMs: 30 * 60_000 }), runFtpy(['runtime', '--json'], { timeoutMs: 30 * 60_000 })]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(JSON.parse(a.stdout).python, JSON.parse(b.stdout).python);
  });

  suite('in an empty cache', () => {
    let home: string;
    setup(() => {
      home = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-home-'));
    });
    teardown(() => fs.rmSync(home, { recursive: true, force: true }));

    test('nothing is ready, and a prefix without its verification marker never counts as ready', () => {
      const sources = [{ kind: 'debian' as const, suite: 'trixie', spec: 'python3.13' }];
      assert.equal(readyRuntime(sources, home), undefined);
      const prefix = path.join(home, 'runtimes', 'cpython-3.13.5t');
      fs.mkdirSync(path.join(prefix, 'bin'), { recursive: true });
      fs.writeFileSync(path.join(home, 'runtimes', 'index.json'), JSON.stringify({ 'trixie/python3.13': prefix }));
      assert.equal(readyRuntime(sources, home), undefined);
    });

    test('a source that cannot be had fails with a clear message and marks nothing ready', async function () {
      this.timeout(120_000);
      const env = { ...process.env, FTPY_HOME: home, FTPY_RUNTIME_SOURCE: 'python3.13=0.0.0-no-such-version' };
      const result = await runFtpy(['runtime'], { env, timeoutMs: 120_000 });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^ftpy: Provisioning the embedded runtime failed: .*apt-get .*source/m);
      assert.match(result.stderr, /Full log: .*provision-trixie-python3\.13_0\.0\.0-no-such-version\.log/);
      assert.equal(readyRuntime([{ kind: 'debian', suite: 'trixie', spec: 'python3.13=0.0.0-no-such-version' }], home), undefined);
      assert.ok(!fs.existsSync(path.join(home, 'runtimes')), 'no runtime folder was made');
    });
  });

  test('missing build packages are named (checked with dpkg)', () => {
    assert.deepEqual(missingPackages(PACKAGE_MANAGERS.apt, ['dpkg', 'ftpy-no-such-package']), ['ftpy-no-such-package']);
  });
});

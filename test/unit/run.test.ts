// `ftpy run` on the real free-threaded interpreter.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliPath, finished, fixtures, repoRoot, runFtpy } from '../support/cli';
import { censusIn, immortalParity, plainCensus } from '../support/immortality';
import { buildNeedsGilProgram } from '../support/needsGil';
import { testPython } from '../support/runtime';

suite('ftpy run', () => {
  let python: string;
  suiteSetup(() => {
    python = testPython();
  });

  test('runs an example with the GIL off and passes its output through', async () => {
    const result = await runFtpy(['run', '--python', python, 'examples/histogram.py', '--threads', '2', '--events', '4000']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /GIL off/);
    assert.match(result.stdout, /per-thread\s+2 thread\(s\):\s+[\d,]+ events\/s/);
    assert.match(result.stdout, /speedup with 2 threads: shared lock [\d.]+x, per-thread [\d.]+x/);
  });

  test('the program sees what plain python would show it, and stdin', async () => {
    const script = path.join(fixtures, 'run_behaves_like_python.py');
    const result = await runFtpy(['run', '--python', python, script, '7'], { input: 'from stdin' });
    assert.equal(result.code, 7, result.stderr);
    const seen = JSON.parse(result.stdout);
    assert.deepEqual(seen.argv, [script, '7']);
    assert.equal(seen.path0, fixtures);
    assert.equal(seen.name, '__main__');
    assert.equal(seen.file, script);
    assert.equal(seen.gil, false);
    assert.equal(seen.stdin, 'from stdin');
    assert.equal(seen.main_is_module, true);
    assert.ok(!seen.ftpy_env.includes('FTPY_REPORT_FD'), "ftpy's report channel does not leak into the program");
  });

  test("the program's functions and constants are as immortal as under plain python (no refcount contention between threads)", async () => {
    const result = await runFtpy(['run', '--python', python, immortalParity]);
    assert.equal(result.code, 0, result.stderr);
    const expected = plainCensus(python);
    assert.equal(expected.after['float constant'], true, 'the ground truth itself: python immortalizes the constant');
    assert.deepEqual(censusIn(result.stdout), expected);
  });

  test('an uncaught exception exits 1 with a traceback that starts at the program', async () => {
    const result = await runFtpy(['run', '--python', python, path.join(fixtures, 'run_raises.py')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /ValueError: raised by the program/);
    assert.doesNotMatch(result.stderr, /ftpy_agent|sitecustomize|runpy/);
    assert.match(result.stderr, /^Traceback \(most recent call last\):\n {2}File ".*run_raises\.py", line \d+, in <module>/m);
  });

  test('Ctrl-C (SIGINT) ends the program as python would and leaves no process', async () => {
    const child = spawn(process.execPath, [cliPath(), 'run', '--python', python, path.join(fixtures, 'run_waits_for_sigint.py')], {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const ready = new Promise<void>((resolve) => child.stdout.on('data', (data: Buffer) => data.toString().includes('ready') && resolve()));
    const done = finished(child, undefined, 30_000);
    await ready;
    const pythonPid = Number(execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).trim());
    child.kill('SIGINT');
    const result = await done;
    assert.equal(result.signal, 'SIGINT', `ftpy should die by SIGINT like python; got code ${result.code}`);
    assert.match(result.stderr, /KeyboardInterrupt/);
    assert.throws(() => process.kill(pythonPid, 0), /ESRCH/, 'python is gone');
  });

  suite('extension modules that need the GIL', () => {
    let workdir: string;
    suiteSetup(function () {
      workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-needs-gil-'));
      buildNeedsGilProgram(python, workdir);
    });
    suiteTeardown(() => fs.rmSync(workdir, { recursive: true, force: true }));

    test('with the GIL forced off (the default) the module is named and the GIL stays off', async () => {
      const result = await runFtpy(['run', '--python', python, path.join(workdir, 'main.py')]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /imported needs_gil gil False/);
      const notice = result.stderr.trim().split('\n');
      assert.equal(notice.length, 1, result.stderr);
      assert.match(notice[0], /^ftpy: 'needs_gil' \(imported at .*main\.py:4\) does not declare that it can run without the GIL/);
    });

    test('with --gil default the import that re-enabled the GIL is named', async () => {
      const result = await runFtpy(['run', '--python', python, '--gil', 'default', path.join(workdir, 'main.py')]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /imported needs_gil gil True/);
      assert.match(result.stderr, /^ftpy: the GIL was re-enabled by importing 'needs_gil' \(imported at .*main\.py:4\)/m);
    });

    test('nothing is reported when no such module is imported', async () => {
      const result = await runFtpy(['run', '--python', python, '--gil', 'default', 'examples/histogram.py', '--threads', '2', '--events', '1000']);
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /GIL/);
    });
  });

  suite('wrong input gets one clear line and a non-zero exit', () => {
    const gilBuild = ['/usr/bin/python3', path.join(process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv'), 'versions', '3.13.0', 'bin', 'python')].find(
      (file) => fs.existsSync(file),
    );

    test('a GIL build given as --python is refused, naming the problem and the fix', async function () {
      if (!gilBuild) this.skip();
      const result = await runFtpy(['run', '--python', gilBuild, 'examples/histogram.py']);
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '');
      assert.match(result.stderr.trim(), /^ftpy: \S+ is Python 3\.\d+\.\d+ built with the GIL; ftpy needs a free-threaded build .*embedded runtime/);
      assert.equal(result.stderr.trim().split('\n').length, 1);
    });

    const cases: [string, string[], RegExp, number][] = [
      ['no file', ['run'], /^ftpy run: which file\?/, 2],
      ['a missing file', ['run', 'no/such/file.py'], /^ftpy run: no\/such\/file\.py: no such file$/, 2],
      ['a folder', ['run', 'examples'], /^ftpy run: examples is not a file$/, 2],
      ['an unknown option', ['run', '--fast', 'x.py'], /^ftpy run: unknown option '--fast'/, 2],
      ['a bad --gil', ['run', '--gil', 'maybe', 'x.py'], /^ftpy run: --gil must be off, on or default, not 'maybe'$/, 2],
      ['--python without a value', ['run', '--python'], /^ftpy run: --python needs a value \(usage: ftpy run /, 2],
      ["options after FILE are the program's", ['run', 'no/such/file.py', '--gil', 'maybe', '--fast'], /^ftpy run: no\/such\/file\.py: no such file$/, 2],
      [
        'an interpreter that does not exist',
        ['run', '--python', '/no/python3.13t', 'examples/histogram.py'],
        /^ftpy: Python interpreter not found: \/no\/python3\.13t\./,
        1,
      ],
      ['an unknown command', ['fly'], /^ftpy: unknown command 'fly'/, 2],
      ['a bad runtime argument', ['runtime', '--xml'], /^ftpy runtime: unknown option '--xml' \(usage: ftpy runtime/, 2],
    ];
    for (const [name, args, message, code] of cases) {
      test(name, async () => {
        const result = await runFtpy(args);
        assert.equal(result.code, code, result.stderr);
        assert.match(result.stderr.trim(), message);
        assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      });
    }
  });
});

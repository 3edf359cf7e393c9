import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findCandidates } from '../../runtime/provision/discovery';
import { ftpyHome } from '../../runtime/provision/home';
import { describeInterpreter, requireFreeThreaded } from '../../runtime/provision/interpreters';
import { runFtpy } from '../support/cli';
import { testPython } from '../support/runtime';

suite('interpreters', () => {
  test('the free-threaded runtime is described by running it', async () => {
    const info = await describeInterpreter(testPython());
    assert.equal(info.freeThreaded, true);
    assert.match(info.version, /^3\.1[3-9]\.\d+$/);
    assert.equal(info.gilEnabledByDefault, false);
    assert.equal(requireFreeThreaded(info), info);
  });

  test('ftpy interpreters: uv, pyenv, conda, Fedora and deadsnakes names on PATH, a workspace venv, the embedded runtime; a GIL build listed as refused', async function () {
    const gilBuild = '/usr/bin/python3'; // Debian's python3: built with the GIL
    if (!fs.existsSync(gilBuild)) this.skip();
    const python = testPython();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-home-'));
    const workspace = path.join(home, 'project');
    const link = (file: string, target: string) => {
      fs.mkdirSync(path.dirname(path.join(home, file)), { recursive: true });
      fs.symlinkSync(target, path.join(home, file));
      return path.join(home, file);
    };
    try {
      const expected = [
        { source: 'uv', path: link('.local/share/uv/python/cpython-3.13.5+freethreaded-linux-x86_64-gnu/bin/python3.13t', python) },
        { source: 'pyenv', path: link('.pyenv/versions/3.13.5t/bin/python3.13t', python) },
        { source: 'conda', path: link('miniforge3/envs/nogil/bin/python3.13t', python) },
        { source: 'PATH', path: link('bin/python3.13-nogil', gilBuild) },
        { source: 'PATH', path: link('bin/python3.13t', python) },
        { source: 'venv', path: path.join(workspace, '.venv', 'bin', 'python') },
      ];
      fs.mkdirSync(workspace);
      assert.equal(spawnSync(python, ['-m', 'venv', '--without-pip', path.join(workspace, '.venv')]).status, 0);
      const env = { HOME: home, PATH: `${path.join(home, 'bin')}${path.delimiter}/bin`, FTPY_HOME: ftpyHome() };
      const result = await runFtpy(['interpreters', '--json', '--workspace', workspace], { env });
      assert.equal(result.code, 0, result.stderr);
      const listed = JSON.parse(result.stdout) as { path: string; source: string; freeThreaded: boolean | null; refused?: string }[];
      assert.equal(listed[0]?.source, 'embedded', result.stdout);
      for (const { source, path: file } of expected) {
        const entry = listed.find((interpreter) => interpreter.path === file);
        assert.equal(entry?.source, source, `${file} in ${result.stdout}`);
        if (file.endsWith('-nogil')) {
          assert.equal(entry?.freeThreaded, false);
          assert.match(entry?.refused ?? '', /built with the GIL; ftpy needs a free-threaded build/);
        } else {
          assert.deepEqual([entry?.freeThreaded, entry?.refused], [true, undefined], JSON.stringify(entry));
        }
      }
      assert.equal(listed.length, expected.length + 1, 'nothing else: the real HOME and PATH are not searched');
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  test("the Python extension's interpreters: listed under it unless found otherwise; its environment folders without an interpreter left out", () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-home-'));
    try {
      const python = testPython();
      const onPath = path.join(home, 'bin', 'python3.13t');
      const elsewhere = path.join(home, 'opt', 'ft', 'bin', 'python3');
      for (const file of [onPath, elsewhere]) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.symlinkSync(python, file);
      }
      const found = findCandidates({
        env: { PATH: path.join(home, 'bin') },
        home,
        workspaceFolders: [],
        pythonExtension: [elsewhere, onPath, path.join(home, 'opt', 'ft'), path.join(home, 'missing', 'python')],
      });
      assert.deepEqual(found, [
        { source: 'PATH', path: onPath },
        { source: 'python-extension', path: elsewhere },
      ]);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  test('something that is not Python is refused with a message saying what to choose', async () => {
    await assert.rejects(describeInterpreter('/bin/true'), /\/bin\/true is not a Python interpreter ftpy understands/);
    await assert.rejects(describeInterpreter('/etc/passwd'), /\/etc\/passwd is not executable/);
  });
});

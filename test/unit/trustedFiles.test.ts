// Inspecting another user's process never runs that user's files as us: not the interpreter (for
// its build configuration), not its compiler, not a probe built with its headers. Offsets belong
// to a build (its GNU build-id), not to a path.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ElfFile } from '../../runtime/inspect/elf';
import { offsetsFor } from '../../runtime/probe/cache';
import { runFtpy } from '../support/cli';
import { testPython } from '../support/runtime';

const NOBODY = 65534;

suite("another user's files are never run", () => {
  let dir: string;
  setup(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-theirs-'));
    fs.chmodSync(dir, 0o755);
  });
  teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("the build-id read from the interpreter is the linker's, as readelf shows it", () => {
    const shown = /Build ID: ([0-9a-f]+)/.exec(execFileSync('readelf', ['-n', testPython()], { encoding: 'utf8' }))?.[1];
    assert.ok(shown, 'the interpreter has a build-id');
    assert.equal(ElfFile.open(testPython()).buildId(), shown);
  });

  test('an interpreter that belongs to another user is refused before it could run; it is never executed', async function () {
    if (process.getuid?.() !== 0) this.skip(); // only root can give a file to another user
    const marker = path.join(dir, 'ran');
    const source = path.join(dir, 'spy.c');
    fs.writeFileSync(source, `#include <stdio.h>\nint main(void) { FILE *f = fopen("${marker}", "w"); if (f) fclose(f); return 0; }\n`);
    const spy = path.join(dir, 'python3.13t');
    execFileSync('cc', [source, '-o', spy]);
    fs.chownSync(spy, NOBODY, NOBODY);
    await assert.rejects(
      offsetsFor(spy),
      /the interpreter .*python3\.13t is not yours or root's \(.* belongs to user 65534\), and ftpy does not run another user's files; run ftpy as that user/,
    );
    assert.ok(!fs.existsSync(marker), 'the spy never ran');
  });

  test('ftpy dump of a process run by nobody from its own copy of the interpreter: threads from memory, and the probe refused in one note', async function () {
    if (process.getuid?.() !== 0) this.skip();
    // nobody's own installation: the interpreter and what it needs to start (the rest is frozen in it).
    const home = path.join(dir, 'home');
    const stdlib = path.join(path.dirname(path.dirname(testPython())), 'lib', 'python3.13t');
    const copyStdlib = path.join(home, 'lib', 'python3.13t');
    fs.mkdirSync(path.join(home, 'bin'), { recursive: true });
    fs.cpSync(path.join(stdlib, 'encodings'), path.join(copyStdlib, 'encodings'), { recursive: true });
    for (const module of ['os.py', 'linecache.py']) fs.copyFileSync(path.join(stdlib, module), path.join(copyStdlib, module));
    const copy = path.join(home, 'bin', 'python3.13t');
    fs.copyFileSync(testPython(), copy);
    fs.chmodSync(copy, 0o755);
    execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, home]);
    // It waits on its stdin, which stays open until the test kills it.
    const target = spawn(copy, ['-S', '-X', 'gil=0', '-c', 'import sys; print("ready", flush=True); sys.stdin.read()'], {
      uid: NOBODY,
      gid: NOBODY,
      env: { PYTHONHOME: home },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    try {
      await new Promise((resolve, reject) => {
        let errors = '';
        target.stderr.on('data', (data: Buffer) => (errors += data.toString()));
        target.stdout.once('data', resolve);
        target.once('exit', (code) => reject(new Error(`nobody's interpreter exited (${code}): ${errors}`)));
      });
      const dumped = await runFtpy(['dump', String(target.pid)]);
      assert.equal(dumped.code, 0, dumped.stderr);
      assert.match(dumped.stdout, /<module> \(<string>:1\)/);
      assert.match(dumped.stdout + dumped.stderr, /is not yours or root's \(.* belongs to user 65534\), and ftpy does not run another user's files/);
    } finally {
      target.kill('SIGKILL');
    }
  });
});

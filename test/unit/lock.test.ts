import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withLock } from '../../runtime/provision/lock';
import { repoRoot } from '../support/cli';

suite('the provisioning lock', () => {
  let dir: string;
  let journal: string;
  setup(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-lock-'));
    journal = path.join(dir, 'journal');
  });
  teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A process that takes the lock (saying "waiting" on stdout first if it must wait), notes enter
   * and leave in the journal, and holds it until its stdin closes (`release()`), or is killed. */
  function holder(name: string) {
    const script = `
      const fs = require('fs');
      const { withLock } = require(${JSON.stringify(path.join(repoRoot, 'runtime/provision/lock.ts'))});
      const note = (what) => fs.appendFileSync(${JSON.stringify(journal)}, what + ' ' + process.argv[1] + '\\n');
      withLock(${JSON.stringify(path.join(dir, 'locks', 'runtime'))}, () => process.stdout.write('waiting\\n'), async () => {
        note('enter');
        process.stdout.write('held\\n');
        await new Promise((resolve) => process.stdin.on('end', resolve).resume());
        note('leave');
      });`;
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script, name], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    let printed = '';
    child.stdout.on('data', (data: Buffer) => (printed += data.toString()));
    const said = (word: string) =>
      new Promise<void>((resolve) => (printed.includes(word) ? resolve() : child.stdout.on('data', () => printed.includes(word) && resolve())));
    let stderr = '';
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
    return { child, said, done, release: () => child.stdin.end() };
  }

  /** The journal's enter/leave lines: each enter followed by the same process's leave, never two enters in a row. */
  function assertOneAtATime(expectedHolders: number): void {
    const events = fs.readFileSync(journal, 'utf8').trim().split('\n');
    const pairs = events.filter((event) => !event.startsWith('enter killed'));
    assert.equal(pairs.length, 2 * expectedHolders, events.join(', '));
    for (let index = 0; index < pairs.length; index += 2) {
      assert.match(pairs[index] ?? '', /^enter /, events.join(', '));
      assert.equal(pairs[index + 1], `leave ${(pairs[index] ?? '').split(' ')[1]}`, events.join(', '));
    }
  }

  test('two processes never hold it at once; the second waits for the first', async () => {
    const a = holder('a');
    await a.said('held');
    const b = holder('b');
    await b.said('waiting');
    a.release();
    await b.said('held');
    b.release();
    for (const result of await Promise.all([a.done, b.done])) assert.equal(result.code, 0, result.stderr);
    assertOneAtATime(2);
    assert.equal(fs.statSync(path.join(dir, 'locks')).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(dir, 'locks', 'secret')).mode & 0o777, 0o600, "the name's secret is the user's own");
  });

  test('a holder killed with SIGKILL leaves no lock behind: of two provisionings racing for it, one holds it at a time', async () => {
    const killed = holder('killed');
    await killed.said('held');
    const racers = [holder('a'), holder('b')];
    await Promise.all(racers.map((racer) => racer.said('waiting')));
    killed.child.kill('SIGKILL');
    await killed.done;
    // Whichever takes it first: the other still waits until it is released.
    const first = await Promise.race(racers.map((racer) => racer.said('held').then(() => racer)));
    const second = racers.find((racer) => racer !== first);
    first.release();
    await second?.said('held');
    second?.release();
    for (const result of await Promise.all(racers.map((racer) => racer.done))) assert.equal(result.code, 0, result.stderr);
    assertOneAtATime(2);
  });

  test('the lock is released when the work fails', async () => {
    const lock = path.join(dir, 'locks', 'runtime');
    await assert.rejects(
      withLock(
        lock,
        () => undefined,
        async () => Promise.reject(new Error('build failed')),
      ),
      /build failed/,
    );
    let waited = false;
    assert.equal(
      await withLock(
        lock,
        () => (waited = true),
        async () => 'ran',
      ),
      'ran',
    );
    assert.equal(waited, false);
  });
});

import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withLock } from '../../runtime/provision/lock';
import { finished, repoRoot } from '../support/cli';

suite('the provisioning lock', () => {
  let dir: string;
  setup(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-lock-'));
  });
  teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('two processes never hold it at once; the second waits for the first', async () => {
    const journal = path.join(dir, 'journal');
    const holder = `
      const fs = require('fs');
      const { withLock } = require(${JSON.stringify(path.join(repoRoot, 'runtime/provision/lock.ts'))});
      withLock(${JSON.stringify(path.join(dir, 'lock'))}, () => fs.appendFileSync(${JSON.stringify(journal)}, 'wait ' + process.argv[1] + '\\n'), async () => {
        fs.appendFileSync(${JSON.stringify(journal)}, 'enter ' + process.argv[1] + '\\n');
        await new Promise((resolve) => setTimeout(resolve, 700));
        fs.appendFileSync(${JSON.stringify(journal)}, 'leave ' + process.argv[1] + '\\n');
      });`;
    const start = (name: string) => finished(spawn(process.execPath, ['--require', 'tsx/cjs', '-e', holder, name], { cwd: repoRoot }), undefined, 30_000);
    const results = await Promise.all([start('a'), start('b')]);
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    const events = fs.readFileSync(journal, 'utf8').trim().split('\n');
    const entries = events.filter((event) => !event.startsWith('wait'));
    assert.equal(entries.length, 4);
    // enter X, leave X, enter Y, leave Y: never two enters in a row.
    assert.equal(entries[0].split(' ')[1], entries[1].split(' ')[1], events.join(', '));
    assert.match(entries[0], /^enter/);
    assert.match(entries[1], /^leave/);
    assert.ok(events.some((event) => event.startsWith('wait')), 'one of them waited');
    assert.ok(!fs.existsSync(path.join(dir, 'lock')), 'released');
  });

  test('a lock left by a process that died is taken over, not waited on', async () => {
    const lock = path.join(dir, 'lock');
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.on('close', resolve));
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'pid'), String(dead.pid));
    let waited = false;
    const value = await withLock(lock, () => (waited = true), async () => 'ran');
    assert.equal(value, 'ran');
    assert.equal(waited, false);
  });

  test('the lock is released when the work fails', async () => {
    const lock = path.join(dir, 'lock');
    await assert.rejects(withLock(lock, () => undefined, async () => Promise.reject(new Error('build failed'))), /build failed/);
    assert.ok(!fs.existsSync(lock));
  });
});

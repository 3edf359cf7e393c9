// Logs ftpy writes: new files only their user can read, in folders only their user can list.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openPrivateLog } from '../../runtime/privateLog';

suite('private logs', () => {
  let dir: string;
  setup(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-logs-'))));
  teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a new 0600 file in a 0700 folder, created if missing and closed to others if open', () => {
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs, { mode: 0o755 });
    fs.chmodSync(logs, 0o755);
    const log = openPrivateLog(logs, 'a.log');
    fs.writeSync(log.fd, 'secret');
    fs.closeSync(log.fd);
    assert.equal(fs.statSync(log.path).mode & 0o777, 0o600);
    assert.equal(fs.statSync(logs).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(openPrivateLog(path.join(dir, 'new', 'logs'), 'b.log').path, '..')).mode & 0o777, 0o700);
  });

  test('a file or link planted under the name is replaced, never written through', () => {
    const target = path.join(dir, 'elsewhere');
    fs.writeFileSync(target, 'untouched');
    fs.symlinkSync(target, path.join(dir, 'planted.log'));
    fs.writeFileSync(path.join(dir, 'readable.log'), 'old', { mode: 0o644 });
    for (const name of ['planted.log', 'readable.log']) {
      const log = openPrivateLog(dir, name);
      fs.writeSync(log.fd, 'new');
      fs.closeSync(log.fd);
      assert.ok(!fs.lstatSync(log.path).isSymbolicLink());
      assert.equal(fs.statSync(log.path).mode & 0o777, 0o600);
      assert.equal(fs.readFileSync(log.path, 'utf8'), 'new');
    }
    assert.equal(fs.readFileSync(target, 'utf8'), 'untouched');
  });

  test("the scripts' logs (npm test's and npm start's tools) are private too: 0600 in a 0700 folder, never written through a link", async () => {
    const { openPrivateLog: openScriptLog } = await import('../../scripts/lib/run.mjs');
    const log = path.join(dir, 'cache', 'logs', 'apt-get.log');
    fs.closeSync(openScriptLog(log));
    assert.equal(fs.statSync(log).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(log)).mode & 0o777, 0o700);
    fs.chmodSync(log, 0o644);
    fs.closeSync(openScriptLog(log));
    assert.equal(fs.statSync(log).mode & 0o777, 0o600, 'a log found readable by others is closed to them');
    const target = path.join(dir, 'elsewhere');
    fs.writeFileSync(target, 'untouched');
    fs.symlinkSync(target, path.join(dir, 'planted.log'));
    assert.throws(() => openScriptLog(path.join(dir, 'planted.log'), { truncate: true }), /ELOOP/);
    assert.equal(fs.readFileSync(target, 'utf8'), 'untouched');
  });

  test("a folder that is not the user's own is refused", function () {
    if (process.getuid?.() !== 0) this.skip(); // only root can make a folder another user's
    const theirs = path.join(dir, 'theirs');
    fs.mkdirSync(theirs, { mode: 0o700 });
    fs.chownSync(theirs, 65534, 65534);
    assert.throws(() => openPrivateLog(theirs, 'a.log'), /is not a folder of yours: ftpy will not write its logs there/);
  });
});

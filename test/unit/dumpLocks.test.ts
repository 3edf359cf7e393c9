// `ftpy dump --locks`: the lock section of the human format and of --json, on real deadlocks of
// programs started with plain python (no ftpy in them).
import * as assert from 'node:assert/strict';
import type { LockCycle, LockInfo } from '../../runtime/model/locks';
import { Scenario, settle, startScenario, stopScenario } from '../support/lockScenarios';
import { testPython } from '../support/runtime';
import { runDump } from './dumpCli';

suite('ftpy dump --locks', () => {
  let scenario: Scenario | undefined;

  teardown(() => {
    stopScenario(scenario);
    scenario = undefined;
  });

  test('an AB-BA deadlock on two RLocks: holders, waiters and the cycle, in text and in JSON', async () => {
    const running = (scenario = await startScenario(testPython(), 'rlocks'));
    const cyclesIn = async () => {
      const outcome = await runDump(['--json', '--locks', String(running.pid)]);
      assert.equal(outcome.code, 0, outcome.stderr);
      return (JSON.parse(outcome.stdout) as { locks: { cycles: LockCycle[] } }).locks.cycles.length;
    };
    assert.equal(await settle(cyclesIn, 1), 1);
    const json = JSON.parse((await runDump(['--json', '--locks', String(running.pid)])).stdout) as { locks: { locks: LockInfo[] } };
    assert.deepEqual(
      json.locks.locks.map((lock) => [lock.id, lock.owners, lock.waiters]).sort(),
      [
        [running.locks.a, [running.threads.first], [running.threads.second]],
        [running.locks.b, [running.threads.second], [running.threads.first]],
      ].sort(),
    );
    const text = await runDump(['--locks', String(running.pid)]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /\nLocks \(2 held or awaited\):\n/);
    assert.match(text.stdout, new RegExp(`\\n {2}RLock 'a' at ${running.locks.a} \\[RLock\\]: held by \\d+ "first" \\(count 1\\); waiting: \\d+ "second"\\n`));
    assert.match(text.stdout, /\nDeadlock: (first|second) waits at locks_scenarios\.py:\d+ for RLock '[ab]' at 0x[0-9a-f]+ held by (second|first); .*\.\n/);
  });

  test('an AB-BA deadlock on two plain Locks taken in `with` blocks: each holder read from its frames, and the cycle', async () => {
    const running = (scenario = await startScenario(testPython(), 'locks'));
    const dumpedLocks = async () => {
      const outcome = await runDump(['--json', '--locks', String(running.pid)]);
      assert.equal(outcome.code, 0, outcome.stderr);
      return (JSON.parse(outcome.stdout) as { locks: { locks: LockInfo[]; cycles: LockCycle[] } }).locks;
    };
    assert.equal(await settle(async () => (await dumpedLocks()).cycles.length, 1), 1);
    const { locks } = await dumpedLocks();
    assert.deepEqual(
      locks.map((lock) => [lock.id, lock.kind, lock.owners, lock.ownerFrom, lock.waiters]).sort(),
      [
        [running.locks.a, 'Lock', [running.threads.first], 'with-block', [running.threads.second]],
        [running.locks.b, 'Lock', [running.threads.second], 'with-block', [running.threads.first]],
      ].sort(),
    );
    const text = await runDump(['--locks', String(running.pid)]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`\\n {2}Lock 'a' at ${running.locks.a} \\[Lock\\]: held by \\d+ "first"; waiting: \\d+ "second"\\n`));
    assert.match(text.stdout, /\nDeadlock: (first|second) waits at locks_scenarios\.py:\d+ for Lock '[ab]' at 0x[0-9a-f]+ held by (second|first); .*\.\n/);
  });
});

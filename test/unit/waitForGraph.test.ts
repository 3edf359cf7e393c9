import * as assert from 'node:assert/strict';
import { findCycles } from '../../runtime/locks/waitForGraph';
import type { LockInfo, LockThreadInfo } from '../../runtime/model/locks';

function thread(threadId: number, holds: string[], waitsFor?: string): LockThreadInfo {
  return { threadId, nativeId: threadId + 1000, name: `T${threadId}`, state: 'blocked', holds, waitsFor };
}

function lock(id: string, owners: number[], waiters: number[]): LockInfo {
  return { id, kind: 'Lock', label: `lock ${id}`, owners, ownerKnown: true, held: owners.length > 0, waiters };
}

suite('wait-for graph', () => {
  test('an AB-BA deadlock is one cycle, named with its threads and locks', () => {
    const a = {
      ...lock('0xa', [1], [2]),
      acquiredAt: { '1': { path: '/w/dead.py', line: 5, function: 'one' } },
      awaitedAt: { '2': { path: '/w/dead.py', line: 12, function: 'two' } },
    };
    const cycles = findCycles([thread(2, ['0xb'], '0xa'), thread(1, ['0xa'], '0xb')], [a, lock('0xb', [2], [1])]);
    assert.equal(cycles.length, 1);
    assert.deepEqual(cycles[0].edges, [
      { threadId: 1, waitsFor: '0xb', heldBy: 2 },
      { threadId: 2, waitsFor: '0xa', heldBy: 1 },
    ]);
    assert.equal(cycles[0].description, 'Deadlock: T1 waits for lock 0xb held by T2; T2 waits at dead.py:12 for lock 0xa held by T1 (taken at dead.py:5).');
  });

  test('waiting on a held lock whose owner runs is no deadlock', () => {
    assert.deepEqual(findCycles([thread(1, ['0xa']), thread(2, [], '0xa')], [lock('0xa', [1], [2])]), []);
  });

  test('a thread waiting on a lock it holds itself (a plain Lock acquired twice) is a cycle of one', () => {
    const cycles = findCycles([thread(7, ['0xa'], '0xa')], [lock('0xa', [7], [7])]);
    assert.deepEqual(
      cycles.map((cycle) => cycle.edges),
      [[{ threadId: 7, waitsFor: '0xa', heldBy: 7 }]],
    );
  });

  test('a three-thread ring is found once, and a bystander waiting on it is not part of it', () => {
    const threads = [thread(3, ['0xc'], '0xa'), thread(1, ['0xa'], '0xb'), thread(2, ['0xb'], '0xc'), thread(4, [], '0xb')];
    const cycles = findCycles(threads, [lock('0xa', [1], [3]), lock('0xb', [2], [1, 4]), lock('0xc', [3], [2])]);
    assert.deepEqual(
      cycles.map((cycle) => cycle.edges.map((edge) => edge.threadId)),
      [[1, 2, 3]],
    );
  });

  test('a semaphore is a deadlock only when every holder is stuck', () => {
    const locks = [lock('0xs', [1, 2, 3], [2]), lock('0xa', [2], [1])];
    const free3 = [thread(1, ['0xs'], '0xa'), thread(2, ['0xs', '0xa'], '0xs'), thread(3, ['0xs'])];
    assert.deepEqual(findCycles(free3, locks), [], 'thread 3 runs and can release a permit');
    const stuck3 = [...free3.slice(0, 2), thread(3, ['0xs'], '0xa')];
    const cycles = findCycles(stuck3, locks);
    assert.deepEqual(
      cycles.map((cycle) => cycle.edges.map((edge) => edge.threadId)),
      [[1, 2], [2], [2, 3]],
    );
  });

  test('waits for unknown locks or locks with unknown owners make no edges', () => {
    const unknownOwner: LockInfo = { ...lock('0xa', [], [1]), ownerKnown: false, held: true };
    assert.deepEqual(findCycles([thread(1, [], '0xa'), thread(2, [], '0xz')], [unknownOwner]), []);
  });
});

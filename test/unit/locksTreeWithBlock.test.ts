// The Threads & Locks view says when a Lock's owner was read from a `with` block, and what to do
// when no `with` block names it.
import * as assert from 'node:assert/strict';
import type { LocksResponseBody } from '../../debug-adapter/protocol';
import { lockTree } from '../../extension/views/locksTree';
import { findCycles } from '../../runtime/locks/waitForGraph';

function memoryView(lockA: Partial<LocksResponseBody['locks'][number]>): LocksResponseBody {
  const threads: LocksResponseBody['threads'] = [
    { threadId: 1, nativeId: 101, name: 'first', state: 'blocked', holds: lockA.owners?.length ? ['0xa'] : [], waitsFor: '0xb' },
    { threadId: 2, nativeId: 102, name: 'second', state: 'blocked', holds: ['0xb'], waitsFor: '0xa' },
  ];
  const locks: LocksResponseBody['locks'] = [
    { id: '0xa', kind: 'Lock', label: "Lock 'a'", owners: [], ownerKnown: false, held: true, waiters: [2], ...lockA },
    { id: '0xb', kind: 'RLock', label: "RLock 'b'", owners: [2], ownerKnown: true, held: true, count: 1, waiters: [1] },
  ];
  return { source: 'memory', threads, locks, cycles: findCycles(threads, locks), notes: [] };
}

suite('Threads & Locks view: owners read from `with` blocks', () => {
  test('the owner of a Lock held in a with block, in the deadlock and in the waiting thread', () => {
    const [cycle, , second] = lockTree(memoryView({ owners: [1], ownerKnown: true, ownerFrom: 'with-block' }));
    assert.deepEqual(
      cycle?.children.map((step) => step.description),
      ['held by second', 'held by first (in a with block)'],
    );
    assert.equal(second?.children[0]?.description, 'held by first (in a with block)');
  });

  test('a held Lock no with block names: owner unknown, and how to know it', () => {
    const [, second] = lockTree(memoryView({}));
    assert.equal(second?.children[0]?.description, 'held, owner unknown (no thread holds it in a with block: launch with "trackLocks": true)');
  });
});

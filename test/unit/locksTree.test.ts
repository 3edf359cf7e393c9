import * as assert from 'node:assert/strict';
import type { LocksResponseBody } from '../../debug-adapter/protocol';
import { lockTree } from '../../extension/views/locksTree';
import { findCycles } from '../../runtime/locks/waitForGraph';

const site = (line: number, fn: string) => ({ path: '/w/deadlock.py', line, function: fn });

function deadlockView(): LocksResponseBody {
  const threads: LocksResponseBody['threads'] = [
    { threadId: 1, nativeId: 101, name: 'transfer', state: 'blocked', holds: ['0xa'], waitsFor: '0xb' },
    { threadId: 2, nativeId: 102, name: 'audit', state: 'blocked', holds: ['0xb'], waitsFor: '0xa' },
    { threadId: 3, nativeId: 103, name: 'MainThread', state: 'running', holds: [] },
  ];
  const locks: LocksResponseBody['locks'] = [
    {
      id: '0xa',
      kind: 'Lock',
      label: 'Lock 0xa',
      owners: [1],
      ownerKnown: true,
      held: true,
      waiters: [2],
      acquiredAt: { '1': site(16, 'transfer') },
      awaitedAt: { '2': site(26, 'audit') },
    },
    {
      id: '0xb',
      kind: 'RLock',
      label: 'RLock 0xb',
      owners: [2],
      ownerKnown: true,
      held: true,
      count: 2,
      waiters: [1],
      acquiredAt: { '2': site(24, 'audit') },
      awaitedAt: { '1': site(19, 'transfer') },
    },
  ];
  return { source: 'agent+memory', threads, locks, cycles: findCycles(threads, locks), notes: [] };
}

suite('Threads & Locks view model', () => {
  test('a deadlock comes first, highlighted, each step opening where the thread waits', () => {
    const [cycle, ...rest] = lockTree(deadlockView());
    assert.equal(cycle?.label, 'Deadlock: transfer → audit → transfer');
    assert.equal(cycle?.deadlocked, true);
    assert.deepEqual(
      cycle?.children.map((step) => [step.label, step.description, step.site?.line]),
      [
        ['transfer waits for RLock 0xb', 'held by audit at deadlock.py:19', 19],
        ['audit waits for Lock 0xa', 'held by transfer at deadlock.py:26', 26],
      ],
    );
    assert.deepEqual(
      rest.map((node) => [node.label, node.description, node.deadlocked]),
      [
        ['transfer', 'blocked, deadlocked', true],
        ['audit', 'blocked, deadlocked', true],
        ['MainThread', 'running', false],
      ],
    );
  });

  test('each thread shows the lock it waits for with its owner, then the locks it holds with their sites', () => {
    const audit = lockTree(deadlockView()).find((node) => node.label === 'audit');
    assert.deepEqual(
      audit?.children.map((child) => [child.label, child.description, child.site?.line]),
      [
        ['waits for Lock 0xa', 'held by transfer at deadlock.py:26', 26],
        ['holds RLock 0xb (2 times)', 'taken at deadlock.py:24', 24],
      ],
    );
  });

  test('a held Lock whose owner memory cannot tell is said so, not guessed; notes are shown', () => {
    const view: LocksResponseBody = {
      source: 'memory',
      threads: [{ threadId: 5, nativeId: 105, name: null, state: 'blocked', holds: [], waitsFor: '0xc' }],
      locks: [{ id: '0xc', kind: 'Lock', label: 'Lock 0xc', owners: [], ownerKnown: false, held: true, waiters: [5] }],
      cycles: [],
      notes: ['Lock tracking is off'],
    };
    const [thread, note] = lockTree(view);
    assert.equal(thread?.label, 'thread 5');
    assert.match(thread?.children[0]?.description ?? '', /owner unknown/);
    assert.equal(note?.label, 'Lock tracking is off');
    assert.equal(note?.icon, 'note');
  });
});

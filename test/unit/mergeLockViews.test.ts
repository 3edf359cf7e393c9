import * as assert from 'node:assert/strict';
import { mergeLockViews } from '../../runtime/locks/mergeViews';
import type { LockInfo, LockThreadInfo } from '../../runtime/model/locks';

const site = (line: number) => ({ path: '/w/p.py', line, function: 'f' });
const thread = (threadId: number, holds: string[], waitsFor?: string, state: LockThreadInfo['state'] = 'blocked'): LockThreadInfo => ({
  threadId,
  nativeId: threadId + 100,
  name: `T${threadId}`,
  state,
  holds,
  ...(waitsFor ? { waitsFor } : {}),
});
const lock = (id: string, owners: number[], waiters: number[], extra: Partial<LockInfo> = {}): LockInfo => ({
  id,
  kind: 'Lock',
  label: `Lock ${id}`,
  owners,
  ownerKnown: true,
  held: owners.length > 0,
  waiters,
  ...extra,
});

suite('merging the agent and memory lock views', () => {
  test("memory's inner lock ids become the agent's ids; the agent's owners win; memory's names label", () => {
    const agent = {
      threads: [thread(1, ['0xa'], '0xb'), thread(2, ['0xb'], '0xa')],
      locks: [
        { ...lock('0xa', [1], [2], { acquiredAt: { '1': site(3) } }), aliases: ['0xa0'] },
        { ...lock('0xb', [2], [1], { kind: 'RLock' }), aliases: [] },
      ],
    };
    const memory = {
      threads: [thread(1, [], '0xb'), { ...thread(2, ['0xb'], '0xa0') }],
      locks: [lock('0xa0', [], [2], { ownerKnown: false }), lock('0xb', [2], [1], { kind: 'RLock', label: "RLock 'second' at 0xb" })],
      notes: ['a note'],
    };
    const merged = mergeLockViews(agent, memory);
    assert.deepEqual(
      merged.locks.map((entry) => [entry.id, entry.label, entry.owners, entry.waiters, entry.ownerKnown]),
      [
        ['0xa', 'Lock 0xa', [1], [2], true],
        ['0xb', "RLock 'second' at 0xb", [2], [1], true],
      ],
    );
    assert.deepEqual(
      merged.threads.map((entry) => [entry.threadId, entry.holds, entry.waitsFor]),
      [
        [1, ['0xa'], '0xb'],
        [2, ['0xb'], '0xa'],
      ],
    );
    assert.deepEqual(merged.notes, ['a note']);
  });

  test('what only memory sees is added: a thread blocked in C on a critical section, with its site', () => {
    const agent = { threads: [thread(1, [], undefined, 'running')], locks: [] };
    const memory = {
      threads: [thread(1, [], '0xd')],
      locks: [lock('0xd', [2], [1], { kind: 'critical-section', label: 'dict at 0xd (ob_mutex)', awaitedAt: { '1': site(9) } })],
      notes: [],
    };
    const merged = mergeLockViews(agent, memory);
    assert.deepEqual(merged.threads, [{ ...thread(1, [], '0xd'), state: 'blocked' }]);
    assert.equal(merged.locks[0]?.kind, 'critical-section');
    assert.deepEqual(merged.locks[0]?.awaitedAt, { '1': site(9) });
  });

  test("a thread the debugger stopped waits inside the agent: memory's view of that wait is left out", () => {
    const agent = { threads: [thread(1, [], undefined, 'stopped')], locks: [] };
    const memory = { threads: [thread(1, [], '0x9')], locks: [lock('0x9', [], [1], { kind: 'unknown', ownerKnown: false })], notes: [] };
    assert.deepEqual(mergeLockViews(agent, memory), { threads: agent.threads, locks: [], notes: [] });
  });

  test("the agent's own threads are left out, and notes about owners memory cannot see of locks tracking knows", () => {
    const agent = { threads: [thread(1, ['0xa'])], locks: [{ ...lock('0xa', [1], []), aliases: ['0xa0'] }] };
    const memory = {
      threads: [thread(1, []), thread(9, [], '0x99')],
      locks: [lock('0x99', [], [9], { kind: 'unknown', ownerKnown: false }), lock('0xa0', [], [], { ownerKnown: false })],
      notes: ['Who holds Lock at 0xa0 is unknown', 'Who holds Lock at 0xb0 is unknown'],
    };
    const merged = mergeLockViews(agent, memory);
    assert.deepEqual(
      merged.threads.map((entry) => entry.threadId),
      [1],
    );
    assert.deepEqual(
      merged.locks.map((entry) => entry.id),
      ['0xa'],
    );
    assert.deepEqual(merged.notes, ['Who holds Lock at 0xb0 is unknown']);
  });

  test('either view alone passes through', () => {
    const memory = { threads: [thread(3, [], '0xe')], locks: [lock('0xe', [], [3], { ownerKnown: false })], notes: [] };
    assert.deepEqual(mergeLockViews(undefined, memory), memory);
    const agent = { threads: [thread(4, ['0xf'])], locks: [{ ...lock('0xf', [4], []), aliases: ['0xf0'] }] };
    assert.deepEqual(mergeLockViews(agent, undefined), { threads: agent.threads, locks: [lock('0xf', [4], [])], notes: [] });
  });
});

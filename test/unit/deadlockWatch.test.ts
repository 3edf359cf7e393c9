// The deadlock watch reports a cycle only when a second reading has it too: memory read while
// the program runs can be torn (an owner read before a release, the waiter after), and a torn
// reading once stopped every thread of CPython's test_free_threading for a deadlock of one
// thread with itself.
import * as assert from 'node:assert/strict';
import type { LocksResponseBody } from '../../debug-adapter/protocol';
import { DeadlockWatch } from '../../debug-adapter/locks';
import { AgentThreads } from '../../runtime/debuggee/agentThreads';
import type { LockCycle } from '../../runtime/model/locks';

const cycle: LockCycle = {
  edges: [
    { threadId: 1, waitsFor: '0xb', heldBy: 2 },
    { threadId: 2, waitsFor: '0xa', heldBy: 1 },
  ],
  description: 'Deadlock: one → two → one',
};

function reading(cycles: LockCycle[]): LocksResponseBody {
  return { source: 'memory', threads: [], locks: [], cycles, notes: [] };
}

suite('deadlock watch', () => {
  test('a cycle that the confirming reading does not have (torn) is not reported; one it has is reported once', async () => {
    const found: string[] = [];
    const confirmations = [reading([]), reading([cycle])];
    let looks = 0;
    let fourthLook!: () => void;
    const done = new Promise<void>((resolve) => (fourthLook = resolve));
    const watch = new DeadlockWatch(
      async () => {
        if (++looks === 4) fourthLook();
        return reading([cycle]);
      },
      async () => confirmations.shift() ?? reading([cycle]),
      1,
      { allStopped: () => false, found: (seen) => found.push(seen.description) },
    );
    await done;
    watch.dispose();
    assert.deepEqual(found, [cycle.description]);
    assert.deepEqual(confirmations, []);
  });
});

suite("the agent's threads and locks in a view read from memory", () => {
  test("its threads and the locks waited for only inside its code are left out; the program's are kept", () => {
    const agent = new AgentThreads(1);
    agent.add({ threadId: 9, nativeId: 90 });
    const thread = (threadId: number, holds: string[], waitsFor?: string) => ({
      threadId,
      nativeId: threadId * 10,
      name: null,
      state: 'blocked' as const,
      holds,
      ...(waitsFor ? { waitsFor } : {}),
    });
    const lock = (id: string, owners: number[], waiters: number[], path: string) => ({
      id,
      kind: 'RLock' as const,
      label: id,
      owners,
      ownerKnown: true,
      held: true,
      waiters,
      awaitedAt: Object.fromEntries(waiters.map((waiter) => [String(waiter), { path, line: 1, function: 'f', stack: [] }])),
    });
    const view = agent.fromLocks({
      threads: [thread(1, ['0xagent'], '0xprogram'), thread(2, ['0xprogram'], '0xagent'), thread(9, [], '0xwatch')],
      locks: [
        lock('0xagent', [1], [2], '/x/runtime/agent/ftpy_agent/monitor.py'),
        lock('0xprogram', [2], [1], '/work/app.py'),
        lock('0xwatch', [], [9], '/x/ftpy_agent/deadline.py'),
      ],
      notes: [],
    });
    assert.deepEqual(
      view.locks.map((kept) => kept.id),
      ['0xprogram'],
    );
    assert.deepEqual(
      view.threads.map((kept) => [kept.threadId, kept.holds, kept.waitsFor]),
      [
        [1, [], '0xprogram'],
        [2, ['0xprogram'], undefined],
      ],
    );
  });
});

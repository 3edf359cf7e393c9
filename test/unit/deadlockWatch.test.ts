// The deadlock watch reports a cycle only when a second reading has it too: memory read while
// the program runs can be torn (an owner read before a release, the waiter after), and a torn
// reading once stopped every thread of CPython's test_free_threading for a deadlock of one
// thread with itself.
import * as assert from 'node:assert/strict';
import type { LocksResponseBody } from '../../debug-adapter/protocol';
import { DeadlockWatch } from '../../debug-adapter/locks';
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

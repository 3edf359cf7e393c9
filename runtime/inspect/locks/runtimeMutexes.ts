// The runtime's own mutexes and events, known by address: what a parked waiter on one of
// them waits for. A thread parked on its own thread state's `state` waits for a
// stop-the-world pause to end: that pause is a lock held by the thread that requested it.
import type { LockInfo, LockKind, LockThreadInfo } from '../../model/locks';
import type { ProbeOffsets } from '../../probe/offsets';
import { Memory } from '../memory';

export type KnownLock = Omit<LockInfo, 'waiters'>;

export function hex(address: bigint): string {
  return `0x${address.toString(16)}`;
}

/** Waited-on address -> what it is, for the runtime's mutexes and every thread state's `state`. */
export function runtimeMutexes(
  memory: Memory,
  probe: ProbeOffsets,
  runtime: bigint,
  interpreters: readonly bigint[],
  threads: readonly (LockThreadInfo & { tstate: bigint })[],
): Map<bigint, KnownLock> {
  const named = new Map<bigint, KnownLock>();
  const { runtime_state: runtimeLayout, interpreter_state: interpreterLayout, stop_the_world: stw } = probe;
  const internal = (address: bigint, label: string, kind: LockKind = 'internal') =>
    named.set(address, { id: hex(address), kind, label, owners: [], ownerKnown: false, held: true });
  internal(runtime + BigInt(runtimeLayout.interpreters_mutex), "HEAD_LOCK (the runtime's interpreter and thread lists)");
  internal(runtime + BigInt(runtimeLayout.stoptheworld_mutex), 'the stop-the-world lock');
  const stopTheWorlds = [
    { state: runtime + BigInt(runtimeLayout.stoptheworld), scope: 'global' },
    ...interpreters.map((interpreter) => ({ state: interpreter + BigInt(interpreterLayout.stoptheworld), scope: 'interpreter' })),
  ];
  for (const { state, scope } of stopTheWorlds) {
    internal(state + BigInt(stw.mutex), `the ${scope} stop-the-world request lock`);
    internal(state + BigInt(stw.stop_event), `the ${scope} stop-the-world event (waiting for threads to pause)`);
  }
  const pause = stopTheWorldPause(
    memory,
    probe,
    stopTheWorlds.map(({ state }) => state),
    threads,
  );
  for (const thread of threads) named.set(thread.tstate + BigInt(probe.thread_state.state), pause);
  return named;
}

/** The stop-the-world in effect (global first), as a lock held by the thread that requested it. */
function stopTheWorldPause(memory: Memory, probe: ProbeOffsets, states: bigint[], threads: readonly (LockThreadInfo & { tstate: bigint })[]): KnownLock {
  const stw = probe.stop_the_world;
  for (const state of states) {
    const raw = memory.read(state, stw.size);
    if (raw[stw.world_stopped] === 0 && raw[stw.requested] === 0) continue;
    const requester = threads.find((thread) => thread.tstate === raw.readBigUInt64LE(stw.requester));
    const by = requester ? ` (requested by ${requester.name ?? `thread ${requester.nativeId}`})` : '';
    return {
      id: hex(state),
      kind: 'stop-the-world',
      label: `stop-the-world pause${by}`,
      owners: requester ? [requester.threadId] : [],
      ownerKnown: requester !== undefined,
      held: true,
    };
  }
  return { id: hex(states[0]), kind: 'stop-the-world', label: 'stop-the-world pause', owners: [], ownerKnown: false, held: true };
}

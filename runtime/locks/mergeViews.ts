// One picture of the locks from two views: lock tracking in the agent (owners of every kind of
// threading lock, acquisition sites) and the process's memory (parking-lot waiters, including
// threads blocked in C; per-object critical sections, the import lock, stop-the-world; locks
// made before tracking began). Memory names a lock by the object it parks on: a tracked Lock's
// inner _thread.lock, a Condition's waiter lock. The agent lists those ids as `aliases`, so
// both views name a lock by the object the program holds.
import type { AgentLocks } from '../agent/protocol';
import type { LockInfo, LockThreadInfo } from '../model/locks';

export interface LockViews {
  threads: LockThreadInfo[];
  locks: LockInfo[];
  notes: string[];
}

export function mergeLockViews(agent: AgentLocks | undefined, memory: LockViews | undefined): LockViews {
  const locks = new Map<string, LockInfo>();
  const canonical = new Map<string, string>();
  for (const { aliases, ...lock } of agent?.locks ?? []) {
    locks.set(lock.id, { ...lock, waiters: [...lock.waiters] });
    for (const alias of aliases) canonical.set(alias, lock.id);
  }
  const canon = (id: string) => canonical.get(id) ?? id;
  // Waits that are the debugger's, not the program's: a thread the debugger stopped waits inside
  // the agent for its next request, and the agent's own threads (unknown to its view) wait for the adapter.
  const agentThreads = new Set((agent?.threads ?? []).map((thread) => thread.threadId));
  const stopped = new Set((agent?.threads ?? []).filter((thread) => thread.state === 'stopped').map((thread) => thread.threadId));
  const ignored = (threadId: number) => stopped.has(threadId) || (agent !== undefined && !agentThreads.has(threadId));
  for (const whole of memory?.locks ?? []) {
    const seen = { ...whole, waiters: whole.waiters.filter((waiter) => !ignored(waiter)) };
    if (seen.waiters.length === 0 && whole.waiters.length > 0 && seen.owners.length === 0) continue;
    const id = canon(seen.id);
    const known = locks.get(id);
    if (!known) {
      locks.set(id, { ...seen, id });
      continue;
    }
    if (seen.id === id && seen.label.includes("'")) known.label = seen.label; // memory found the object's name
    for (const waiter of seen.waiters) {
      if (known.waiters.includes(waiter)) continue;
      known.waiters.push(waiter);
      const site = seen.awaitedAt?.[String(waiter)];
      if (site) known.awaitedAt = { ...known.awaitedAt, [String(waiter)]: site };
    }
  }
  const threads = new Map<number, LockThreadInfo>();
  for (const thread of agent?.threads ?? []) threads.set(thread.threadId, { ...thread, holds: [...thread.holds] });
  for (const seen of memory?.threads ?? []) {
    if (ignored(seen.threadId)) continue;
    const holds = seen.holds.map(canon);
    const waitsFor = seen.waitsFor === undefined ? undefined : canon(seen.waitsFor);
    const known = threads.get(seen.threadId);
    if (!known) {
      threads.set(seen.threadId, { ...seen, holds, ...(waitsFor === undefined ? {} : { waitsFor }) });
      continue;
    }
    for (const id of holds) if (!known.holds.includes(id)) known.holds.push(id);
    if (known.waitsFor === undefined && waitsFor !== undefined) {
      known.waitsFor = waitsFor; // blocked in C on what tracking does not see (a critical section, the import lock…)
      if (known.state === 'running') known.state = 'blocked';
    }
  }
  // A note about locks memory cannot tell the owner of is void for the ones tracking knows.
  const aboutTracked = (note: string) => {
    const ids = note.match(/0x[0-9a-f]+/g) ?? [];
    return ids.length > 0 && ids.every((id) => canonical.has(id));
  };
  return { threads: [...threads.values()], locks: [...locks.values()], notes: (memory?.notes ?? []).filter((note) => !aboutTracked(note)) };
}

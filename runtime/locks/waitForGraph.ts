// The wait-for graph: thread -> the lock it waits for -> the thread(s) holding it.
// A lock with several owners (a Semaphore) frees its waiter when any one owner releases, so a
// thread is deadlocked only when every owner of the lock it waits for is deadlocked too: the
// threads that can still progress are found first (a fixed point), and the cycles are then
// looked for among the others only.
import type { LockCycle, LockInfo, LockThreadInfo } from '../model/locks';

type ThreadName = (threadId: number) => string;

/** Every deadlock among `threads`, each reported once, starting from its smallest thread id. */
export function findCycles(threads: readonly LockThreadInfo[], locks: readonly LockInfo[]): LockCycle[] {
  const lockById = new Map(locks.map((lock) => [lock.id, lock]));
  const waitsFor = new Map<number, LockInfo>();
  for (const thread of threads) {
    const lock = thread.waitsFor === undefined ? undefined : lockById.get(thread.waitsFor);
    if (lock && lock.owners.length > 0) waitsFor.set(thread.threadId, lock);
  }
  const stuck = deadlockedThreads(waitsFor);
  for (const thread of waitsFor.keys()) if (!stuck.has(thread)) waitsFor.delete(thread);
  const names = new Map(threads.map((thread) => [thread.threadId, thread.name]));
  const name: ThreadName = (id) => names.get(id) ?? `thread ${id}`;
  const cycles: LockCycle[] = [];
  const seen = new Set<string>();
  for (const start of [...waitsFor.keys()].sort((a, b) => a - b)) {
    for (const path of cyclesThrough(start, waitsFor)) {
      const key = canonicalKey(path);
      if (seen.has(key)) continue;
      seen.add(key);
      const edges = path.map((threadId, index) => ({
        threadId,
        waitsFor: waitsFor.get(threadId)!.id, // eslint-disable-line @typescript-eslint/no-non-null-assertion -- every path step waits
        heldBy: path[(index + 1) % path.length],
      }));
      cycles.push({ edges, description: describeCycle(edges, lockById, name) });
    }
  }
  return cycles;
}

/** The threads that cannot progress: waiting for a lock none of whose owners can. */
function deadlockedThreads(waitsFor: ReadonlyMap<number, LockInfo>): Set<number> {
  const stuck = new Set(waitsFor.keys());
  for (let changed = true; changed;) {
    changed = false;
    for (const thread of stuck) {
      const lock = waitsFor.get(thread);
      if (lock && lock.owners.every((owner) => stuck.has(owner))) continue;
      stuck.delete(thread);
      changed = true;
    }
  }
  return stuck;
}

/** The simple cycles that start and end at `start` (depth-first over owners; bounded by the thread count). */
function cyclesThrough(start: number, waitsFor: ReadonlyMap<number, LockInfo>): number[][] {
  const found: number[][] = [];
  const visit = (thread: number, path: number[]): void => {
    const lock = waitsFor.get(thread);
    if (!lock) return;
    for (const owner of lock.owners) {
      if (owner === start) found.push(path);
      else if (owner > start && !path.includes(owner)) visit(owner, [...path, owner]);
    }
  };
  visit(start, [start]);
  return found;
}

function canonicalKey(path: readonly number[]): string {
  return path.join('>');
}

function describeCycle(edges: LockCycle['edges'], lockById: ReadonlyMap<string, LockInfo>, name: ThreadName): string {
  const steps = edges.map((edge) => {
    const lock = lockById.get(edge.waitsFor);
    const awaited = lock?.awaitedAt?.[String(edge.threadId)];
    const taken = lock?.acquiredAt?.[String(edge.heldBy)];
    const where = (site: typeof awaited) => (site ? ` at ${shortPath(site.path)}:${site.line}` : '');
    return `${name(edge.threadId)} waits${where(awaited)} for ${lock?.label ?? edge.waitsFor} held by ${name(edge.heldBy)}${taken ? ` (taken${where(taken)})` : ''}`;
  });
  return `Deadlock: ${steps.join('; ')}.`;
}

function shortPath(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}

// The "Threads & Locks" view's model, without vscode (unit-tested): from an 'ftpy/locks'
// answer to the tree's nodes. Deadlocks first, then each thread with its state, the locks it
// holds and the lock it waits for (with that lock's owner); every site opens in the editor.
import type { LockInfo, LockSite, LocksResponseBody, LockThreadInfo } from '../../debug-adapter/protocol';

export type NodeIcon = 'deadlock' | 'running' | 'blocked' | 'stopped' | 'unknown' | 'holds' | 'waits' | 'note';

export interface LockTreeNode {
  /** Stable across refreshes, so the tree keeps what is expanded. */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon: NodeIcon;
  /** Part of a deadlock: drawn in the error colour. */
  deadlocked: boolean;
  /** Opens in the editor on click. */
  site?: LockSite;
  children: LockTreeNode[];
}

export function lockTree(view: LocksResponseBody): LockTreeNode[] {
  const locks = new Map(view.locks.map((lock) => [lock.id, lock]));
  const names = new Map(view.threads.map((thread) => [thread.threadId, thread.name ?? `thread ${thread.threadId}`]));
  const name = (threadId: number) => names.get(threadId) ?? `thread ${threadId}`;
  const deadlocked = new Set(view.cycles.flatMap((cycle) => cycle.edges.map((edge) => edge.threadId)));
  const cycles = view.cycles.map((cycle, index): LockTreeNode => ({
    id: `cycle:${cycle.edges.map((edge) => `${edge.threadId}>${edge.waitsFor}`).join(',')}`,
    label: `Deadlock: ${[...cycle.edges.map((edge) => name(edge.threadId)), name(cycle.edges[0]?.threadId ?? 0)].join(' → ')}`,
    description: index === 0 && view.cycles.length > 1 ? `${view.cycles.length} cycles` : undefined,
    tooltip: cycle.description,
    icon: 'deadlock',
    deadlocked: true,
    children: cycle.edges.map((edge) => {
      const lock = locks.get(edge.waitsFor);
      const site = lock?.awaitedAt?.[String(edge.threadId)];
      return {
        id: `cycle:${edge.threadId}>${edge.waitsFor}`,
        label: `${name(edge.threadId)} waits for ${lock?.label ?? edge.waitsFor}`,
        description: `held by ${name(edge.heldBy)}${howKnown(lock)}${where(site)}`,
        icon: 'waits',
        deadlocked: true,
        site,
        children: [],
      };
    }),
  }));
  const threads = view.threads.map((thread) => threadNode(thread, locks, name, deadlocked.has(thread.threadId)));
  const notes = view.notes.map((note, index): LockTreeNode => ({
    id: `note:${index}`,
    label: note,
    tooltip: note,
    icon: 'note',
    deadlocked: false,
    children: [],
  }));
  return [...cycles, ...threads, ...notes];
}

function threadNode(thread: LockThreadInfo, locks: ReadonlyMap<string, LockInfo>, name: (threadId: number) => string, deadlocked: boolean): LockTreeNode {
  const key = String(thread.threadId);
  const holds = thread.holds.map((id): LockTreeNode => {
    const lock = locks.get(id);
    const site = lock?.acquiredAt?.[key];
    const count = lock?.kind === 'RLock' && lock.count !== undefined && lock.count > 1 ? ` (${lock.count} times)` : '';
    return {
      id: `${key}:holds:${id}`,
      label: `holds ${lock?.label ?? id}${count}`,
      description: site ? `taken${where(site)}` : undefined,
      icon: 'holds',
      deadlocked,
      site,
      children: [],
    };
  });
  const waits: LockTreeNode[] = [];
  if (thread.waitsFor !== undefined) {
    const lock = locks.get(thread.waitsFor);
    const site = lock?.awaitedAt?.[key];
    waits.push({
      id: `${key}:waits:${thread.waitsFor}`,
      label: `waits for ${lock?.label ?? thread.waitsFor}`,
      description: `${ownerText(lock, name)}${where(site)}`,
      icon: 'waits',
      deadlocked,
      site,
      children: [],
    });
  }
  return {
    id: `thread:${key}`,
    label: thread.name ?? `thread ${thread.threadId}`,
    description: deadlocked ? `${thread.state}, deadlocked` : thread.state,
    tooltip: `thread ${thread.threadId} (native id ${thread.nativeId})`,
    icon: deadlocked ? 'deadlock' : thread.state,
    deadlocked,
    children: [...waits, ...holds],
  };
}

function ownerText(lock: LockInfo | undefined, name: (threadId: number) => string): string {
  if (!lock) return 'owner unknown';
  if (!lock.ownerKnown)
    return lock.kind === 'Lock' && lock.held ? 'held, owner unknown (no thread holds it in a with block: launch with "trackLocks": true)' : 'owner unknown';
  if (lock.owners.length === 0)
    return lock.kind === 'Event' || lock.kind === 'Condition' || lock.kind === 'Queue' || lock.kind === 'Barrier' ? 'no owner (waits to be woken)' : 'free';
  return `held by ${lock.owners.map(name).join(', ')}${howKnown(lock)}`;
}

/** A Lock's owner read from memory is the thread inside a `with` block on it: said, as it is not the lock's own record. */
function howKnown(lock: LockInfo | undefined): string {
  return lock?.ownerFrom === 'with-block' ? ' (in a with block)' : '';
}

function where(site: LockSite | undefined): string {
  return site ? ` at ${site.path.slice(site.path.lastIndexOf('/') + 1)}:${site.line}` : '';
}

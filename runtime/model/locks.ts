// The lock model: threads, the locks they hold and wait for, and deadlock cycles.
// Built by runtime/inspect (from memory) and the agent (lock tracking); sent as is by 'ftpy/locks'.

/** Where a lock was taken or is awaited: a source line, with the stack that led there (innermost first). */
export interface LockSite {
  path: string;
  line: number;
  function: string;
  stack?: { path: string; line: number; function: string }[];
}

export type LockKind =
  | 'Lock'
  | 'RLock'
  | 'Condition'
  | 'Semaphore'
  | 'BoundedSemaphore'
  | 'Event'
  | 'Barrier'
  | 'Queue'
  /** An object's per-object mutex (ob_mutex) taken by a critical section (dict, list, set…). */
  | 'critical-section'
  | 'import-lock'
  /** A thread waiting for a stop-the-world pause to end. */
  | 'stop-the-world'
  /** A runtime mutex known by name (e.g. the interpreter's GC mutex). */
  | 'internal'
  /** A parked waiter whose address ftpy cannot map to anything it knows. */
  | 'unknown';

export interface LockInfo {
  /** Stable for the session: the address of the lock (or of the object owning the mutex) as 0x…. */
  id: string;
  kind: LockKind;
  /** What a user reads: "Lock at 0x7f… (deadlock.py:12 lock_a)", "dict at 0x… (ob_mutex)", "import lock". */
  label: string;
  /** Owning thread ids (threading.get_ident()); several for a Semaphore; empty when free. */
  owners: number[];
  /**
   * Whether `owners` is known. A plain threading.Lock records no owner in memory: without the
   * agent's tracking a held Lock's owner is known only when it holds it in a `with` block
   * (ownerFrom); else ownerKnown is false, owners empty, and the view says so.
   */
  ownerKnown: boolean;
  /** How a Lock's owner is known from memory: its frames are inside a `with` block on the lock. */
  ownerFrom?: 'with-block';
  held: boolean;
  /** RLock recursion count, Semaphore value, …: the kind's own counter, when it has one. */
  count?: number;
  /** Thread ids parked on this lock, in the order they started waiting where known. */
  waiters: number[];
  /** Per owner thread id (as a string key): where it took the lock. */
  acquiredAt?: Record<string, LockSite>;
  /** Per waiter thread id (as a string key): where it waits. */
  awaitedAt?: Record<string, LockSite>;
}

export interface LockThreadInfo {
  threadId: number;
  nativeId: number;
  name: string | null;
  state: 'running' | 'blocked' | 'stopped' | 'unknown';
  /** Lock ids held by the thread. */
  holds: string[];
  /** The lock id it waits for, if any. */
  waitsFor?: string;
}

/** A deadlock: threads each waiting for a lock held by the next, the last for one held by the first. */
export interface LockCycle {
  /** [thread, lock it waits for, …], in cycle order. */
  edges: { threadId: number; waitsFor: string; heldBy: number }[];
  /** One line naming the threads, locks and sites: the stop description. */
  description: string;
}

// Every custom DAP request and event ('ftpy/…'), typed once: imported by debug-adapter/ and
// extension/ (and the webview bundles). Standard DAP is used wherever it suffices.
// Type-only module: it must stay free of imports that pull in runtime code.

// ---------------------------------------------------------------------------------------------
// Locks (request 'ftpy/locks'): who holds and who waits on which lock, and deadlock cycles.

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
   * agent's tracking a held Lock has ownerKnown false and no owners, and the view says so.
   */
  ownerKnown: boolean;
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

export interface LocksArguments {
  /** Ask for the stacks of acquisition and waiting sites (more data). Default false. */
  stacks?: boolean;
}

export interface LocksResponseBody {
  /** 'agent+memory' under a launch with tracking on; 'memory' for read-only attach or trackLocks false. */
  source: 'agent+memory' | 'memory';
  threads: LockThreadInfo[];
  locks: LockInfo[];
  cycles: LockCycle[];
  /** What could not be read or known, and why (shown in the view). */
  notes: string[];
}

// ---------------------------------------------------------------------------------------------
// Runtime samples (event 'ftpy/runtimeSample', request 'ftpy/runtimeSnapshot').

export type ThreadAttachState = 'attached' | 'detached' | 'suspended';

export interface ThreadSample {
  threadId: number;
  nativeId: number;
  name: string | null;
  state: ThreadAttachState | null;
  /** Eval-breaker bit names set at the sample (e.g. 'gil_drop_request', 'please_stop', 'explicit_merge'). */
  evalBreaker: string[];
  /** Objects queued for a biased-refcount merge by this thread (BRC objects_to_merge length). */
  brcQueue: number;
  /** GC allocations buffered on this thread, not yet added to the generation count. */
  gcAllocBuffered: number;
}

export interface GcGenerationSample {
  threshold: number;
  count: number;
  /** Cumulative stats of this generation (gc.get_stats() meaning). */
  collections: number;
  collected: number;
  uncollectable: number;
}

export interface GcSample {
  enabled: boolean;
  collecting: boolean;
  generations: GcGenerationSample[];
}

export interface RuntimeSample {
  /** Milliseconds since the epoch when the sample was read. */
  time: number;
  worldStopped: boolean;
  gilEnabled: boolean;
  gc: GcSample;
  threads: ThreadSample[];
}

/** What the agent reports from gc.callbacks: one finished collection. */
export interface GcCollection {
  /** Start and end, ms since the epoch (from the agent's clock, time.time_ns). */
  start: number;
  end: number;
  generation: number;
  collected: number;
  uncollectable: number;
}

/** A GIL state change seen by the agent (the module whose import re-enabled it, when known). */
export interface GilChange {
  time: number;
  enabled: boolean;
  module?: string;
}

/** One batch pushed by the adapter (at most 10 a second). */
export interface RuntimeSampleEventBody {
  samples: RuntimeSample[];
  collections: GcCollection[];
  gilChanges: GilChange[];
}

export interface MimallocHeapInfo {
  /** 'mem' | 'object' | 'gc' | 'gc_pre' */
  kind: string;
  pages: number;
  usedBytes: number;
  committedBytes: number;
}

export interface ThreadHeaps {
  threadId: number;
  heaps: MimallocHeapInfo[];
}

export interface RuntimeSnapshotResponseBody {
  sample: RuntimeSample;
  heaps: ThreadHeaps[];
  abandoned: { pages: number; usedBytes: number };
  /** Only while stopped: objects by type, from the agent. */
  census?: { type: string; count: number; bytes: number }[];
  notes: string[];
}

// ---------------------------------------------------------------------------------------------
// Refcount anatomy (request 'ftpy/refcount' on a variable or expression).

export interface RefcountArguments {
  /** An expression evaluated in frameId (the Variables view's evaluateName). */
  expression: string;
  frameId: number;
}

export interface RefcountResponseBody {
  address: string;
  type: string;
  /** ob_tid mapped to a thread: the owner of the local count; 0 = no owner (merged / shared). */
  ownerThreadId: number;
  ownerName: string | null;
  localCount: number;
  sharedCount: number;
  sharedFlags: { maybeWeakref: boolean; queued: boolean; merged: boolean };
  immortal: boolean;
  deferred: boolean;
  gcBits: string[];
}

// ---------------------------------------------------------------------------------------------
// The names, in one place.

export const FTPY_REQUESTS = {
  locks: 'ftpy/locks',
  runtimeSnapshot: 'ftpy/runtimeSnapshot',
  refcount: 'ftpy/refcount',
} as const;

export const FTPY_EVENTS = {
  runtimeSample: 'ftpy/runtimeSample',
} as const;

export interface FtpyRequests {
  'ftpy/locks': [LocksArguments, LocksResponseBody];
  'ftpy/runtimeSnapshot': [Record<string, never>, RuntimeSnapshotResponseBody];
  'ftpy/refcount': [RefcountArguments, RefcountResponseBody];
}

export interface FtpyEvents {
  'ftpy/runtimeSample': RuntimeSampleEventBody;
}

// The runtime model the panels show: samples of threads, GC, BRC and eval-breaker read from
// memory, what the agent reports from inside (collections, GIL changes), heaps and refcounts.

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
  /** The GIL is on after this import. */
  enabled: boolean;
  module?: string;
  /** file:line of the import statement that loaded the module. */
  importer?: string;
  /** The module asked for the GIL but -X gil=0 kept it off (it runs without the GIL it expects). */
  forcedOff?: boolean;
}

/** GC-tracked objects of one type (agent census while stopped; bytes by sys.getsizeof). */
export interface CensusEntry {
  type: string;
  count: number;
  bytes: number;
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

export interface RefcountAnatomy {
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
  /** Py_REFCNT: local + shared (sys.getrefcount without its argument's reference); null when immortal. */
  refcount: number | null;
}

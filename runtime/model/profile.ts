// What `ftpy profile` and the Scaling tab report: why threads do not scale, added up from samples
// of what each thread was doing (runtime/profile/waitProfile). Types only: the webview shows them.

/** What a thread is doing at one sample (runtime/inspect/waitSample says how each is told). */
export type WaitState = 'running' | 'lock' | 'waiting' | 'sleep' | 'io' | 'syscall' | 'c' | 'stop-the-world' | 'gc';

export interface ThreadProfile {
  threadId: number;
  nativeId: number;
  name: string | null;
  samples: number;
  /** Share of this thread's samples in each state. */
  states: Record<WaitState, number>;
}

/** A line of the program, and its share of what it is listed for. */
export interface SiteShare {
  /** 'histogram.py:47' */
  site: string;
  file: string;
  line: number | null;
  share: number;
}

export interface LockProfile {
  id: string;
  type: string;
  label: string;
  /** Thread time spent parked waiting for it (samples x the sampling interval), s. */
  waitS: number;
  /**
   * Thread time running at the lines where threads take it (where they park on it, and its `with`
   * statements), in C called from there: taking it (spinning before parking, cache lines moving
   * between cores) and releasing it, s.
   */
  acquireS: number;
  /** Thread time inside `with` blocks holding it, s: the work it serializes. */
  heldS: number;
  /** Its share of the thread time: all three of the above. */
  share: number;
  /** The most threads seen waiting for it at once. */
  maxWaiters: number;
  /** Where the threads waited, with their share of its waits, most first. */
  sites: SiteShare[];
  /** The `with` statements that held it, with their share of its holding, most first. */
  heldAt: SiteShare[];
  /** The lines it was taken at, with their share of its taking, most first. */
  takenAt: SiteShare[];
}

export interface PauseProfile {
  count: number;
  /** Pauses during which a collection ran. */
  gc: number;
  /**
   * What asked for them, most first: 'a collection', or the Python function the thread that stopped
   * the world was in (sys._current_frames, a fork, a change of monitoring…), or 'no Python frame seen'.
   */
  triggers: { trigger: string; count: number }[];
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** A pause is known to the sampling interval. */
  resolutionMs: number;
}

/** What each thread did over time: per column, the state most of its samples there were in. */
export interface Timeline {
  /** ms since the epoch */
  start: number;
  columnMs: number;
  threads: { threadId: number; nativeId: number; name: string | null; columns: (WaitState | null)[] }[];
}

export interface ProfileReport {
  pid: number;
  durationS: number;
  samples: number;
  /** Samples left out because the threads could not be read consistently. */
  torn: number;
  rateHz: number;
  verdict: string;
  /** Thread time counted: every thread's samples but those waiting in Thread.join (waiting for the others is no loss). */
  threadTimeS: number;
  threads: ThreadProfile[];
  locks: LockProfile[];
  pauses: PauseProfile;
}

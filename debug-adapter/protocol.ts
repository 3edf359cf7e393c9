// Every custom DAP request and event ('ftpy/…'), typed once: imported by debug-adapter/ and
// extension/ (and the webview bundles). Standard DAP is used wherever it suffices.
// Type-only module (but for a few tables of constants and the ErrorId enum): it must stay free of imports that pull in
// runtime code (the models it re-exports are type-only too).
import type { LockCycle, LockInfo, LockThreadInfo } from '../runtime/model/locks';
import type { CensusEntry, GcCollection, GilChange, RefcountAnatomy, RuntimeSample, ThreadHeaps } from '../runtime/model/samples';
import type { FixAction } from '../runtime/errors';
import type { ProfileReport, Timeline } from '../runtime/model/profile';

export type * from '../runtime/model/locks';
export type * from '../runtime/model/samples';
export type * from '../runtime/model/profile';

// ---------------------------------------------------------------------------------------------
// Error responses: the id of DAP's Message says what kind of failure it is.

export enum ErrorId {
  /** The user can fix it (a launch attribute, a file, the interpreter): shown, with the fix when there is one. */
  User = 1001,
  /** The agent refused or could not answer (a stale value, a thread that ran on): not shown as a dialog. */
  Agent = 1002,
  /** A fault in ftpy's adapter: shown, saying so. */
  Internal = 1003,
}

// ---------------------------------------------------------------------------------------------
// Locks (request 'ftpy/locks'): who holds and who waits on which lock, and deadlock cycles.

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

/** Event 'ftpy/deadlock': a cycle formed while the program runs with stopAll false (with stopAll, the session stops with reason 'deadlock'). */
export interface DeadlockEventBody {
  cycle: LockCycle;
}

// ---------------------------------------------------------------------------------------------
// Runtime samples (event 'ftpy/runtimeSample', request 'ftpy/runtimeSnapshot').

/** One batch pushed by the adapter (at most 10 a second). */
export interface RuntimeSampleEventBody {
  samples: RuntimeSample[];
  collections: GcCollection[];
  gilChanges: GilChange[];
  /** Said once, when the program's memory cannot be sampled: why the panels will have no samples. */
  unavailable?: string;
}

export interface RuntimeSnapshotResponseBody {
  sample: RuntimeSample;
  heaps: ThreadHeaps[];
  /** The pool of segments whose threads exited (mimalloc's abandoned pool); null when it could not be read (see notes). */
  abandoned: { segments: number; pages: number; usedBytes: number } | null;
  /** Only while stopped: GC-tracked objects by type, from the agent (the types holding most bytes). */
  census?: CensusEntry[];
  notes: string[];
}

// ---------------------------------------------------------------------------------------------
// Refcount anatomy (request 'ftpy/refcount' on a variable or expression).

export interface RefcountArguments {
  /** An expression evaluated in frameId (the Variables view's evaluateName). */
  expression: string;
  frameId: number;
}

export type RefcountResponseBody = RefcountAnatomy;

// ---------------------------------------------------------------------------------------------
// The names, in one place.

export const FTPY_REQUESTS = {
  locks: 'ftpy/locks',
  runtimeSnapshot: 'ftpy/runtimeSnapshot',
  refcount: 'ftpy/refcount',
  runtimeSampling: 'ftpy/runtimeSampling',
  scaling: 'ftpy/scaling',
} as const;

/**
 * 'ftpy/scaling': starts (record) or stops a recording of what every program thread does, for the
 * Scaling tab; while it records, 'ftpy/scaling' events carry the report so far.
 */
export interface ScalingArguments {
  record: boolean;
  /** Samples a second (default 1000): fewer when a sample takes longer than the interval. */
  rateHz?: number;
}

/** 'ftpy/scaling', about twice a second while recording, and once when it ends. */
export interface ScalingEventBody {
  recording: boolean;
  /** The program is stopped by the debugger: no samples until it runs. */
  paused: boolean;
  report: ProfileReport | null;
  timeline: Timeline | null;
  /** Why there is no recording (no memory, no probe), or why it ended early. */
  error?: string;
}

/**
 * 'ftpy/runtimeSampling': whether the client shows the runtime samples (the runtime panel is
 * visible). The program's memory is sampled only while it does; off when a session starts.
 */
export interface RuntimeSamplingArguments {
  on: boolean;
}

export const FTPY_EVENTS = {
  runtimeSample: 'ftpy/runtimeSample',
  scaling: 'ftpy/scaling',
  deadlock: 'ftpy/deadlock',
  sessionInfo: 'ftpy/sessionInfo',
} as const;

/** 'ftpy/sessionInfo', sent once a program is launched or attached to: the interpreter it runs. */
export interface SessionInfoEventBody {
  python: string;
  /** "3.13.5" */
  version: string;
  freeThreaded: boolean;
  /** At the start (an import may turn it on later: the runtime samples say so). */
  gilEnabled: boolean;
}

export interface FtpyRequests {
  'ftpy/locks': [LocksArguments, LocksResponseBody];
  'ftpy/runtimeSnapshot': [Record<string, never>, RuntimeSnapshotResponseBody];
  'ftpy/refcount': [RefcountArguments, RefcountResponseBody];
  'ftpy/runtimeSampling': [RuntimeSamplingArguments, undefined];
  'ftpy/scaling': [ScalingArguments, undefined];
}

export interface FtpyEvents {
  'ftpy/runtimeSample': RuntimeSampleEventBody;
  'ftpy/deadlock': DeadlockEventBody;
  'ftpy/scaling': ScalingEventBody;
}

// ---------------------------------------------------------------------------------------------
// Startup failures: a failed launch/attach response whose error carries a FixAction names the
// command that fixes it in DAP's standard `url`/`urlLabel` (VS Code runs `command:` URLs), so
// the client's error dialog has that button.

export const FIX_ACTION_COMMANDS = {
  selectInterpreter: { command: 'ftpy.selectInterpreter', label: 'Select Interpreter' },
  installRuntime: { command: 'ftpy.installRuntime', label: 'Install Embedded Runtime' },
  openLog: { command: 'ftpy.openLog', label: 'Open Log' },
} as const satisfies Record<FixAction, { command: string; label: string }>;

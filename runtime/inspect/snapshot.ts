// One consistent-enough picture of a live runtime: interpreters -> thread
// states -> frames, read without stopping the target. Torn reads are retried
// a few times, then reported on the thread they hit; nothing loops unbounded.
import { DebugOffsets, formatVersion, readDebugOffsets } from './debugOffsets';
import { isInspectError } from './errors';
import { CodeCache, FrameSnapshot, readStack } from './frames';
import { prefetchDataStack } from './dataStack';
import type { Memory } from './memory';
import { ObjectReader } from './objects';
import { readThreadNames, ThreadNames } from './threadNames';
import { InterpreterThreads, mainInterpreter, READ_ATTEMPTS, retry, ThreadStateBytes, walkThreadStates } from './walk';
import type { ProbeOffsets } from '../probe/offsets';

export type ThreadRunState = 'attached' | 'detached' | 'suspended';

export interface ThreadSnapshot {
  /** threading.get_ident() */
  threadId: number;
  /** threading.get_native_id(): the Linux TID */
  nativeId: number;
  /** The threading.Thread name; null when it cannot be read (see RuntimeSnapshot.unavailable). */
  name: string | null;
  state: ThreadRunState | null;
  /** Names of the eval-breaker bits set (instrumentation version bits excluded). */
  evalBreaker: string[];
  /** Innermost first. */
  frames: FrameSnapshot[];
  /** Set when the stack could not be read consistently: why. */
  torn?: string;
}

export interface RuntimeSnapshot {
  python: { version: string; freeThreaded: boolean; gilEnabled: boolean };
  /** Every thread state of every interpreter, in the runtime's order (newest first). */
  threads: ThreadSnapshot[];
  /** What this snapshot could not read, and why. */
  unavailable: { state?: string; names?: string };
}

/** The part of the probe's offsets the snapshot uses (any full ProbeOffsets fits). */
export interface ThreadStateProbe {
  python: Pick<ProbeOffsets['python'], 'version' | 'hexversion' | 'free_threaded'>;
  thread_state: Pick<ProbeOffsets['thread_state'], 'state' | 'eval_breaker'>;
  thread_states: ProbeOffsets['thread_states'];
  eval_breaker_bits: ProbeOffsets['eval_breaker_bits'];
  eval_breaker: Pick<ProbeOffsets['eval_breaker'], 'events_mask'>;
}

export interface SnapshotOptions {
  /** Offsets _Py_DebugOffsets lacks (thread state, eval-breaker), measured by the probe. */
  probe?: ThreadStateProbe;
}

/** A snapshot of the runtime at `runtime` in `memory`, its offsets read first (recorded images, fuzzing). */
export function takeSnapshot(memory: Memory, runtime: bigint, options: SnapshotOptions = {}): RuntimeSnapshot {
  const reader = new ObjectReader(memory, readDebugOffsets(memory, runtime));
  return snapshotOf(reader, walkThreadStates(reader, runtime), matchingProbe(options.probe, reader.offsets));
}

/** The snapshot of one walk of the runtime; `probe`: offsets checked for it, or why there are none. */
export function snapshotOf(reader: ObjectReader, walk: InterpreterThreads[], probe: ThreadStateProbe | string): RuntimeSnapshot {
  const unavailable: RuntimeSnapshot['unavailable'] = {};
  if (typeof probe === 'string') unavailable.state = `thread states and eval-breaker unknown: ${probe}`;
  const threads: ThreadSnapshot[] = [];
  const cache: CodeCache = new Map();
  for (const { interpreter, threadStates } of walk) {
    const names = retry(
      () => readThreadNames(reader, interpreter),
      (error) => {
        unavailable.names = `thread names unreadable: ${error.message}`;
        return new Map() as ThreadNames;
      },
    );
    for (const tstate of threadStates) threads.push(readThread(reader, tstate, names, cache, typeof probe === 'string' ? undefined : probe));
  }
  return {
    python: {
      version: formatVersion(reader.offsets.version),
      freeThreaded: reader.offsets.freeThreaded,
      gilEnabled: retry(() => gilEnabled(reader, mainInterpreter(walk))),
    },
    threads,
    unavailable,
  };
}

/** The probe offsets if they were measured for this very runtime, else why there are none. */
export function matchingProbe<P extends ThreadStateProbe>(probe: P | undefined, offsets: DebugOffsets): P | string {
  if (!probe) return 'no probe offsets for this runtime';
  if (probe.python.hexversion !== offsets.version.hex || probe.python.free_threaded !== offsets.freeThreaded) {
    return `the probe offsets are for Python ${probe.python.version}, not for the target's ${formatVersion(offsets.version)}`;
  }
  return probe;
}

function gilEnabled(reader: ObjectReader, interpreter: bigint): boolean {
  const { gil_runtime_state, gil_runtime_state_enabled } = reader.offsets.interpreter_state;
  // FT: `_gil.enabled` counts reasons to hold the GIL; the field offset is relative to `_gil`.
  return reader.memory.read(interpreter + BigInt(gil_runtime_state + gil_runtime_state_enabled), 4).readInt32LE(0) !== 0;
}

/** One thread; torn stacks are re-read (thread state included) a few times. */
function readThread(reader: ObjectReader, tstate: ThreadStateBytes, names: ThreadNames, cache: CodeCache, probe: ThreadStateProbe | undefined): ThreadSnapshot {
  const layout = reader.offsets.thread_state;
  let thread: ThreadSnapshot | undefined;
  for (let attempt = 1; attempt <= READ_ATTEMPTS; attempt++) {
    let raw = tstate.raw;
    try {
      if (attempt > 1) raw = reader.memory.read(tstate.address, layout.size);
    } catch (error) {
      if (!isInspectError(error, 'torn-read')) throw error;
      return { threadId: 0, nativeId: 0, name: null, state: null, evalBreaker: [], frames: [], torn: error.message };
    }
    const threadId = raw.readBigUInt64LE(layout.thread_id);
    thread = {
      threadId: Number(threadId),
      nativeId: Number(raw.readBigUInt64LE(layout.native_thread_id)),
      name: names.get(threadId) ?? null,
      ...runState(raw, probe),
      frames: [],
    };
    try {
      const currentFrame = raw.readBigUInt64LE(layout.current_frame);
      const stackMemory = prefetchDataStack(reader, raw.readBigUInt64LE(layout.datastack_chunk), currentFrame);
      const stack = readStack(new ObjectReader(stackMemory, reader.offsets), currentFrame, cache);
      thread.frames = stack.frames;
      if (stack.torn === undefined) return thread;
      thread.torn = stack.torn;
    } catch (error) {
      if (!isInspectError(error, 'torn-read')) throw error;
      thread.torn = error.message;
    }
  }
  return thread as ThreadSnapshot;
}

export function runState(raw: Buffer, probe: ThreadStateProbe | undefined): Pick<ThreadSnapshot, 'state' | 'evalBreaker'> {
  if (!probe) return { state: null, evalBreaker: [] };
  const value = raw.readInt32LE(probe.thread_state.state);
  const state = (Object.keys(probe.thread_states) as ThreadRunState[]).find((name) => probe.thread_states[name] === value);
  const breaker = raw.readBigUInt64LE(probe.thread_state.eval_breaker) & BigInt(probe.eval_breaker.events_mask);
  const evalBreaker = Object.entries(probe.eval_breaker_bits)
    .filter(([, bit]) => (breaker >> BigInt(bit)) & 1n)
    .map(([name]) => name);
  return { state: state ?? null, evalBreaker };
}

/** Whether a thread is one of ftpy's own agent threads (a debugged program's): its outermost frame is the agent's thread main. */
export function isFtpyAgentThread(thread: Pick<ThreadSnapshot, 'frames'>): boolean {
  const outermost = thread.frames[thread.frames.length - 1];
  return outermost !== undefined && outermost.function === 'Monitor._agent_thread_main' && outermost.file.endsWith('/ftpy_agent/monitor.py');
}

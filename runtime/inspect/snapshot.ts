// One consistent-enough picture of a live runtime: interpreters -> thread
// states -> frames, read without stopping the target. Torn reads are retried
// a few times, then reported on the thread they hit; nothing loops unbounded.
import { DebugOffsets, debugOffsetsReadSize, formatVersion, parseDebugOffsets } from './debugOffsets';
import { InspectError, isInspectError, tornRead } from './errors';
import { CodeCache, FrameSnapshot, readStack } from './frames';
import { MAX_READ, Memory, PrefetchedMemory } from './memory';
import { ObjectReader } from './objects';
import { readThreadNames, ThreadNames } from './threadNames';
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

export const MAX_THREADS = 4096;
const MAX_INTERPRETERS = 256;
const ATTEMPTS = 3;

/** Reads and validates the _Py_DebugOffsets at `runtime` (the address of _PyRuntime). */
export function readDebugOffsets(memory: Memory, runtime: bigint): DebugOffsets {
  return parseDebugOffsets(memory.read(runtime, debugOffsetsReadSize()));
}

export function takeSnapshot(memory: Memory, runtime: bigint, options: SnapshotOptions = {}): RuntimeSnapshot {
  const offsets = readDebugOffsets(memory, runtime);
  const reader = new ObjectReader(memory, offsets);
  const unavailable: RuntimeSnapshot['unavailable'] = {};
  const probe = matchingProbe(options.probe, offsets);
  if (typeof probe === 'string') unavailable.state = probe;
  const walk = walkThreadStates(reader, runtime);
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
      version: formatVersion(offsets.version),
      freeThreaded: offsets.freeThreaded,
      gilEnabled: retry(() => gilEnabled(reader, mainInterpreter(walk))),
    },
    threads,
    unavailable,
  };
}

export interface ThreadStateBytes {
  address: bigint;
  /** The PyThreadState, read whole once. */
  raw: Buffer;
}

export interface InterpreterThreads {
  interpreter: bigint;
  threadStates: ThreadStateBytes[];
}

/**
 * Every interpreter and its thread states (at most MAX_THREADS in all), torn lists re-read.
 * Each thread state is read whole, and `readSize` bytes at least (to take what follows in the
 * same read, e.g. the _PyThreadStateImpl fields).
 */
export function walkThreadStates(reader: ObjectReader, runtime: bigint, readSize = 0): InterpreterThreads[] {
  const walk: InterpreterThreads[] = [];
  let count = 0;
  for (const interpreter of retry(() => interpreterList(reader, runtime))) {
    if (count >= MAX_THREADS) break;
    const threadStates = retry(() => threadList(reader, interpreter, readSize)).slice(0, MAX_THREADS - count);
    count += threadStates.length;
    walk.push({ interpreter, threadStates });
  }
  return walk;
}

/** The main interpreter: the first one created, last in the runtime's list. */
export function mainInterpreter(walk: InterpreterThreads[]): bigint {
  return (walk[walk.length - 1] as InterpreterThreads).interpreter;
}

/** The probe offsets if they were measured for this very runtime, else why there are none. */
export function matchingProbe(probe: ThreadStateProbe | undefined, offsets: DebugOffsets): ThreadStateProbe | string {
  const why = 'thread state and eval-breaker are unknown';
  if (!probe) return `no probe offsets for this runtime: ${why}`;
  if (probe.python.hexversion !== offsets.version.hex || probe.python.free_threaded !== offsets.freeThreaded) {
    return `the probe offsets are for Python ${probe.python.version}, not for the target's ${formatVersion(offsets.version)}: ${why}`;
  }
  return probe;
}

/** Runs `read` again on torn reads; after the last attempt, `onTorn` decides (default: rethrow). */
export function retry<T>(read: () => T, onTorn?: (error: InspectError) => T): T {
  for (let attempt = 1; ; attempt++) {
    try {
      return read();
    } catch (error) {
      if (!isInspectError(error, 'torn-read')) throw error;
      if (attempt < ATTEMPTS) continue;
      if (onTorn) return onTorn(error);
      throw error;
    }
  }
}

/** Follows a NULL-terminated linked list, refusing loops and runaway lengths. */
function linkedList<T>(reader: ObjectReader, head: bigint, limit: number, what: string, read: (item: bigint) => { next: bigint; value: T }): T[] {
  const values: T[] = [];
  const seen = new Set<bigint>();
  for (let item = reader.checkedPointer(head, what); item !== 0n;) {
    if (seen.has(item)) throw tornRead(`the ${what} list (it loops)`);
    if (values.length >= limit) break;
    seen.add(item);
    const { next, value } = read(item);
    values.push(value);
    item = reader.checkedPointer(next, what);
  }
  return values;
}

export function interpreterList(reader: ObjectReader, runtime: bigint): bigint[] {
  const { runtime_state, interpreter_state } = reader.offsets;
  const head = reader.pointer(runtime + BigInt(runtime_state.interpreters_head));
  const list = linkedList(reader, head, MAX_INTERPRETERS, 'interpreter', (interp) => ({
    next: reader.pointer(interp + BigInt(interpreter_state.next)),
    value: interp,
  }));
  if (list.length === 0) throw new InspectError('not-python', 'the Python runtime has no interpreter (not started yet, or finalized)');
  return list;
}

/** The thread states of an interpreter, each read whole once. */
export function threadList(reader: ObjectReader, interpreter: bigint, readSize = 0): ThreadStateBytes[] {
  const { interpreter_state, thread_state } = reader.offsets;
  const head = reader.pointer(interpreter + BigInt(interpreter_state.threads_head));
  return linkedList(reader, head, MAX_THREADS, 'thread state', (address) => {
    const raw = reader.memory.read(address, Math.max(thread_state.size, readSize));
    return { next: raw.readBigUInt64LE(thread_state.next), value: { address, raw } };
  });
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
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
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

/** `_PyStackChunk`: previous, size (bytes, header included), top (words used in data[]), data[]. */
const STACK_CHUNK = { previous: 0, size: 8, top: 16, header: 24 };
const MAX_STACK_CHUNKS = 64;

/**
 * The frames a thread owns live in its data-stack chunks, growing upwards:
 * fetching the used part of each chunk in one read serves the whole stack with
 * a handful of reads instead of one per frame. The newest chunk is used up to
 * the current frame; older ones up to their saved `top`.
 */
function prefetchDataStack(reader: ObjectReader, newestChunk: bigint, currentFrame: bigint): Memory {
  const memory = new PrefetchedMemory(reader.memory);
  const header = BigInt(STACK_CHUNK.header);
  const usedPart = (chunk: bigint, used: bigint): Buffer | undefined =>
    used > header && used <= BigInt(MAX_READ) ? reader.readAhead(chunk, STACK_CHUNK.header, Number(used)) : undefined;
  let chunk = reader.checkedPointer(newestChunk, 'datastack chunk');
  // The newest chunk is used up to the end of the current frame, when that frame is in it
  // (not so for a generator's frame): reading past the chunk is cut off below.
  let bytes = usedPart(chunk, currentFrame + BigInt(reader.offsets.interpreter_frame.size) - chunk);
  for (let count = 0; chunk !== 0n && count < MAX_STACK_CHUNKS; count++) {
    if (!bytes) {
      const head = reader.memory.read(chunk, STACK_CHUNK.header);
      bytes = usedPart(chunk, header + 8n * head.readBigUInt64LE(STACK_CHUNK.top)) ?? head;
    }
    const size = bytes.readBigUInt64LE(STACK_CHUNK.size);
    if (size < header || size > BigInt(MAX_READ)) throw tornRead('a data-stack chunk');
    memory.add(chunk, bytes.subarray(0, Number(size)));
    chunk = reader.checkedPointer(bytes.readBigUInt64LE(STACK_CHUNK.previous), 'datastack chunk');
    bytes = undefined;
  }
  return memory;
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

// The runtime's structure, walked from _PyRuntime: interpreters, then each one's thread states,
// each read whole once. Torn lists are re-read a few times; nothing loops unbounded.
import { InspectError, isInspectError, tornRead } from './errors';
import { ObjectReader } from './objects';

export const MAX_THREADS = 4096;
const MAX_INTERPRETERS = 256;
/** Reads of a torn structure before it is reported torn. */
export const READ_ATTEMPTS = 3;

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

/** The thread states of a walk that have a thread: one being created, or deleted, has none yet or any more. */
export function liveThreadStates(reader: ObjectReader, walk: InterpreterThreads[]): ThreadStateBytes[] {
  const idAt = reader.offsets.thread_state.thread_id;
  return walk.flatMap((entry) => entry.threadStates).filter((tstate) => tstate.raw.readBigUInt64LE(idAt) !== 0n);
}

/** The main interpreter: the first one created, last in the runtime's list. */
export function mainInterpreter(walk: InterpreterThreads[]): bigint {
  return (walk[walk.length - 1] as InterpreterThreads).interpreter;
}

/** Runs `read` again on torn reads; after the last attempt, `onTorn` decides (default: rethrow). */
export function retry<T>(read: () => T, onTorn?: (error: InspectError) => T): T {
  for (let attempt = 1; ; attempt++) {
    try {
      return read();
    } catch (error) {
      if (!isInspectError(error, 'torn-read')) throw error;
      if (attempt < READ_ATTEMPTS) continue;
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

// `threading` names of the threads, read the way Python would find them:
// interp.modules['threading']._active[ident]._name.
import { DICT_VALUES, ObjectReader } from './objects';
import { retry, ThreadStateBytes } from './walk';

const NAMES_REFRESH_MS = 1000;

/** Managed dict pointer just before the object header (FT 3.13: MANAGED_DICT_OFFSET = -1 word). */
export const MANAGED_DICT_OFFSET = 8;
/**
 * `PyHeapTypeObject.ht_cached_keys` follows the PyTypeObject and 58 pointers
 * (as_async 4, as_number 36, as_mapping 3, as_sequence 10, as_buffer 2,
 * ht_name, ht_slots, ht_qualname): 3.13 `Include/cpython/object.h`.
 */
export const CACHED_KEYS_AFTER_TYPE = 58 * 8;

export type ThreadNames = Map<bigint, string>;

/**
 * Names for samplers that read many times a second: re-read only when a thread not named yet shows
 * up, at most once a second. A thread ident may be reused once its thread ended: a name holds for
 * the native thread it was read for.
 */
export class SampledThreadNames {
  private names: ThreadNames = new Map();
  /** Ident -> the native thread id it had when its name was read. */
  private namedNative = new Map<bigint, bigint>();
  private readAt = -Infinity;

  constructor(private readonly reader: ObjectReader) {}

  /** The names, read again first when a thread of `threadStates` has none (a torn read keeps the last ones). */
  current(interpreter: bigint, threadStates: ThreadStateBytes[], time: number): ThreadNames {
    const { thread_id: idAt, native_thread_id: nativeAt } = this.reader.offsets.thread_state;
    const threads = threadStates.map((tstate) => ({ ident: tstate.raw.readBigUInt64LE(idAt), native: tstate.raw.readBigUInt64LE(nativeAt) }));
    for (const { ident, native } of threads) {
      // A new thread with an ended one's ident: that name is not its own.
      if (this.namedNative.get(ident) !== native) this.names.delete(ident);
    }
    const unknown = threads.some(({ ident }) => !this.names.has(ident));
    if (unknown && time - this.readAt >= NAMES_REFRESH_MS) {
      this.readAt = time;
      this.names = retry(
        () => readThreadNames(this.reader, interpreter),
        () => this.names,
      );
      this.namedNative = new Map(threads.filter(({ ident }) => this.names.has(ident)).map(({ ident, native }) => [ident, native]));
    }
    return this.names;
  }
}

/** Thread ident -> name; empty when `threading` is not imported. */
export function readThreadNames(reader: ObjectReader, interpreter: bigint): ThreadNames {
  const names: ThreadNames = new Map();
  const { offsets } = reader;
  const modules = reader.checkedPointer(reader.pointer(interpreter + BigInt(offsets.interpreter_state.imports_modules)), 'sys.modules');
  if (modules === 0n) return names;
  const threading = reader.dictGet(modules, 'threading');
  if (threading === undefined) return names;
  // PyModuleObject: md_dict is the first field after the object header.
  const moduleDict = reader.objectPointer(threading + BigInt(offsets.pyobject.size), 'threading.__dict__');
  const active = reader.dictGet(moduleDict, '_active');
  if (active === undefined) return names;
  const nameSlots: NameSlots = new Map();
  for (const [key, thread] of reader.dictItems(active)) {
    const name = threadName(reader, thread, nameSlots);
    if (name !== undefined) names.set(reader.int(key), reader.string(name));
  }
  return names;
}

/** Per class: the inline-values slot of `_name`, the same for all its instances. */
type NameSlots = Map<bigint, number | undefined>;

/** `thread._name`: from its materialized __dict__, else from its inline values. */
function threadName(reader: ObjectReader, thread: bigint, nameSlots: NameSlots): bigint | undefined {
  const { pyobject } = reader.offsets;
  // One read: managed dict pointer, object header, inline values, up to the slots seen so far.
  const valuesAt = MANAGED_DICT_OFFSET + pyobject.size + DICT_VALUES.values;
  const slotsGuess = Math.max(-1, ...[...nameSlots.values()].map((slot) => slot ?? -1)) + 1;
  const raw = reader.readAhead(thread - BigInt(MANAGED_DICT_OFFSET), valuesAt, valuesAt + 8 * slotsGuess);
  const dict = reader.checkedPointer(raw.readBigUInt64LE(0), 'managed dict');
  if (dict !== 0n) return reader.dictGet(dict, '_name');
  const values = thread + BigInt(pyobject.size);
  if (raw[MANAGED_DICT_OFFSET + pyobject.size + DICT_VALUES.valid] === 0) return undefined;
  const type = reader.checkedPointer(raw.readBigUInt64LE(MANAGED_DICT_OFFSET + pyobject.ob_type), 'ob_type');
  if (!nameSlots.has(type)) {
    const keys = reader.objectPointer(type + BigInt(reader.offsets.type_object.size + CACHED_KEYS_AFTER_TYPE), 'cached keys');
    nameSlots.set(type, reader.keyIndex(keys, '_name'));
  }
  const slot = nameSlots.get(type);
  if (slot === undefined) return undefined;
  const inWindow = valuesAt + 8 * slot + 8 <= raw.length;
  const pointer = inWindow ? raw.readBigUInt64LE(valuesAt + 8 * slot) : reader.pointer(values + BigInt(DICT_VALUES.values + 8 * slot));
  const value = reader.checkedPointer(pointer, 'thread._name');
  return value === 0n ? undefined : value;
}

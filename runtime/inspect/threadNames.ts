// `threading` names of the threads, read the way Python would find them:
// interp.modules['threading']._active[ident]._name.
import { ObjectReader } from './objects';

/** Managed dict pointer just before the object header (FT 3.13: MANAGED_DICT_OFFSET = -1 word). */
const MANAGED_DICT_OFFSET = -8n;
/**
 * `PyHeapTypeObject.ht_cached_keys` follows the PyTypeObject and 58 pointers
 * (as_async 4, as_number 36, as_mapping 3, as_sequence 10, as_buffer 2,
 * ht_name, ht_slots, ht_qualname): 3.13 `Include/cpython/object.h`.
 */
const CACHED_KEYS_AFTER_TYPE = 58 * 8;

export type ThreadNames = Map<bigint, string>;

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
  for (const [key, thread] of reader.dictItems(active)) {
    const name = instanceAttribute(reader, thread, '_name');
    if (name !== undefined) names.set(reader.int(key), reader.string(name));
  }
  return names;
}

/** An attribute of a plain class instance: its materialized __dict__, else its inline values. */
function instanceAttribute(reader: ObjectReader, object: bigint, name: string): bigint | undefined {
  const dict = reader.checkedPointer(reader.pointer(object + MANAGED_DICT_OFFSET), 'managed dict');
  if (dict !== 0n) return reader.dictGet(dict, name);
  const values = object + BigInt(reader.offsets.pyobject.size);
  if (!reader.inlineValuesValid(values)) return undefined;
  const type = reader.typeOf(object);
  const keys = reader.objectPointer(type + BigInt(reader.offsets.type_object.size + CACHED_KEYS_AFTER_TYPE), 'cached keys');
  return reader.lookup(reader.keysItems(keys, reader.inlineValuesArray(values)), name);
}

// Reading Python objects (str, bytes, int, dict) out of the target's memory,
// with the offsets of _Py_DebugOffsets and a few 3.13 struct facts it lacks.
import { DebugOffsets } from './debugOffsets';
import { isInspectError, tornRead } from './errors';
import { Memory } from './memory';

/** Bounds on what one object may claim to hold; beyond them the read is torn. */
export const LIMITS = { stringLength: 1 << 16, bytesLength: 1 << 20, longDigits: 8, dictEntries: 1 << 16 };

/**
 * `PyDictKeysObject` (3.13 `Include/internal/pycore_dict.h`), not covered by
 * _Py_DebugOffsets: refcnt(8) log2_size(1) log2_index_bytes(1) kind(1)
 * [mutex(1)] version(4) usable(8) nentries(8) indices[].
 */
const DICT_KEYS = { log2IndexBytes: 9, kind: 10, nentries: 24, indices: 32, generalEntrySize: 24, unicodeEntrySize: 16 };
const DICT_KEYS_GENERAL = 0;
/** `PyDictValues`: capacity, size, embedded, valid (uint8 each), then the values array. */
export const DICT_VALUES = { valid: 3, values: 8 };

/** The longest tp_name read (CPython's own are short: module-qualified class names). */
const MAX_TYPE_NAME = 256;

export function isPointerLike(address: bigint): boolean {
  return address > 0x1000n && address < 1n << 48n && (address & 7n) === 0n;
}

export class ObjectReader {
  constructor(
    readonly memory: Memory,
    readonly offsets: DebugOffsets,
  ) {}

  pointer(address: bigint): bigint {
    return this.memory.read(address, 8).readBigUInt64LE(0);
  }

  /** A pointer that must be NULL or plausible; anything else is a torn read. */
  checkedPointer(value: bigint, what: string): bigint {
    if (value !== 0n && !isPointerLike(value)) throw tornRead(what);
    return value;
  }

  objectPointer(address: bigint, what: string): bigint {
    const value = this.checkedPointer(this.pointer(address), what);
    if (value === 0n) throw tornRead(`${what} (NULL)`);
    return value;
  }

  /**
   * Reads `hoped` bytes in one go when they are all mapped (saving a second read
   * for what usually follows a header), else just the `needed` ones.
   */
  readAhead(address: bigint, needed: number, hoped: number): Buffer {
    try {
      return this.memory.read(address, hoped);
    } catch (error) {
      if (!isInspectError(error, 'torn-read')) throw error;
      return this.memory.read(address, needed);
    }
  }

  /**
   * The name of the type object at `type` (its tp_name: a UTF-8 C string of at most
   * MAX_TYPE_NAME bytes, at any alignment); undefined when it cannot be read whole.
   */
  typeName(type: bigint): string | undefined {
    try {
      const name = this.pointer(type + BigInt(this.offsets.type_object.tp_name));
      if (name === 0n) return undefined;
      const bytes = this.readAhead(name, 1, MAX_TYPE_NAME);
      const end = bytes.indexOf(0);
      return end > 0 ? bytes.toString('utf8', 0, end) : undefined;
    } catch (error) {
      if (isInspectError(error, 'torn-read')) return undefined;
      throw error;
    }
  }

  typeOf(object: bigint): bigint {
    return this.objectPointer(object + BigInt(this.offsets.pyobject.ob_type), 'ob_type');
  }

  string(object: bigint): string {
    const layout = this.offsets.unicode_object;
    const header = this.readAhead(object, layout.asciiobject_size, layout.asciiobject_size + 64);
    const state = header.readUInt32LE(layout.state);
    const length = Number(header.readBigInt64LE(layout.length));
    if (length < 0 || length > LIMITS.stringLength) throw tornRead('a str length');
    // 3.13 state bitfield: interned:2, kind:3, compact:1, ascii:1, statically_allocated:1.
    const kind = (state >> 2) & 7;
    const compact = (state >> 5) & 1;
    const ascii = (state >> 6) & 1;
    if (kind !== 1 && kind !== 2 && kind !== 4) throw tornRead('a str kind');
    // PyCompactUnicodeObject adds utf8_length and utf8 to PyASCIIObject.
    const compactSize = BigInt(layout.asciiobject_size + 16);
    const data = compact ? object + (ascii ? BigInt(layout.asciiobject_size) : compactSize) : this.objectPointer(object + compactSize, 'str data');
    const inline = Number(data - object);
    const bytes = inline + length * kind <= header.length ? header.subarray(inline, inline + length * kind) : this.memory.read(data, length * kind);
    if (kind === 1) return bytes.toString('latin1');
    if (kind === 2) return bytes.toString('utf16le');
    let text = '';
    for (let at = 0; at < bytes.length; at += 4) text += String.fromCodePoint(Math.min(bytes.readUInt32LE(at), 0x10ffff));
    return text;
  }

  bytes(object: bigint): Buffer {
    const layout = this.offsets.bytes_object;
    const size = Number(this.memory.read(object + BigInt(layout.ob_size), 8).readBigInt64LE(0));
    if (size < 0 || size > LIMITS.bytesLength) throw tornRead('a bytes length');
    return this.memory.read(object + BigInt(layout.ob_sval), size);
  }

  /** A Python int (30-bit digits; lv_tag = ndigits << 3 | sign). */
  int(object: bigint): bigint {
    const layout = this.offsets.long_object;
    const digitsAt = layout.ob_digit - layout.lv_tag;
    const head = this.readAhead(object + BigInt(layout.lv_tag), 8, digitsAt + 4 * LIMITS.longDigits);
    const tag = head.readBigUInt64LE(0);
    const digits = Number(tag >> 3n);
    if (digits > LIMITS.longDigits) throw tornRead('an int size');
    const raw = digitsAt + 4 * digits <= head.length ? head.subarray(digitsAt) : this.memory.read(object + BigInt(layout.ob_digit), 4 * digits);
    let value = 0n;
    for (let i = digits - 1; i >= 0; i--) value = (value << 30n) | BigInt(raw.readUInt32LE(4 * i) & 0x3fffffff);
    return (tag & 3n) === 2n ? -value : value;
  }

  /** The (key, value) pointer pairs of a dict, in insertion order. */
  dictItems(dict: bigint): [bigint, bigint][] {
    const layout = this.offsets.dict_object;
    const raw = this.memory.read(dict, layout.size);
    const keys = this.checkedPointer(raw.readBigUInt64LE(layout.ma_keys), 'dict keys');
    const values = this.checkedPointer(raw.readBigUInt64LE(layout.ma_values), 'dict values');
    if (keys === 0n) throw tornRead('dict keys (NULL)');
    const { keyPointers, valuePointers } = this.keyEntries(keys, values === 0n ? undefined : values + BigInt(DICT_VALUES.values));
    const items: [bigint, bigint][] = [];
    keyPointers.forEach((key, i) => {
      if (key !== 0n && valuePointers[i] !== 0n) items.push([key, valuePointers[i]]);
    });
    return items;
  }

  /**
   * The entries of a keys object: key and value pointers by entry index (0 where
   * deleted or unset). Split tables keep their values apart, in `valuesArray`.
   */
  keyEntries(keys: bigint, valuesArray?: bigint): { keyPointers: bigint[]; valuePointers: bigint[] } {
    const header = this.memory.read(keys, DICT_KEYS.indices);
    const indexBytes = 1 << header[DICT_KEYS.log2IndexBytes];
    const general = header[DICT_KEYS.kind] === DICT_KEYS_GENERAL;
    const count = Number(header.readBigInt64LE(DICT_KEYS.nentries));
    if (count < 0 || count > LIMITS.dictEntries || indexBytes > LIMITS.dictEntries * 8) throw tornRead('a dict size');
    const entrySize = general ? DICT_KEYS.generalEntrySize : DICT_KEYS.unicodeEntrySize;
    const entries = this.memory.read(keys + BigInt(DICT_KEYS.indices + indexBytes), count * entrySize);
    const values = valuesArray === undefined ? undefined : this.memory.read(valuesArray, count * 8);
    const keyPointers: bigint[] = [];
    const valuePointers: bigint[] = [];
    for (let i = 0; i < count; i++) {
      const entry = i * entrySize + (general ? 8 : 0);
      keyPointers.push(entries.readBigUInt64LE(entry));
      valuePointers.push(values ? values.readBigUInt64LE(8 * i) : entries.readBigUInt64LE(entry + 8));
    }
    return { keyPointers, valuePointers };
  }

  /** Looks a str key up in a dict by reading the keys (dicts read here are small). */
  dictGet(dict: bigint, name: string): bigint | undefined {
    return this.dictItems(dict).find(([key]) => this.isStrNamed(key, name))?.[1];
  }

  /** The entry index of a str key in a keys object (e.g. a class's shared instance keys). */
  keyIndex(keys: bigint, name: string): number | undefined {
    const index = this.keyEntries(keys).keyPointers.findIndex((key) => key !== 0n && this.isStrNamed(key, name));
    return index < 0 ? undefined : index;
  }

  private isStrNamed(key: bigint, name: string): boolean {
    try {
      return this.string(key) === name;
    } catch (error) {
      if (isInspectError(error)) return false; // not a str (e.g. an int key): not the one we look for
      throw error;
    }
  }
}

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
const DICT_VALUES = { valid: 3, values: 8 };

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

  typeOf(object: bigint): bigint {
    return this.objectPointer(object + BigInt(this.offsets.pyobject.ob_type), 'ob_type');
  }

  string(object: bigint): string {
    const layout = this.offsets.unicode_object;
    const header = this.memory.read(object, layout.asciiobject_size);
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
    const data = compact
      ? object + (ascii ? BigInt(layout.asciiobject_size) : compactSize)
      : this.objectPointer(object + compactSize, 'str data');
    const bytes = this.memory.read(data, length * kind);
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
    const tag = this.pointer(object + BigInt(layout.lv_tag));
    const digits = Number(tag >> 3n);
    if (digits > LIMITS.longDigits) throw tornRead('an int size');
    const raw = this.memory.read(object + BigInt(layout.ob_digit), 4 * digits);
    let value = 0n;
    for (let i = digits - 1; i >= 0; i--) value = (value << 30n) | BigInt(raw.readUInt32LE(4 * i) & 0x3fffffff);
    return (tag & 3n) === 2n ? -value : value;
  }

  /** The (key, value) pointer pairs of a dict, in insertion order. */
  dictItems(dict: bigint): [bigint, bigint][] {
    const layout = this.offsets.dict_object;
    const keys = this.objectPointer(dict + BigInt(layout.ma_keys), 'dict keys');
    const values = this.checkedPointer(this.pointer(dict + BigInt(layout.ma_values)), 'dict values');
    return this.keysItems(keys, values === 0n ? undefined : values + BigInt(DICT_VALUES.values));
  }

  /** Items of a keys object; `valuesArray` for split tables (values kept apart from keys). */
  keysItems(keys: bigint, valuesArray?: bigint): [bigint, bigint][] {
    const header = this.memory.read(keys, DICT_KEYS.indices);
    const indexBytes = 1 << header[DICT_KEYS.log2IndexBytes];
    const general = header[DICT_KEYS.kind] === DICT_KEYS_GENERAL;
    const count = Number(header.readBigInt64LE(DICT_KEYS.nentries));
    if (count < 0 || count > LIMITS.dictEntries || indexBytes > LIMITS.dictEntries * 8) throw tornRead('a dict size');
    const entrySize = general ? DICT_KEYS.generalEntrySize : DICT_KEYS.unicodeEntrySize;
    const entries = this.memory.read(keys + BigInt(DICT_KEYS.indices + indexBytes), count * entrySize);
    const values = valuesArray === undefined ? undefined : this.memory.read(valuesArray, count * 8);
    const items: [bigint, bigint][] = [];
    for (let i = 0; i < count; i++) {
      const entry = i * entrySize + (general ? 8 : 0);
      const key = entries.readBigUInt64LE(entry);
      const value = values ? values.readBigUInt64LE(8 * i) : entries.readBigUInt64LE(entry + 8);
      if (key !== 0n && value !== 0n) items.push([key, value]);
    }
    return items;
  }

  /** Looks a str key up in a dict by reading every key (dicts read here are small). */
  dictGet(dict: bigint, name: string): bigint | undefined {
    return this.lookup(this.dictItems(dict), name);
  }

  lookup(items: [bigint, bigint][], name: string): bigint | undefined {
    for (const [key, value] of items) {
      if (this.isStrNamed(key, name)) return value;
    }
    return undefined;
  }

  private isStrNamed(key: bigint, name: string): boolean {
    try {
      return this.string(key) === name;
    } catch (error) {
      if (isInspectError(error)) return false; // not a str (e.g. an int key): not the one we look for
      throw error;
    }
  }

  /** Whether the inline values of an instance are still the live ones (not moved to a dict). */
  inlineValuesValid(values: bigint): boolean {
    return this.memory.read(values + BigInt(DICT_VALUES.valid), 1)[0] !== 0;
  }

  inlineValuesArray(values: bigint): bigint {
    return values + BigInt(DICT_VALUES.values);
  }
}

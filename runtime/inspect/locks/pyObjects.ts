// Recognising Python objects at an arbitrary address: an address is an object when its
// ob_type chain reaches a metatype (type's type is type) in a few steps, each with a
// readable tp_name. Used to tell what a parked waiter's address belongs to.
import { isInspectError } from '../errors';
import { DICT_VALUES, isPointerLike, ObjectReader } from '../objects';
import { CACHED_KEYS_AFTER_TYPE, MANAGED_DICT_OFFSET } from '../threadNames';

const MAX_METATYPE_DEPTH = 4;

export class PyObjects {
  private readonly names = new Map<bigint, string | undefined>();

  constructor(readonly reader: ObjectReader) {}

  /** The type name (tp_name) of the object at `object`, or undefined when it is no object. */
  typeName(object: bigint): string | undefined {
    if (!isPointerLike(object)) return undefined;
    const type = this.pointerAt(object + BigInt(this.reader.offsets.pyobject.ob_type));
    return type === undefined ? undefined : this.typeNameOf(type);
  }

  /** tp_name of a type object, when it is one (its own type chain ends in a metatype). */
  private typeNameOf(type: bigint): string | undefined {
    if (this.names.has(type)) return this.names.get(type);
    let name: string | undefined;
    let current = type;
    for (let depth = 0; depth < MAX_METATYPE_DEPTH; depth++) {
      const metatype = this.pointerAt(current + BigInt(this.reader.offsets.pyobject.ob_type));
      if (metatype === undefined) break;
      if (metatype === current) {
        name = this.reader.typeName(type);
        break;
      }
      current = metatype;
    }
    this.names.set(type, name);
    return name;
  }

  /**
   * An instance attribute of a Python-class object (`obj.name`): from its materialized
   * __dict__, else from its inline values (slot found in its class's shared keys).
   */
  attribute(object: bigint, name: string): bigint | undefined {
    const { pyobject, type_object: typeLayout } = this.reader.offsets;
    try {
      const dict = this.pointerAt(object - BigInt(MANAGED_DICT_OFFSET));
      if (dict !== undefined) return this.reader.dictGet(dict, name);
      const values = object + BigInt(pyobject.size);
      if (this.reader.memory.read(values + BigInt(DICT_VALUES.valid), 1)[0] === 0) return undefined;
      const keys = this.pointerAt(this.reader.typeOf(object) + BigInt(typeLayout.size + CACHED_KEYS_AFTER_TYPE));
      const slot = keys === undefined ? undefined : this.reader.keyIndex(keys, name);
      return slot === undefined ? undefined : this.pointerAt(values + BigInt(DICT_VALUES.values + 8 * slot));
    } catch (error) {
      if (isInspectError(error, 'torn-read')) return undefined;
      throw error;
    }
  }

  /** A Python int attribute's value (undefined when absent or not an int). */
  intAttribute(object: bigint, name: string): number | undefined {
    const value = this.attribute(object, name);
    if (value === undefined || this.typeName(value) !== 'int') return undefined;
    return Number(this.reader.int(value));
  }

  /** A plausible pointer read at `address`, or undefined (unmapped, or not a pointer). */
  pointerAt(address: bigint): bigint | undefined {
    try {
      const value = this.reader.pointer(address);
      return isPointerLike(value) ? value : undefined;
    } catch (error) {
      if (isInspectError(error, 'torn-read')) return undefined;
      throw error;
    }
  }
}

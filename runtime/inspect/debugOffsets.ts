// _Py_DebugOffsets: the table of struct offsets CPython keeps at the start of
// _PyRuntime. Its layout is fixed within one minor version only, so the field
// list is chosen by version; every field is a uint64 in declaration order.
import { InspectError } from './errors';
import type { Memory } from './memory';

const COOKIE = 'xdebugpy';
/** cookie[8], version, free_threaded. */
const HEADER_SIZE = 24;

/** CPython 3.13 (`Include/internal/pycore_runtime.h`). */
const LAYOUT_3_13 = {
  runtime_state: ['size', 'finalizing', 'interpreters_head'],
  interpreter_state: [
    'size',
    'id',
    'next',
    'threads_head',
    'gc',
    'imports_modules',
    'sysdict',
    'builtins',
    'ceval_gil',
    'gil_runtime_state',
    'gil_runtime_state_enabled',
    'gil_runtime_state_locked',
    'gil_runtime_state_holder',
  ],
  thread_state: ['size', 'prev', 'next', 'interp', 'current_frame', 'thread_id', 'native_thread_id', 'datastack_chunk', 'status'],
  interpreter_frame: ['size', 'previous', 'executable', 'instr_ptr', 'localsplus', 'owner'],
  code_object: ['size', 'filename', 'name', 'qualname', 'linetable', 'firstlineno', 'argcount', 'localsplusnames', 'localspluskinds', 'co_code_adaptive'],
  pyobject: ['size', 'ob_type'],
  type_object: ['size', 'tp_name', 'tp_repr', 'tp_flags'],
  tuple_object: ['size', 'ob_item', 'ob_size'],
  list_object: ['size', 'ob_item', 'ob_size'],
  dict_object: ['size', 'ma_keys', 'ma_values'],
  float_object: ['size', 'ob_fval'],
  long_object: ['size', 'lv_tag', 'ob_digit'],
  bytes_object: ['size', 'ob_size', 'ob_sval'],
  unicode_object: ['size', 'state', 'length', 'asciiobject_size'],
  gc: ['size', 'collecting'],
} as const;

type Layout = Record<string, readonly string[]>;
type Groups<L extends Layout> = { [G in keyof L]: Record<L[G][number], number> };

/** The fields every supported version has (3.13's set; later versions add fields). */
export type DebugOffsets = Groups<typeof LAYOUT_3_13> & {
  version: PythonVersion;
  freeThreaded: boolean;
};

export interface PythonVersion {
  major: number;
  minor: number;
  micro: number;
  /** 0xA alpha, 0xB beta, 0xC release candidate, 0xF final. */
  level: number;
  serial: number;
  hex: number;
}

/** Layouts by "major.minor". To support 3.14, add its field list here. */
const LAYOUTS: Record<string, Layout> = { '3.13': LAYOUT_3_13 };

export const SUPPORTED = 'free-threaded CPython 3.13 (python3.13t)';

export function formatVersion(version: PythonVersion): string {
  const base = `${version.major}.${version.minor}.${version.micro}`;
  const level = { 0xa: 'a', 0xb: 'b', 0xc: 'rc' }[version.level];
  return level ? `${base}${level}${version.serial}` : base;
}

export function decodeVersion(hex: number): PythonVersion {
  return {
    major: (hex >>> 24) & 0xff,
    minor: (hex >>> 16) & 0xff,
    micro: (hex >>> 8) & 0xff,
    level: (hex >>> 4) & 0xf,
    serial: hex & 0xf,
    hex,
  };
}

/** Bytes to read at _PyRuntime to be sure to cover the table of any supported version. */
export function debugOffsetsReadSize(): number {
  return HEADER_SIZE + 8 * Math.max(...Object.values(LAYOUTS).map((layout) => Object.values(layout).flat().length));
}

/**
 * Validates cookie, version and build, then decodes the table. Throws
 * 'not-python' (no cookie), 'unsupported-version' or 'unsupported-build'.
 */
export function parseDebugOffsets(bytes: Buffer): DebugOffsets {
  if (bytes.length < HEADER_SIZE || bytes.toString('latin1', 0, 8) !== COOKIE) {
    throw new InspectError('not-python', `no _Py_DebugOffsets cookie: not a CPython 3.13+ runtime; this reader supports ${SUPPORTED}`);
  }
  const version = decodeVersion(Number(bytes.readBigUInt64LE(8) & 0xffffffffn));
  const freeThreaded = bytes.readBigUInt64LE(16) === 1n;
  const layout = LAYOUTS[`${version.major}.${version.minor}`];
  if (!layout) {
    throw new InspectError('unsupported-version', `CPython ${formatVersion(version)} is not supported: this reader supports ${SUPPORTED}`);
  }
  if (!freeThreaded) {
    throw new InspectError(
      'unsupported-build',
      `CPython ${formatVersion(version)} with the GIL (a default build) is not supported: this reader supports ${SUPPORTED}`,
    );
  }
  const fields = Object.values(layout).flat().length;
  if (bytes.length < HEADER_SIZE + 8 * fields) {
    throw new InspectError('bad-debug-offsets', '_Py_DebugOffsets table is truncated');
  }
  let at = HEADER_SIZE;
  const groups: Record<string, Record<string, number>> = {};
  for (const [group, names] of Object.entries(layout)) {
    groups[group] = {};
    for (const name of names) {
      groups[group][name] = checkedOffset(bytes.readBigUInt64LE(at), `${group}.${name}`);
      at += 8;
    }
  }
  checkConsistency(groups);
  return { ...(groups as unknown as Groups<typeof LAYOUT_3_13>), version, freeThreaded };
}

/** Offsets and sizes are small; anything else means this is not the table we think. */
function checkedOffset(value: bigint, field: string): number {
  if (value > 1n << 20n) throw new InspectError('bad-debug-offsets', `_Py_DebugOffsets.${field} is implausible (${value})`);
  return Number(value);
}

function checkConsistency(groups: Record<string, Record<string, number>>): void {
  for (const [group, fields] of Object.entries(groups)) {
    // interpreter_state.gil_runtime_state_enabled is relative to `_gil`, not to the interpreter.
    if (group === 'interpreter_state') continue;
    for (const [field, value] of Object.entries(fields)) {
      if (field !== 'size' && value >= fields.size) {
        throw new InspectError('bad-debug-offsets', `_Py_DebugOffsets.${group}.${field} lies outside its struct`);
      }
    }
  }
  if (groups.pyobject.size !== 32) {
    throw new InspectError('bad-debug-offsets', `sizeof(PyObject) is ${groups.pyobject.size}, expected 32 in a free-threaded build`);
  }
}

/** Reads and validates the _Py_DebugOffsets at `runtime` (the address of _PyRuntime). */
export function readDebugOffsets(memory: Memory, runtime: bigint): DebugOffsets {
  return parseDebugOffsets(memory.read(runtime, debugOffsetsReadSize()));
}

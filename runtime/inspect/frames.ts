// A thread's Python stack: the chain of _PyInterpreterFrame from
// tstate.current_frame through `previous`, innermost first.
import { tornRead } from './errors';
import { LineTableError, positionAt } from './linetable';
import { ObjectReader } from './objects';

export interface FrameSnapshot {
  /** co_qualname */
  function: string;
  file: string;
  /** null when the instruction has no line (or the table cannot be decoded). */
  line: number | null;
  /** Byte offset of the current instruction in co_code (as in `dis` and `frame.f_lasti`). */
  offset: number;
}

export interface StackSnapshot {
  frames: FrameSnapshot[];
  /** Where each frame is in memory, index for index. */
  locations: FrameLocation[];
  /** Why the stack is incomplete, when it is: the frames read so far are kept. */
  torn?: string;
}

export interface FrameLocation {
  /** The _PyInterpreterFrame. */
  frame: bigint;
  /** Its code object. */
  code: bigint;
  /** The current instruction, in code units. */
  unit: number;
}

/** 3.13 `enum _frameowner`: the C-stack shim frame pushed by each eval-loop entry. */
const FRAME_OWNED_BY_CSTACK = 3;
export const MAX_FRAMES = 4096;

interface CodeInfo {
  qualname: string;
  file: string;
  firstLine: number;
  lineTable: Uint8Array;
  /** Bytecode length in code units (PyCodeObject's ob_size). */
  units: number;
  /** Lines already decoded, by code unit. */
  lines: Map<number, number | null>;
}

/** Code objects read during one snapshot, by address. */
export type CodeCache = Map<bigint, CodeInfo>;

function readCode(reader: ObjectReader, code: bigint, cache: CodeCache): CodeInfo {
  const cached = cache.get(code);
  if (cached) return cached;
  const layout = reader.offsets.code_object;
  const raw = reader.memory.read(code, layout.size);
  const field = (offset: number, what: string) => reader.checkedPointer(raw.readBigUInt64LE(offset), what);
  // PyCodeObject is a PyVarObject: ob_size (code units) follows the object header.
  const units = Number(raw.readBigInt64LE(reader.offsets.pyobject.size));
  if (units <= 0 || units > 1 << 24) throw tornRead('a code object size');
  const info: CodeInfo = {
    qualname: reader.string(field(layout.qualname, 'co_qualname')),
    file: reader.string(field(layout.filename, 'co_filename')),
    firstLine: raw.readInt32LE(layout.firstlineno),
    lineTable: reader.bytes(field(layout.linetable, 'co_linetable')),
    units,
    lines: new Map(),
  };
  cache.set(code, info);
  return info;
}

/** The single place that turns a code unit into a line (co_linetable, still valid under instrumentation). */
function lineOf(code: CodeInfo, unit: number): number | null {
  let line = code.lines.get(unit);
  if (line === undefined) {
    try {
      line = positionAt(code.lineTable, code.firstLine, unit).line;
    } catch (error) {
      if (!(error instanceof LineTableError)) throw error;
      line = null; // a corrupt table: the frame is still worth showing
    }
    code.lines.set(unit, line);
  }
  return line;
}

/** The line of code unit `unit` of the code object at `code`. */
export function lineAt(reader: ObjectReader, code: bigint, unit: number, cache: CodeCache): number | null {
  return lineOf(readCode(reader, code, cache), unit);
}

export function readStack(reader: ObjectReader, firstFrame: bigint, cache: CodeCache): StackSnapshot {
  const layout = reader.offsets.interpreter_frame;
  const frames: FrameSnapshot[] = [];
  const locations: FrameLocation[] = [];
  const seen = new Set<bigint>();
  let address = firstFrame;
  while (address !== 0n) {
    if (seen.has(address)) return { frames, locations, torn: 'frame chain loops' };
    if (seen.size >= MAX_FRAMES) return { frames, locations, torn: `more than ${MAX_FRAMES} frames` };
    seen.add(address);
    const raw = reader.memory.read(reader.checkedPointer(address, 'frame'), layout.size);
    const next = reader.checkedPointer(raw.readBigUInt64LE(layout.previous), 'frame.previous');
    if (raw[layout.owner] !== FRAME_OWNED_BY_CSTACK) {
      const code = reader.checkedPointer(raw.readBigUInt64LE(layout.executable), 'f_executable');
      const info = readCode(reader, code, cache);
      const instruction = raw.readBigUInt64LE(layout.instr_ptr);
      const unit = Number(instruction - code - BigInt(reader.offsets.code_object.co_code_adaptive)) / 2;
      if (!Number.isInteger(unit) || unit < 0 || unit >= info.units) throw tornRead('an instruction pointer');
      frames.push({ function: info.qualname, file: info.file, line: lineOf(info, unit), offset: unit * 2 });
      locations.push({ frame: address, code, unit });
    }
    address = next;
  }
  return { frames, locations };
}

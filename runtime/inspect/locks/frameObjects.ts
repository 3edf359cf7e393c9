// The Python objects a thread's frames can see: per frame, its function, its fast locals
// (cells dereferenced), its globals, and the `with` blocks it is inside. Lock objects are found
// among them (3.13's RLock waiters are not in the parking lot, so their RLock has to be found by
// what it points to), and the primitive a thread waits in (Condition.wait's `self`, …) is its
// frame's first local.
//
// A `with x:` block keeps the bound `x.__exit__` on its frame's value stack until it ends. Which
// slots are live is read from the code object's exception table: every instruction inside a
// `with` body is covered by an entry whose depth counts the items kept for the block, that
// __exit__ included. Slots above are stale (an ended block's __exit__ may linger there).
import type { ProbeOffsets } from '../../probe/offsets';
import { isInspectError, tornRead } from '../errors';
import { ExceptionTableEntry, handlerAt, parseExceptionTable } from '../exceptionTable';
import type { Memory } from '../memory';
import { ObjectReader } from '../objects';
import type { PyObjects } from './pyObjects';

/** 3.13 `enum _frameowner`: the C-stack shim frame pushed by each eval-loop entry. */
const FRAME_OWNED_BY_CSTACK = 3;
/** Frames looked at per thread, innermost first: locks are in the few near the top. */
const MAX_FRAMES = 64;
/** Locals read per frame. */
const MAX_LOCALS = 256;
/** Live value-stack slots read per frame, from the bottom: blocks nested deeper are left out. */
const MAX_STACK_SLOTS = 32;
/** The C string a lock's `__exit__` method def is named by. */
const EXIT_NAME = Buffer.from('__exit__\0', 'latin1');

/** A `with` block a frame is inside. */
export interface WithBlock {
  /** `x` of `with x:`. */
  manager: bigint;
  /** Its __exit__: a C method (a lock's; also a C file's…) or threading.Condition's. */
  exit: 'c-method' | 'threading.Condition';
}

export interface FrameView {
  /** co_qualname */
  function: string;
  /** co_filename */
  file: string;
  /** Fast locals (arguments first: a method's `self` is locals[0]); cells replaced by their content. */
  locals: bigint[];
  /** Their names, index for index. */
  localNames: string[];
  /** The frame's globals dict. */
  globals: bigint;
  /** The `with` blocks live at the frame's current instruction, outermost first. */
  withBlocks: WithBlock[];
}

interface CodeView {
  function: string;
  file: string;
  localNames: string[];
  /** co_nlocalsplus: the value stack starts after that many localsplus slots. */
  stackBase: number;
  /** co_stacksize: no live depth exceeds it. */
  stackSize: number;
  /** Bytecode length in code units. */
  units: number;
  /** co_exceptiontable, read the first time a frame of this code needs it. */
  handlers?: ExceptionTableEntry[];
  exceptionTable: bigint;
}

/** Whether a frame (or code) is threading.py's `qualname`. */
export function isThreadingFunction(code: { function: string; file: string }, qualname: string): boolean {
  return code.function === qualname && code.file.slice(code.file.lastIndexOf('/') + 1) === 'threading.py';
}

export class FrameObjects {
  private readonly codes = new Map<bigint, CodeView>();

  constructor(
    private readonly objects: PyObjects,
    private readonly probe: ProbeOffsets,
  ) {}

  private get reader(): ObjectReader {
    return this.objects.reader;
  }

  /** The frames from `currentFrame` outwards; a frame that reads torn ends the list. */
  frames(currentFrame: bigint): FrameView[] {
    const layout = this.reader.offsets.interpreter_frame;
    const views: FrameView[] = [];
    const seen = new Set<bigint>();
    try {
      for (let address = currentFrame; address !== 0n && !seen.has(address) && views.length < MAX_FRAMES;) {
        seen.add(address);
        const raw = this.reader.memory.read(this.reader.checkedPointer(address, 'frame'), layout.size);
        if (raw[layout.owner] !== FRAME_OWNED_BY_CSTACK) {
          const codeAddress = this.reader.checkedPointer(raw.readBigUInt64LE(layout.executable), 'f_executable');
          const code = this.code(codeAddress);
          const localsplus = address + BigInt(layout.localsplus);
          views.push({
            function: code.function,
            file: code.file,
            locals: this.locals(localsplus, code.localNames.length),
            localNames: code.localNames,
            globals: raw.readBigUInt64LE(this.probe.interpreter_frame.globals),
            withBlocks: this.withBlocks(code, codeAddress, raw.readBigUInt64LE(layout.instr_ptr), address),
          });
        }
        address = this.reader.checkedPointer(raw.readBigUInt64LE(layout.previous), 'frame.previous');
      }
    } catch (error) {
      if (!isInspectError(error, 'torn-read')) throw error;
    }
    return views;
  }

  /**
   * The `with` block whose body the instruction `unit` of the frame at `frame` (running the code
   * at `code`) is in, when the innermost block there is one, with the code unit of its handler
   * (its line is the `with` statement's). A frame that reads torn has none. `stack`: where the
   * frame's value stack is read, e.g. the same read of its data-stack chunk that gave `code` and
   * `unit` (a thread that moved on since would otherwise show another frame's slot).
   */
  innermostWithBlock(frame: bigint, code: bigint, unit: number, stack: Memory = this.reader.memory): { block: WithBlock; handler: number } | undefined {
    try {
      const view = this.code(code);
      const entry = this.liveEntry(view, unit);
      if (!entry) return undefined;
      // A `with` body's entry keeps the block's __exit__ on top of the items it keeps.
      const block = this.withBlock(stack.read(this.stackSlot(frame, view, entry.depth - 1), 8).readBigUInt64LE(0));
      return block && { block, handler: entry.target };
    } catch (error) {
      if (!isInspectError(error, 'torn-read')) throw error;
      return undefined;
    }
  }

  /** The name of a fast local of the frame at `frame` (running the code at `code`) that is `value`, if one is. */
  localNamed(frame: bigint, code: bigint, value: bigint): string | undefined {
    try {
      const view = this.code(code);
      const index = this.locals(frame + BigInt(this.reader.offsets.interpreter_frame.localsplus), view.localNames.length).indexOf(value);
      return index < 0 ? undefined : view.localNames[index];
    } catch (error) {
      if (!isInspectError(error, 'torn-read')) throw error;
      return undefined;
    }
  }

  private code(address: bigint): CodeView {
    let view = this.codes.get(address);
    if (!view) {
      const { code_object: layout, tuple_object: tuple, pyobject } = this.reader.offsets;
      const raw = this.reader.memory.read(address, layout.size);
      const names = this.reader.objectPointer(address + BigInt(layout.localsplusnames), 'co_localsplusnames');
      const count = Number(this.reader.memory.read(names + BigInt(tuple.ob_size), 8).readBigInt64LE(0));
      if (count < 0) throw tornRead('co_localsplusnames');
      const items = this.reader.memory.read(names + BigInt(tuple.ob_item), 8 * Math.min(count, MAX_LOCALS));
      const localNames: string[] = [];
      for (let at = 0; at < items.length; at += 8) localNames.push(this.reader.string(this.reader.checkedPointer(items.readBigUInt64LE(at), 'a local name')));
      view = {
        function: this.reader.string(this.reader.checkedPointer(raw.readBigUInt64LE(layout.qualname), 'co_qualname')),
        file: this.reader.string(this.reader.checkedPointer(raw.readBigUInt64LE(layout.filename), 'co_filename')),
        localNames,
        stackBase: count,
        stackSize: raw.readInt32LE(this.probe.code_object.stacksize),
        // PyCodeObject is a PyVarObject: ob_size (code units) follows the object header.
        units: Number(raw.readBigInt64LE(pyobject.size)),
        exceptionTable: this.reader.checkedPointer(raw.readBigUInt64LE(this.probe.code_object.exceptiontable), 'co_exceptiontable'),
      };
      this.codes.set(address, view);
    }
    return view;
  }

  private locals(localsplus: bigint, count: number): bigint[] {
    if (count === 0) return [];
    const raw = this.reader.memory.read(localsplus, 8 * count);
    const values: bigint[] = [];
    for (let i = 0; i < count; i++) {
      const value = raw.readBigUInt64LE(8 * i);
      // A cell (closure variable) holds the value one step further.
      values.push(this.objects.typeName(value) === 'cell' ? (this.objects.pointerAt(value + BigInt(this.reader.offsets.pyobject.size)) ?? 0n) : value);
    }
    return values;
  }

  /**
   * The `with` blocks live at the frame's instruction: the __exit__ methods among the value-stack
   * slots its exception-table entry keeps. A frame that reads torn here has none (the frame
   * itself, its function and locals, are still good).
   */
  private withBlocks(code: CodeView, codeAddress: bigint, instruction: bigint, frame: bigint): WithBlock[] {
    try {
      // The instruction being executed, in code units, as the line-table reading computes it.
      const unit = Number(instruction - codeAddress - BigInt(this.reader.offsets.code_object.co_code_adaptive)) / 2;
      if (!Number.isInteger(unit) || unit < 0 || unit >= code.units) throw tornRead('an instruction pointer');
      const entry = this.liveEntry(code, unit);
      if (!entry) return [];
      const slots = this.reader.memory.read(this.stackSlot(frame, code, 0), 8 * Math.min(entry.depth, MAX_STACK_SLOTS));
      const blocks: WithBlock[] = [];
      for (let at = 0; at < slots.length; at += 8) {
        const block = this.withBlock(slots.readBigUInt64LE(at));
        if (block) blocks.push(block);
      }
      return blocks;
    } catch (error) {
      if (!isInspectError(error, 'torn-read')) throw error;
      return [];
    }
  }

  /** The exception-table entry covering `unit` when it keeps value-stack items (the slots live there). */
  private liveEntry(code: CodeView, unit: number): ExceptionTableEntry | undefined {
    code.handlers ??= parseExceptionTable(this.reader.bytes(code.exceptionTable));
    const entry = handlerAt(code.handlers, unit);
    if (entry && entry.depth > code.stackSize) throw tornRead('an exception-table depth');
    return entry && entry.depth > 0 ? entry : undefined;
  }

  /** The address of value-stack slot `index` (from the bottom) of the frame at `frame`. */
  private stackSlot(frame: bigint, code: CodeView, index: number): bigint {
    return frame + BigInt(this.reader.offsets.interpreter_frame.localsplus + 8 * (code.stackBase + index));
  }

  /** The block whose bound __exit__ `slot` is, if it is one (a slot may also hold a loop's iterator…). */
  private withBlock(slot: bigint): WithBlock | undefined {
    const { cfunction, method_def: methodDef, method, function: functionLayout } = this.probe.bound_methods;
    const type = this.objects.typeName(slot);
    if (type === 'builtin_function_or_method') {
      const raw = this.reader.memory.read(slot, cfunction.size);
      const definition = this.reader.checkedPointer(raw.readBigUInt64LE(cfunction.m_ml), 'm_ml');
      const manager = this.reader.checkedPointer(raw.readBigUInt64LE(cfunction.m_self), 'm_self');
      if (definition === 0n || manager === 0n) return undefined;
      const name = this.reader.pointer(definition + BigInt(methodDef.ml_name));
      return this.isExitName(name) ? { manager, exit: 'c-method' } : undefined;
    }
    if (type === 'method') {
      const raw = this.reader.memory.read(slot, method.size);
      const exit = this.reader.checkedPointer(raw.readBigUInt64LE(method.im_func), 'im_func');
      const manager = this.reader.checkedPointer(raw.readBigUInt64LE(method.im_self), 'im_self');
      if (manager === 0n || this.objects.typeName(exit) !== 'function') return undefined;
      const code = this.code(this.reader.objectPointer(exit + BigInt(functionLayout.func_code), 'func_code'));
      return isThreadingFunction(code, 'Condition.__exit__') ? { manager, exit: 'threading.Condition' } : undefined;
    }
    return undefined;
  }

  private isExitName(name: bigint): boolean {
    if (name === 0n) return false;
    try {
      return this.reader.memory.read(name, EXIT_NAME.length).equals(EXIT_NAME);
    } catch (error) {
      // A shorter name can end right before unmapped memory.
      if (!isInspectError(error, 'torn-read')) throw error;
      return false;
    }
  }
}

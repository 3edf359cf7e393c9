// The Python objects a thread's frames can see: per frame, its function, its fast locals
// (cells dereferenced) and its globals. Lock objects are found among them (3.13's RLock
// waiters are not in the parking lot, so their RLock has to be found by what it points to),
// and the primitive a thread waits in (Condition.wait's `self`, …) is its frame's first local.
import { isInspectError, tornRead } from '../errors';
import { ObjectReader } from '../objects';
import type { PyObjects } from './pyObjects';

/** 3.13 `enum _frameowner`: the C-stack shim frame pushed by each eval-loop entry. */
const FRAME_OWNED_BY_CSTACK = 3;
/** Frames looked at per thread, innermost first: locks are in the few near the top. */
const MAX_FRAMES = 64;
/** Locals read per frame. */
const MAX_LOCALS = 256;

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
}

interface CodeView {
  function: string;
  file: string;
  localNames: string[];
}

export class FrameObjects {
  private readonly codes = new Map<bigint, CodeView>();

  constructor(
    private readonly objects: PyObjects,
    private readonly globalsOffset: number,
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
      for (let address = currentFrame; address !== 0n && !seen.has(address) && views.length < MAX_FRAMES; ) {
        seen.add(address);
        const raw = this.reader.memory.read(this.reader.checkedPointer(address, 'frame'), layout.size);
        if (raw[layout.owner] !== FRAME_OWNED_BY_CSTACK) {
          const code = this.code(this.reader.checkedPointer(raw.readBigUInt64LE(layout.executable), 'f_executable'));
          views.push({
            function: code.function,
            file: code.file,
            locals: this.locals(address + BigInt(layout.localsplus), code.localNames.length),
            localNames: code.localNames,
            globals: raw.readBigUInt64LE(this.globalsOffset),
          });
        }
        address = this.reader.checkedPointer(raw.readBigUInt64LE(layout.previous), 'frame.previous');
      }
    } catch (error) {
      if (!isInspectError(error, 'torn-read')) throw error;
    }
    return views;
  }

  private code(address: bigint): CodeView {
    let view = this.codes.get(address);
    if (!view) {
      const { code_object: layout, tuple_object: tuple } = this.reader.offsets;
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
}

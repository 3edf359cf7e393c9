// Builds memory images of a free-threaded CPython 3.13 runtime for the reader's
// unit and fuzz tests. Struct offsets are those recorded from a real 3.13.5t
// build (its _Py_DebugOffsets table and the probe's output), not computed here.
import { MemorySegment, RecordedMemory } from '../../runtime/inspect/memory';
import type { ThreadStateProbe } from '../../runtime/inspect/snapshot';

/** _Py_DebugOffsets of CPython 3.13.5 free-threaded, after cookie/version/free_threaded. */
export const TABLE_3_13_5T = [
  328320, 608, 632, 215616, 7272, 7264, 7344, 7400, 7664, 7648, 7656, 16, 7760, 0, 7784, 7776, 304, 0, 8, 16, 72, 152, 160, 232, 32, 80, 8, 0, 56, 72, 70, 224,
  128, 136, 144, 152, 84, 68, 112, 120, 216, 32, 24, 432, 40, 104, 184, 48, 40, 32, 56, 40, 32, 64, 48, 56, 40, 32, 48, 32, 40, 56, 32, 48, 80, 48, 32, 56, 248,
  200,
];
export const VERSION_3_13_5 = 0x030d05f0;

/** What the probe measured on that build, for the fields the snapshot uses. */
export const PROBE_3_13_5T: ThreadStateProbe = {
  python: { version: '3.13.5', hexversion: VERSION_3_13_5, free_threaded: true },
  thread_state: { state: 40, eval_breaker: 24 },
  thread_states: { detached: 0, attached: 1, suspended: 2 },
  eval_breaker_bits: {
    gil_drop_request: 0,
    signals_pending: 1,
    calls_to_do: 2,
    async_exception: 3,
    gc_scheduled: 4,
    please_stop: 5,
    explicit_merge: 6,
  },
  eval_breaker: { events_mask: 255 },
};

// Offsets used below, named (values from the table above).
const O = {
  interpretersHead: 632,
  interpSize: 215616,
  threadsHead: 7344,
  modules: 7664,
  gil: 7760,
  tstateSize: 304,
  tsNext: 8,
  currentFrame: 72,
  threadId: 152,
  nativeId: 160,
  state: 40,
  evalBreaker: 24,
  frameSize: 80,
  previous: 8,
  executable: 0,
  instrPtr: 56,
  owner: 70,
  codeSize: 224,
  filename: 128,
  qualname: 144,
  linetable: 152,
  firstlineno: 84,
  codeAdaptive: 216,
  obType: 24,
  varSize: 32,
  strState: 48,
  strLength: 32,
  asciiSize: 56,
  bytesSval: 48,
  maKeys: 48,
  maValues: 56,
  lvTag: 32,
  digits: 40,
  typeSize: 432,
};

export const RUNTIME = 0x5555_0000_0000n;
const HEAP = 0x7f00_0000_0000n;

export interface FrameSpec {
  function: string;
  file: string;
  firstLine: number;
  lineTable: number[];
  codeUnits: number;
  unit: number;
  /** 3 = the C-stack shim frame (skipped by the reader). */
  owner?: number;
}

export interface ThreadSpec {
  threadId: bigint;
  nativeId: number;
  name?: string;
  /** Keep the name in inline values (with the type's cached keys) instead of a __dict__. */
  inlineName?: boolean;
  state?: number;
  evalBreaker?: bigint;
  frames: FrameSpec[];
}

export class ImageBuilder {
  readonly runtime = Buffer.alloc(TABLE_3_13_5T[0]);
  readonly heap = Buffer.alloc(4 << 20);
  private top = 0x100;
  private readonly strings = new Map<string, bigint>();

  constructor(version = VERSION_3_13_5, freeThreaded = 1n) {
    this.runtime.write('xdebugpy', 0, 'latin1');
    this.runtime.writeBigUInt64LE(BigInt(version), 8);
    this.runtime.writeBigUInt64LE(freeThreaded, 16);
    TABLE_3_13_5T.forEach((value, i) => this.runtime.writeBigUInt64LE(BigInt(value), 24 + 8 * i));
  }

  alloc(size: number): bigint {
    const at = this.top + 8; // room for a managed-dict pointer before each object
    this.top = (at + size + 15) & ~15;
    if (this.top > this.heap.length) throw new Error('image heap full');
    return HEAP + BigInt(at);
  }

  u64(address: bigint, value: bigint): void {
    this.heap.writeBigUInt64LE(value, Number(address - HEAP));
  }

  i32(address: bigint, value: number): void {
    this.heap.writeInt32LE(value, Number(address - HEAP));
  }

  u8(address: bigint, value: number): void {
    this.heap[Number(address - HEAP)] = value;
  }

  str(text: string): bigint {
    const known = this.strings.get(text);
    if (known) return known;
    const ascii = [...text].every((char) => (char.codePointAt(0) as number) < 0x80);
    const wide = [...text].some((char) => (char.codePointAt(0) as number) > 0xff);
    const data = wide ? Buffer.from(text, 'utf16le') : Buffer.from(text, 'latin1');
    const header = ascii ? O.asciiSize : O.asciiSize + 16;
    const object = this.alloc(header + data.length + 2);
    const kind = wide ? 2 : 1;
    this.i32(object + BigInt(O.strState), (kind << 2) | (1 << 5) | ((ascii ? 1 : 0) << 6));
    this.u64(object + BigInt(O.strLength), BigInt(wide ? data.length / 2 : data.length));
    data.copy(this.heap, Number(object - HEAP) + header);
    this.strings.set(text, object);
    return object;
  }

  bytes(values: number[]): bigint {
    const object = this.alloc(O.bytesSval + values.length + 1);
    this.u64(object + BigInt(O.varSize), BigInt(values.length));
    Buffer.from(values).copy(this.heap, Number(object - HEAP) + O.bytesSval);
    return object;
  }

  int(value: bigint): bigint {
    const digits: bigint[] = [];
    for (let rest = value; rest > 0n; rest >>= 30n) digits.push(rest & 0x3fffffffn);
    const object = this.alloc(O.digits + 4 * Math.max(digits.length, 1));
    this.u64(object + BigInt(O.lvTag), BigInt(digits.length) << 3n);
    digits.forEach((digit, i) => this.heap.writeUInt32LE(Number(digit), Number(object - HEAP) + O.digits + 4 * i));
    return object;
  }

  /** A keys object; `unicode` keys hold (key, value) entries, general ones (hash, key, value). */
  keys(entries: [bigint, bigint][], unicode: boolean): bigint {
    const entrySize = unicode ? 16 : 24;
    const keys = this.alloc(32 + 8 + entries.length * entrySize);
    this.u8(keys + 9n, 3); // 8 bytes of indices
    this.u8(keys + 10n, unicode ? 1 : 0);
    this.u64(keys + 24n, BigInt(entries.length));
    entries.forEach(([key, value], i) => {
      const entry = keys + 40n + BigInt(i * entrySize) + (unicode ? 0n : 8n);
      this.u64(entry, key);
      this.u64(entry + 8n, value);
    });
    return keys;
  }

  dict(entries: [bigint, bigint][], unicode = true): bigint {
    const dict = this.alloc(64);
    this.u64(dict + BigInt(O.maKeys), this.keys(entries, unicode));
    return dict;
  }

  code(spec: FrameSpec): bigint {
    const code = this.alloc(O.codeAdaptive + 2 * spec.codeUnits);
    this.u64(code + BigInt(O.varSize), BigInt(spec.codeUnits));
    this.u64(code + BigInt(O.filename), this.str(spec.file));
    this.u64(code + BigInt(O.qualname), this.str(spec.function));
    this.u64(code + BigInt(O.linetable), this.bytes(spec.lineTable));
    this.i32(code + BigInt(O.firstlineno), spec.firstLine);
    return code;
  }

  /** Frames innermost first, linked through `previous`; returns the innermost. */
  frames(specs: FrameSpec[]): bigint {
    let previous = 0n;
    for (const spec of [...specs].reverse()) {
      const frame = this.alloc(O.frameSize);
      const code = spec.owner === 3 ? this.str('None') : this.code(spec);
      this.u64(frame + BigInt(O.executable), code);
      this.u64(frame + BigInt(O.previous), previous);
      this.u64(frame + BigInt(O.instrPtr), code + BigInt(O.codeAdaptive + 2 * spec.unit));
      this.u8(frame + BigInt(O.owner), spec.owner ?? 0);
      previous = frame;
    }
    return previous;
  }

  /** A Thread instance whose `_name` lives in a __dict__ or in inline values. */
  threadObject(name: string, inline: boolean): bigint {
    const object = this.alloc(32 + 8 + 16);
    if (!inline) {
      this.u64(
        object - 8n,
        this.dict([
          [this.str('_target'), this.str('x')],
          [this.str('_name'), this.str(name)],
        ]),
      );
      return object;
    }
    const type = this.alloc(O.typeSize + 58 * 8 + 8);
    this.u64(object + BigInt(O.obType), type);
    const keys = this.keys(
      [
        [this.str('_target'), 1n],
        [this.str('_name'), 1n],
      ],
      true,
    );
    this.u64(type + BigInt(O.typeSize + 58 * 8), keys);
    this.u8(object + 32n + 3n, 1); // values valid
    this.u64(object + 32n + 8n, this.str('x'));
    this.u64(object + 32n + 16n, this.str(name));
    return object;
  }

  /** One interpreter whose threads are listed newest first, as `specs` are given. */
  interpreter(specs: ThreadSpec[], gilEnabled = 0): bigint {
    const interp = this.alloc(O.interpSize);
    this.runtimeU64(O.interpretersHead, interp);
    this.i32(interp + BigInt(O.gil), gilEnabled);
    const active: [bigint, bigint][] = specs
      .filter((spec) => spec.name !== undefined)
      .map((spec) => [this.int(spec.threadId), this.threadObject(spec.name as string, spec.inlineName ?? false)]);
    const threading = this.alloc(64);
    this.u64(threading + 32n, this.dict([[this.str('_active'), this.dict(active, false)]]));
    this.u64(
      interp + BigInt(O.modules),
      this.dict([
        [this.str('sys'), 1n],
        [this.str('threading'), threading],
      ]),
    );
    let next = 0n;
    for (const spec of [...specs].reverse()) {
      const tstate = this.alloc(O.tstateSize);
      this.u64(tstate + BigInt(O.tsNext), next);
      this.u64(tstate + BigInt(O.threadId), spec.threadId);
      this.u64(tstate + BigInt(O.nativeId), BigInt(spec.nativeId));
      this.i32(tstate + BigInt(O.state), spec.state ?? 0);
      this.u64(tstate + BigInt(O.evalBreaker), spec.evalBreaker ?? 0n);
      this.u64(tstate + BigInt(O.currentFrame), spec.frames.length ? this.frames(spec.frames) : 0n);
      next = tstate;
    }
    this.u64(interp + BigInt(O.threadsHead), next);
    return interp;
  }

  /** Write into the runtime struct (which lives outside the heap). */
  runtimeU64(offset: number, value: bigint): void {
    this.runtime.writeBigUInt64LE(value, offset);
  }

  segments(): MemorySegment[] {
    return [
      { address: RUNTIME, bytes: this.runtime },
      { address: HEAP, bytes: this.heap.subarray(0, this.top) },
    ];
  }

  memory(): RecordedMemory {
    return new RecordedMemory(this.segments());
  }
}

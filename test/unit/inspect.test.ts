// The memory reader's pure parts, over recorded bytes: /proc/PID/maps, ELF,
// _Py_DebugOffsets validation, and the interpreter -> thread -> frame walk.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { parseDebugOffsets } from '../../runtime/inspect/debugOffsets';
import { bufferBytes, ElfFile } from '../../runtime/inspect/elf';
import { InspectError, isInspectError } from '../../runtime/inspect/errors';
import { ProcessMemory, RecordedMemory } from '../../runtime/inspect/memory';
import { ObjectReader } from '../../runtime/inspect/objects';
import { parseProcMaps, pythonBinaries } from '../../runtime/inspect/procMaps';
import { locateRuntime } from '../../runtime/inspect/runtimeLocation';
import { takeSnapshot } from '../../runtime/inspect/snapshot';
import { testPython } from '../support/runtime';
import { FrameSpec, ImageBuilder, PROBE_3_13_5T, RUNTIME, TABLE_3_13_5T, VERSION_3_13_5 } from '../support/inspectImage';

function throwsKind(fn: () => unknown, kind: InspectError['kind'], message?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(isInspectError(error, kind), `expected ${kind}, got ${String(error)}`);
    if (message) assert.match(error.message, message);
    return true;
  });
}

const MAPS = `\
55d0c8a00000-55d0c8a7f000 r--p 00000000 08:01 1234   /opt/py/bin/python3.13t
55d0c8a7f000-55d0c8d63000 r-xp 0007f000 08:01 1234   /opt/py/bin/python3.13t
55d0c9000000-55d0c9100000 rw-p 00000000 00:00 0      [heap]
7f1200000000-7f1200021000 rw-p 00000000 00:00 0
7f1300000000-7f1300010000 r--p 00000000 08:01 77     /usr/lib/x86_64-linux-gnu/libc.so.6
7f1400000000-7f1400010000 r--p 00000000 08:01 78     /home/a b/libpython3.13t.so.1.0 (deleted)
`;

suite('inspect: /proc/PID/maps', () => {
  test('parses ranges, permissions, offsets and paths (with spaces, pseudo and anonymous)', () => {
    const maps = parseProcMaps(MAPS);
    assert.equal(maps.length, 6);
    assert.deepEqual(maps[1], {
      start: 0x55d0c8a7f000n,
      end: 0x55d0c8d63000n,
      perms: 'r-xp',
      offset: 0x7f000n,
      inode: 1234,
      path: '/opt/py/bin/python3.13t',
    });
    assert.equal(maps[2].path, '[heap]');
    assert.equal(maps[3].path, '');
    assert.equal(maps[5].path, '/home/a b/libpython3.13t.so.1.0 (deleted)');
  });

  test('python binaries: basename contains "python", once each, at the lowest mapping', () => {
    assert.deepEqual(pythonBinaries(parseProcMaps(MAPS)), [
      { path: '/opt/py/bin/python3.13t', start: 0x55d0c8a00000n },
      { path: '/home/a b/libpython3.13t.so.1.0 (deleted)', start: 0x7f1400000000n },
    ]);
  });

  test('garbage lines are skipped', () => {
    assert.deepEqual(parseProcMaps('not a maps line\n\n12-34 zz\n'), []);
  });
});

interface ElfSpec {
  loadVaddr: bigint;
  sections: { name: string; addr: bigint }[];
  /** `imported`: an undefined symbol (section index 0), as in an executable linked to libpython. */
  symbols: { name: string; value: bigint; imported?: boolean }[];
}

/** A minimal ELF64 LE file: one PT_LOAD, named PROGBITS sections, a .symtab + .strtab. */
function makeElf(spec: ElfSpec): Buffer {
  const strtab = Buffer.from(`\0${spec.symbols.map((symbol) => `${symbol.name}\0`).join('')}`, 'latin1');
  const symtab = Buffer.alloc(24 * (spec.symbols.length + 1));
  let nameAt = 1;
  spec.symbols.forEach((symbol, i) => {
    symtab.writeUInt32LE(nameAt, 24 * (i + 1));
    symtab.writeUInt16LE(symbol.imported ? 0 : 1, 24 * (i + 1) + 6);
    symtab.writeBigUInt64LE(symbol.value, 24 * (i + 1) + 8);
    nameAt += symbol.name.length + 1;
  });
  const names = ['', ...spec.sections.map((section) => section.name), '.symtab', '.strtab', '.shstrtab'];
  const shstrtab = Buffer.from(names.map((name) => `${name}\0`).join(''), 'latin1');
  const nameOffset = (i: number) => names.slice(0, i).reduce((sum, name) => sum + name.length + 1, 0);
  const dataStart = 64 + 56;
  const blobs = [symtab, strtab, shstrtab];
  const blobOffsets = blobs.map((_, i) => dataStart + blobs.slice(0, i).reduce((sum, blob) => sum + blob.length, 0));
  const shoff = blobOffsets[2] + shstrtab.length;
  const count = names.length;
  const file = Buffer.alloc(shoff + 64 * count);
  file.writeUInt32BE(0x7f454c46, 0);
  file[4] = 2;
  file[5] = 1;
  file.writeBigUInt64LE(64n, 0x20);
  file.writeBigUInt64LE(BigInt(shoff), 0x28);
  file.writeUInt16LE(1, 0x38);
  file.writeUInt16LE(count, 0x3c);
  file.writeUInt16LE(count - 1, 0x3e);
  file.writeUInt32LE(1, 64); // PT_LOAD
  file.writeBigUInt64LE(spec.loadVaddr, 64 + 16);
  file.writeBigUInt64LE(0x1000n, 64 + 48);
  blobs.forEach((blob, i) => blob.copy(file, blobOffsets[i]));
  const header = (i: number, type: number, addr: bigint, offset: number, size: number, link = 0) => {
    const at = shoff + 64 * i;
    file.writeUInt32LE(nameOffset(i), at);
    file.writeUInt32LE(type, at + 4);
    file.writeBigUInt64LE(addr, at + 16);
    file.writeBigUInt64LE(BigInt(offset), at + 24);
    file.writeBigUInt64LE(BigInt(size), at + 32);
    file.writeUInt32LE(link, at + 40);
  };
  spec.sections.forEach((section, i) => header(i + 1, 1, section.addr, 0, 0));
  const symtabIndex = spec.sections.length + 1;
  header(symtabIndex, 2, 0n, blobOffsets[0], symtab.length, symtabIndex + 1);
  header(symtabIndex + 1, 3, 0n, blobOffsets[1], strtab.length);
  header(symtabIndex + 2, 3, 0n, blobOffsets[2], shstrtab.length);
  return file;
}

suite('inspect: ELF', () => {
  const elfSpec = {
    loadVaddr: 0x400123n,
    sections: [
      { name: '.text', addr: 0x401000n },
      { name: '.PyRuntime', addr: 0x568380n },
    ],
    symbols: [
      { name: '_PyRuntime', value: 0x568380n },
      { name: 'buckets', value: 0x5519a0n },
      { name: 'PyObject_Free', value: 0n, imported: true },
    ],
  };
  const elf = new ElfFile(bufferBytes(makeElf(elfSpec)));

  test('sections by name, with their link-time addresses', () => {
    assert.equal(elf.section('.PyRuntime')?.addr, 0x568380n);
    assert.equal(elf.section('.nothing'), undefined);
  });

  test('load address: first PT_LOAD vaddr rounded down to its alignment', () => {
    assert.equal(elf.loadAddress(), 0x400000n);
  });

  test('symbols from .symtab, static ones included', () => {
    assert.equal(elf.symbol('buckets')?.value, 0x5519a0n);
    assert.equal(elf.symbol('missing'), undefined);
    assert.equal(elf.symbol('PyObject_Free'), undefined, 'an import is not a definition');
  });

  test('not ELF, 32-bit, big-endian and truncated files are refused with bad-elf', () => {
    const good = makeElf(elfSpec);
    throwsKind(() => new ElfFile(bufferBytes(Buffer.from('#!/bin/sh\n'.padEnd(64)))), 'bad-elf');
    for (const [at, value] of [
      [4, 1],
      [5, 2],
    ]) {
      const bad = Buffer.from(good);
      bad[at] = value;
      throwsKind(() => new ElfFile(bufferBytes(bad)), 'bad-elf');
    }
    throwsKind(() => new ElfFile(bufferBytes(good.subarray(0, 200))), 'bad-elf');
  });

  test('locates _PyRuntime like CPython: map start + section address - load address', () => {
    const maps = parseProcMaps(MAPS);
    const location = locateRuntime(maps, (path) => {
      if (path !== '/opt/py/bin/python3.13t') throw new InspectError('bad-elf', 'no such file');
      return elf;
    });
    assert.equal(location.address, 0x55d0c8a00000n + 0x568380n - 0x400000n);
    assert.equal(location.binary, '/opt/py/bin/python3.13t');
  });

  test('a process without a python mapping is not-python', () => {
    throwsKind(() => locateRuntime(parseProcMaps(MAPS.split('\n')[2])), 'not-python', /not a Python process/);
  });
});

function header(version: number, freeThreaded: bigint, table = TABLE_3_13_5T): Buffer {
  const bytes = Buffer.alloc(24 + 8 * table.length);
  bytes.write('xdebugpy', 0, 'latin1');
  bytes.writeBigUInt64LE(BigInt(version), 8);
  bytes.writeBigUInt64LE(freeThreaded, 16);
  table.forEach((value, i) => bytes.writeBigUInt64LE(BigInt(value), 24 + 8 * i));
  return bytes;
}

suite('inspect: _Py_DebugOffsets', () => {
  test('decodes the 3.13 table field by field', () => {
    const offsets = parseDebugOffsets(header(VERSION_3_13_5, 1n));
    assert.equal(offsets.version.micro, 5);
    assert.equal(offsets.freeThreaded, true);
    assert.deepEqual(offsets.runtime_state, { size: 328320, finalizing: 608, interpreters_head: 632 });
    assert.equal(offsets.interpreter_state.threads_head, 7344);
    assert.deepEqual(offsets.interpreter_frame, { size: 80, previous: 8, executable: 0, instr_ptr: 56, localsplus: 72, owner: 70 });
    assert.deepEqual(offsets.unicode_object, { size: 80, state: 48, length: 32, asciiobject_size: 56 });
    assert.deepEqual(offsets.gc, { size: 248, collecting: 200 });
  });

  test('no cookie: not-python', () => {
    const bytes = header(VERSION_3_13_5, 1n);
    bytes.write('ydebugpy', 0, 'latin1');
    throwsKind(() => parseDebugOffsets(bytes), 'not-python');
  });

  test('other versions: unsupported-version, naming what is supported', () => {
    throwsKind(() => parseDebugOffsets(header(0x030e00f0, 1n)), 'unsupported-version', /3\.14\.0 .*supports free-threaded CPython 3\.13/);
    throwsKind(() => parseDebugOffsets(header(0x030c01f0, 1n)), 'unsupported-version', /3\.12\.1/);
    throwsKind(() => parseDebugOffsets(header(0x030e00a1, 1n)), 'unsupported-version', /3\.14\.0a1/);
  });

  test('a GIL build of 3.13: unsupported-build', () => {
    throwsKind(() => parseDebugOffsets(header(0x030d00f0, 0n)), 'unsupported-build', /3\.13\.0 with the GIL.*python3\.13t/);
  });

  test('implausible or inconsistent tables are refused', () => {
    const huge = [...TABLE_3_13_5T];
    huge[5] = 2 ** 40;
    throwsKind(() => parseDebugOffsets(header(VERSION_3_13_5, 1n, huge)), 'bad-debug-offsets');
    const outside = [...TABLE_3_13_5T];
    outside[TABLE_3_13_5T.length - 1] = 4000; // gc.collecting beyond sizeof(gc)
    throwsKind(() => parseDebugOffsets(header(VERSION_3_13_5, 1n, outside)), 'bad-debug-offsets');
    throwsKind(() => parseDebugOffsets(header(VERSION_3_13_5, 1n).subarray(0, 100)), 'bad-debug-offsets');
  });
});

// Code object: first line 10; units 0-3 on line 11, units 4-7 on line 13 (NO_COLUMNS entries).
const TABLE = [0xeb, 0x02, 0xeb, 0x04];
const frame = (fn: string, unit: number, owner?: number): FrameSpec => ({
  function: fn,
  file: '/app/ünï.py',
  firstLine: 10,
  lineTable: TABLE,
  codeUnits: 8,
  unit,
  owner,
});

suite('inspect: snapshot of a recorded runtime image', () => {
  function image(): ImageBuilder {
    const builder = new ImageBuilder();
    builder.interpreter([
      {
        threadId: 0x7f00_1234_5600n,
        nativeId: 4242,
        name: 'worker-名前',
        inlineName: true,
        state: 1,
        evalBreaker: 0x310n,
        frames: [frame('Worker.run.<locals>.inner', 5), frame('', 0, 3), frame('Worker.run', 2)],
      },
      { threadId: 0x7f00_1234_0000n, nativeId: 4241, state: 2, frames: [] },
      { threadId: 0x7f00_0000_1000n, nativeId: 4240, name: 'MainThread', frames: [frame('<module>', 7)] },
    ]);
    return builder;
  }

  test('threads in runtime order, with ids, names, state, eval-breaker bits and frames', () => {
    const snapshot = takeSnapshot(image().memory(), RUNTIME, { probe: PROBE_3_13_5T });
    assert.deepEqual(snapshot.python, { version: '3.13.5', freeThreaded: true, gilEnabled: false });
    assert.deepEqual(snapshot.unavailable, {});
    assert.deepEqual(
      snapshot.threads.map(({ threadId, nativeId, name, state, evalBreaker }) => ({ threadId, nativeId, name, state, evalBreaker })),
      [
        { threadId: 0x7f00_1234_5600, nativeId: 4242, name: 'worker-名前', state: 'attached', evalBreaker: ['gc_scheduled'] },
        { threadId: 0x7f00_1234_0000, nativeId: 4241, name: null, state: 'suspended', evalBreaker: [] },
        { threadId: 0x7f00_0000_1000, nativeId: 4240, name: 'MainThread', state: 'detached', evalBreaker: [] },
      ],
    );
    const [worker, , main] = snapshot.threads;
    assert.deepEqual(
      worker.frames,
      [
        { function: 'Worker.run.<locals>.inner', file: '/app/ünï.py', line: 13, offset: 10 },
        { function: 'Worker.run', file: '/app/ünï.py', line: 11, offset: 4 },
      ],
      'the shim frame (owner 3) is skipped',
    );
    assert.deepEqual(main.frames, [{ function: '<module>', file: '/app/ünï.py', line: 13, offset: 14 }]);
    assert.equal(worker.torn, undefined);
  });

  test('without probe offsets: no state, no eval-breaker, and the reason', () => {
    const snapshot = takeSnapshot(image().memory(), RUNTIME);
    assert.ok(snapshot.threads.every((thread) => thread.state === null && thread.evalBreaker.length === 0));
    assert.match(snapshot.unavailable.state ?? '', /no probe offsets/);
  });

  test('probe offsets of another version are not used', () => {
    const probe = { ...PROBE_3_13_5T, python: { ...PROBE_3_13_5T.python, version: '3.13.4', hexversion: 0x030d04f0 } };
    const snapshot = takeSnapshot(image().memory(), RUNTIME, { probe });
    assert.equal(snapshot.threads[0].state, null);
    assert.match(snapshot.unavailable.state ?? '', /3\.13\.4.*3\.13\.5/);
  });

  test('the GIL-enabled counter is read from the interpreter', () => {
    const builder = new ImageBuilder();
    builder.interpreter([{ threadId: 1n, nativeId: 1, frames: [] }], 1);
    assert.equal(takeSnapshot(builder.memory(), RUNTIME).python.gilEnabled, true);
  });

  test('a looping frame chain is cut and the thread marked torn', () => {
    const builder = new ImageBuilder();
    builder.interpreter([{ threadId: 1n, nativeId: 1, frames: [frame('f', 1), frame('g', 2)] }]);
    const memory = builder.memory();
    const snapshot = takeSnapshot(memory, RUNTIME);
    const reader = new ObjectReader(memory, parseDebugOffsets(memory.read(RUNTIME, 1000)));
    // Point the outer frame's `previous` back at the inner one.
    const interp = reader.pointer(RUNTIME + 632n);
    const inner = reader.pointer(reader.pointer(interp + 7344n) + 72n);
    const outer = reader.pointer(inner + 8n);
    builder.u64(outer + 8n, inner);
    const looped = takeSnapshot(builder.memory(), RUNTIME);
    assert.equal(snapshot.threads[0].torn, undefined);
    assert.match(looped.threads[0].torn ?? '', /loops/);
    assert.deepEqual(
      looped.threads[0].frames.map((f) => f.function),
      ['f', 'g'],
    );
  });

  test('a looping thread list is a torn-read error, not a hang', () => {
    const builder = new ImageBuilder();
    builder.interpreter([{ threadId: 1n, nativeId: 1, frames: [] }]);
    const memory = builder.memory();
    const reader = new ObjectReader(memory, parseDebugOffsets(memory.read(RUNTIME, 1000)));
    const tstate = reader.pointer(reader.pointer(RUNTIME + 632n) + 7344n);
    builder.u64(tstate + 8n, tstate);
    throwsKind(() => takeSnapshot(builder.memory(), RUNTIME), 'torn-read', /loops/);
  });

  test('a runtime with no interpreter (not started or finalized) is reported', () => {
    throwsKind(() => takeSnapshot(new ImageBuilder().memory(), RUNTIME), 'not-python', /no interpreter/);
  });
});

suite('inspect: objects', () => {
  const builder = new ImageBuilder();
  const memory = () => builder.memory();
  const reader = () => new ObjectReader(memory(), parseDebugOffsets(memory().read(RUNTIME, 1000)));

  test('str: ASCII, Latin-1 and UCS-2 compact strings', () => {
    for (const text of ['plain', 'café', 'スレッド']) {
      const object = builder.str(text);
      assert.equal(reader().string(object), text);
    }
  });

  test('int: multi-digit values', () => {
    for (const value of [0n, 5n, 0x7f12_3456_7000n, (1n << 64n) - 1n]) {
      const object = builder.int(value);
      assert.equal(reader().int(object), value);
    }
  });

  test('dict lookup by str key, general and unicode tables', () => {
    const general = builder.dict(
      [
        [builder.int(7n), builder.str('seven')],
        [builder.str('k'), builder.str('v')],
      ],
      false,
    );
    assert.equal(reader().string(reader().dictGet(general, 'k') as bigint), 'v');
    assert.equal(reader().dictGet(general, 'absent'), undefined);
  });

  test('reads outside the image are torn reads', () => {
    throwsKind(() => new RecordedMemory([]).read(0x1000n, 8), 'torn-read');
    throwsKind(() => reader().string(0x10n), 'torn-read');
  });
});

suite('inspect: the real free-threaded binary and process', () => {
  test('its ELF has .PyRuntime at _PyRuntime, and static symbols such as the parking lot buckets', () => {
    const elf = ElfFile.open(fs.realpathSync(testPython()));
    const section = elf.section('.PyRuntime');
    assert.ok(section, 'a .PyRuntime section');
    assert.equal(elf.symbol('_PyRuntime')?.value, section.addr);
    assert.ok((elf.symbol('buckets')?.size ?? 0n) > 0n, 'the static `buckets` of Python/parking_lot.c');
  });

  test('/proc/PID/mem is opened read-only', () => {
    const target = (fd: string) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return ''; // the descriptor readdir itself used
      }
    };
    const memFds = () => fs.readdirSync('/proc/self/fd').filter((fd) => target(fd) === `/proc/${process.pid}/mem`);
    const before = new Set(memFds());
    const memory = ProcessMemory.open(process.pid);
    try {
      const opened = memFds().filter((fd) => !before.has(fd));
      assert.equal(opened.length, 1);
      const flags = Number.parseInt(/^flags:\s+([0-7]+)/m.exec(fs.readFileSync(`/proc/self/fdinfo/${opened[0]}`, 'utf8'))?.[1] ?? 'x', 8);
      assert.equal(flags & 3, fs.constants.O_RDONLY);
    } finally {
      memory.close();
    }
  });
});

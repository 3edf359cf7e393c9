// Corrupted memory images (seeded, reproducible): the reader returns a snapshot
// or throws its own InspectError, never anything else, and its work is bounded.
import * as assert from 'node:assert/strict';
import { isInspectError } from '../../runtime/inspect/errors';
import { Memory, MemorySegment, ProcessMemory, RecordedMemory, RecordingMemory } from '../../runtime/inspect/memory';
import { readProcMaps } from '../../runtime/inspect/procMaps';
import { locateRuntime } from '../../runtime/inspect/runtimeLocation';
import { takeSnapshot } from '../../runtime/inspect/snapshot';
import { testPython } from '../support/runtime';
import { ImageBuilder, PROBE_3_13_5T, RUNTIME } from './inspectImage';
import { startParked, stopProcess } from './inspectFixture';

/** mulberry32: a small seeded PRNG, so a failure names a reproducible seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class CountingMemory implements Memory {
  reads = 0;
  bytes = 0;
  constructor(private readonly inner: Memory) {}
  read(address: bigint, length: number): Buffer {
    this.reads++;
    this.bytes += length;
    return this.inner.read(address, length);
  }
}

/** Bounds on the work of one snapshot of these small images (those seen take at most ~700 reads); a loop would exceed them. */
const MAX_READS = 20_000;
const MAX_BYTES = 64 << 20;

function mutate(segments: MemorySegment[], random: () => number): MemorySegment[] {
  const copies = segments.map(({ address, bytes }) => ({ address, bytes: Buffer.from(bytes) }));
  const pick = (n: number) => Math.floor(random() * n);
  const mutations = 1 + pick(12);
  for (let i = 0; i < mutations; i++) {
    const segment = copies[pick(copies.length)];
    if (segment.bytes.length < 8) continue;
    const word = pick(segment.bytes.length >> 3) << 3;
    const old = segment.bytes.readBigUInt64LE(word);
    const other = copies[pick(copies.length)];
    const choices = [
      0n,
      0xffff_ffff_ffff_ffffn,
      old + 8n,
      old - 8n,
      old ^ (1n << BigInt(pick(64))),
      other.address + BigInt(pick(other.bytes.length) & ~7),
      BigInt(pick(2 ** 31)) * BigInt(pick(2 ** 31)),
    ];
    if (random() < 0.3) segment.bytes[word + pick(8)] = pick(256);
    else segment.bytes.writeBigUInt64LE(BigInt.asUintN(64, choices[pick(choices.length)]), word);
  }
  return copies;
}

function fuzz(segments: MemorySegment[], runtime: bigint, seed: number, rounds: number): { snapshots: number; errors: number } {
  const random = prng(seed);
  const outcome = { snapshots: 0, errors: 0 };
  for (let round = 0; round < rounds; round++) {
    const memory = new CountingMemory(new RecordedMemory(mutate(segments, random)));
    try {
      takeSnapshot(memory, runtime, { probe: PROBE_3_13_5T });
      outcome.snapshots++;
    } catch (error) {
      assert.ok(isInspectError(error), `seed ${seed} round ${round}: ${String((error as Error)?.stack ?? error)}`);
      outcome.errors++;
    }
    assert.ok(memory.reads <= MAX_READS && memory.bytes <= MAX_BYTES, `seed ${seed} round ${round}: ${memory.reads} reads, ${memory.bytes} bytes`);
  }
  return outcome;
}

suite('inspect: fuzzed memory images', () => {
  test('a synthetic 3.13t runtime image with corrupted words', () => {
    const builder = new ImageBuilder();
    const frame = (fn: string, unit: number) => ({
      function: fn, file: '/app/x.py', firstLine: 1, lineTable: [0xeb, 0x02, 0xeb, 0x04], codeUnits: 8, unit,
    });
    builder.interpreter([
      { threadId: 0x7f00_0000_2000n, nativeId: 12, name: 'a', inlineName: true, frames: [frame('f', 1), frame('g', 6)] },
      { threadId: 0x7f00_0000_1000n, nativeId: 11, name: 'MainThread', frames: [frame('<module>', 3)] },
    ]);
    // Keep the heap small so random pointers often land on real structures.
    const outcome = fuzz(builder.segments(), RUNTIME, 0x5eed, 1500);
    assert.ok(outcome.snapshots > 0 && outcome.errors > 0, JSON.stringify(outcome));
  });

  test('an image recorded from a live free-threaded process', async function () {
    this.timeout(120_000);
    const parked = await startParked(testPython(), 'few');
    let recorded: MemorySegment[];
    let runtime: bigint;
    try {
      runtime = locateRuntime(readProcMaps(parked.pid)).address;
      const live = ProcessMemory.open(parked.pid);
      const recording = new RecordingMemory(live);
      takeSnapshot(recording, runtime, { probe: PROBE_3_13_5T });
      live.close();
      recorded = recording.reads;
    } finally {
      stopProcess(parked.child);
    }
    const outcome = fuzz(recorded, runtime, 0xf00d, 600);
    assert.ok(outcome.snapshots > 0 && outcome.errors > 0, JSON.stringify(outcome));
  });
});

// Corrupting recorded memory images and taking snapshots of them (seeded, reproducible): the
// reader returns a snapshot or throws its own InspectError, never anything else, and its work
// is bounded. Used by the unit tier and, with more rounds, by `npm run stress`.
import * as assert from 'node:assert/strict';
import { isInspectError } from '../../runtime/inspect/errors';
import { Memory, MemorySegment, ProcessMemory, RecordedMemory, RecordingMemory } from '../../runtime/inspect/memory';
import { readProcMaps } from '../../runtime/inspect/procMaps';
import { locateRuntime } from '../../runtime/inspect/runtimeLocation';
import { takeSnapshot } from '../../runtime/inspect/snapshot';
import { prng } from './prng';
import { startParked, stopProcess } from './inspectFixture';
import { ImageBuilder, PROBE_3_13_5T, RUNTIME } from './inspectImage';

export interface Image {
  segments: MemorySegment[];
  /** The address of the runtime structure (_PyRuntime). */
  runtime: bigint;
}

/** A synthetic 3.13t runtime with two threads; its heap is small, so random pointers often land on real structures. */
export function syntheticImage(): Image {
  const builder = new ImageBuilder();
  const frame = (fn: string, unit: number) => ({
    function: fn,
    file: '/app/x.py',
    firstLine: 1,
    lineTable: [0xeb, 0x02, 0xeb, 0x04],
    codeUnits: 8,
    unit,
  });
  builder.interpreter([
    { threadId: 0x7f00_0000_2000n, nativeId: 12, name: 'a', inlineName: true, frames: [frame('f', 1), frame('g', 6)] },
    { threadId: 0x7f00_0000_1000n, nativeId: 11, name: 'MainThread', frames: [frame('<module>', 3)] },
  ]);
  return { segments: builder.segments(), runtime: RUNTIME };
}

/** Every read of one snapshot of a live free-threaded process with parked threads. */
export async function recordedImage(python: string): Promise<Image> {
  const parked = await startParked(python, 'few');
  try {
    const runtime = locateRuntime(readProcMaps(parked.pid)).address;
    const live = ProcessMemory.open(parked.pid);
    const recording = new RecordingMemory(live);
    takeSnapshot(recording, runtime, { probe: PROBE_3_13_5T });
    live.close();
    return { segments: recording.reads, runtime };
  } finally {
    stopProcess(parked.child);
  }
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

export function fuzz(segments: MemorySegment[], runtime: bigint, seed: number, rounds: number): { snapshots: number; errors: number } {
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

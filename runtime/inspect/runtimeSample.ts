// Sampling the runtime from outside, many times a second: per-thread state, eval-breaker
// bits, biased-refcount queues and buffered GC allocations; the interpreter's GC state and
// whether the world is stopped. Cheap enough for 50 Hz: no frames, a few reads per thread,
// thread names re-read only when an unknown thread shows up (at most once a second).
import type { GcGenerationSample, GcSample, RuntimeSample, ThreadSample } from '../model/samples';
import type { ProbeOffsets } from '../probe/offsets';
import { isInspectError, tornRead } from './errors';
import { ObjectReader } from './objects';
import { runState } from './snapshot';
import { liveThreadStates, mainInterpreter, retry, ThreadStateBytes, walkThreadStates } from './walk';
import { SampledThreadNames, ThreadNames } from './threadNames';

/** A BRC queue longer than this many chunks (254 objects each) is a torn read. */
const MAX_QUEUE_CHUNKS = 4096;

export class RuntimeSampler {
  private readonly names: SampledThreadNames;

  /** `probe`: checked for this runtime. */
  constructor(
    private readonly reader: ObjectReader,
    private readonly runtime: bigint,
    private readonly probe: ProbeOffsets,
  ) {
    this.names = new SampledThreadNames(reader);
  }

  sample(time = Date.now()): RuntimeSample {
    const walk = walkThreadStates(this.reader, this.runtime, this.probe.thread_state_impl.gc_alloc_count + 8);
    const main = mainInterpreter(walk);
    const interpreter = retry(() => this.readInterpreter(main));
    const threadStates = liveThreadStates(this.reader, walk);
    const names = this.names.current(main, threadStates, time);
    return {
      time,
      worldStopped: interpreter.worldStopped || this.runtimeWorldStopped(),
      gilEnabled: interpreter.gilEnabled,
      gc: interpreter.gc,
      threads: threadStates.map((tstate) => this.readThread(tstate, names)),
    };
  }

  private readThread(tstate: ThreadStateBytes, names: ThreadNames): ThreadSample {
    const layout = this.reader.offsets.thread_state;
    const threadId = tstate.raw.readBigUInt64LE(layout.thread_id);
    const impl = this.probe.thread_state_impl;
    const thread: ThreadSample = {
      threadId: Number(threadId),
      nativeId: Number(tstate.raw.readBigUInt64LE(layout.native_thread_id)),
      name: names.get(threadId) ?? null,
      ...runState(tstate.raw, this.probe),
      brcQueue: 0,
      gcAllocBuffered: 0,
    };
    thread.gcAllocBuffered = Number(tstate.raw.readBigInt64LE(impl.gc_alloc_count));
    try {
      thread.brcQueue = this.queueLength(this.reader.pointer(tstate.address + BigInt(impl.brc_objects_to_merge)));
    } catch (error) {
      // The thread exited between the walk and these reads: it is reported with what was read.
      if (!isInspectError(error, 'torn-read')) throw error;
    }
    return thread;
  }

  /** Objects in a _PyObjectStack: the sum of its chunks' counts. */
  private queueLength(head: bigint): number {
    const chunk = this.probe.brc.object_stack_chunk;
    let length = 0;
    for (let at = this.reader.checkedPointer(head, 'BRC queue'), chunks = 0; at !== 0n; chunks++) {
      if (chunks >= MAX_QUEUE_CHUNKS) throw tornRead('a BRC queue (too long)');
      const raw = this.reader.memory.read(at, chunk.n + 8);
      const n = Number(raw.readBigInt64LE(chunk.n));
      if (n < 0 || n > chunk.objs.length) throw tornRead('a BRC queue chunk');
      length += n;
      at = this.reader.checkedPointer(raw.readBigUInt64LE(chunk.prev), 'BRC queue chunk');
    }
    return length;
  }

  /** GC state, GIL and stop-the-world of the interpreter, in one read of the span they lie in. */
  private readInterpreter(interpreter: bigint): { gc: GcSample; gilEnabled: boolean; worldStopped: boolean } {
    const { interpreter_state: layout, stop_the_world: stw } = this.probe;
    const start = Math.min(layout.gc, layout.gil_enabled, layout.stoptheworld);
    const end = Math.max(layout.gc + this.probe.gc.size, layout.gil_enabled + 4, layout.stoptheworld + stw.size);
    const raw = this.reader.memory.read(interpreter + BigInt(start), end - start);
    return {
      gc: readGcState(raw.subarray(layout.gc - start), this.probe.gc),
      gilEnabled: raw.readInt32LE(layout.gil_enabled - start) !== 0,
      worldStopped: raw[layout.stoptheworld - start + stw.world_stopped] !== 0,
    };
  }

  /** The global stop-the-world (sys._current_frames, enabling the GIL, fork). */
  private runtimeWorldStopped(): boolean {
    const at = this.runtime + BigInt(this.probe.runtime_state.stoptheworld + this.probe.stop_the_world.world_stopped);
    return this.reader.memory.read(at, 1)[0] !== 0;
  }
}

/** struct _gc_runtime_state, from its bytes. */
function readGcState(raw: Buffer, layout: ProbeOffsets['gc']): GcSample {
  const { generations, generation_stats: stats } = layout;
  const result: GcGenerationSample[] = [];
  for (let i = 0; i < generations.length; i++) {
    const generation = generations.offset + i * generations.stride;
    const stat = stats.offset + i * stats.stride;
    result.push({
      threshold: raw.readInt32LE(generation + generations.threshold),
      count: raw.readInt32LE(generation + generations.count),
      collections: Number(raw.readBigInt64LE(stat + stats.collections)),
      collected: Number(raw.readBigInt64LE(stat + stats.collected)),
      uncollectable: Number(raw.readBigInt64LE(stat + stats.uncollectable)),
    });
  }
  return { enabled: raw.readInt32LE(layout.enabled) !== 0, collecting: raw.readInt32LE(layout.collecting) !== 0, generations: result };
}

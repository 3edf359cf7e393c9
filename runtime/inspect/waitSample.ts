// What every thread is doing at one instant, read from outside without stopping the program,
// for `ftpy profile`: running (attached to the interpreter), waiting on a lock (parked on a
// threading.Lock's mutex or an object's critical section, found through the parking lot),
// waiting otherwise (a Condition, an Event, a join, a queue), sleeping, in I/O or another system
// call, in C code that let go of the interpreter, paused for a stop-the-world, or collecting.
// Each with its Python stack. Cheap enough for hundreds of samples a second on a few threads.
import type { ProbeOffsets } from '../probe/offsets';
import { prefetchDataStack } from './dataStack';
import { isInspectError } from './errors';
import { CodeCache, FrameLocation, FrameSnapshot, lineAt, readStack } from './frames';
import { FrameObjects, isThreadingFunction } from './locks/frameObjects';
import { PyObjects } from './locks/pyObjects';
import { readWaitEntries, WaitEntry, waitEntryAt } from './locks/parkingLot';
import { hex } from './locks/runtimeMutexes';
import { Memory, MemorySegment, PrefetchedMemory } from './memory';
import { isPointerLike, ObjectReader } from './objects';
import { SampledThreadNames, ThreadNames } from './threadNames';
import type { SyscallFiles } from './threadWaits';
import { liveThreadStates, mainInterpreter, ThreadStateBytes, walkThreadStates } from './walk';
import type { WaitState } from '../model/profile';

export type { WaitState } from '../model/profile';

export interface ThreadWaitSample {
  threadId: number;
  nativeId: number;
  name: string | null;
  state: WaitState;
  /** Innermost first. */
  frames: FrameSnapshot[];
  /** 'lock': the lock ('0x' + the address of the Lock, or of the object whose critical section it is) and its type. */
  lock?: { id: string; type: string };
  /** 'sleep', 'io', 'syscall', and a 'waiting' outside the parking lot: the system call. */
  call?: string;
  /** The lock its innermost `with` block on one holds (in any state), and where that `with` statement is. */
  held?: { id: string; type: string; file: string; line: number | null; name?: string };
}

export interface WaitSample {
  /** ms since the epoch */
  time: number;
  worldStopped: boolean;
  threads: ThreadWaitSample[];
}

const SLEEPS = new Set(['nanosleep', 'clock_nanosleep']);
const IO = new Set([
  'read',
  'write',
  'pread64',
  'poll',
  'ppoll',
  'select',
  'pselect6',
  'epoll_wait',
  'epoll_pwait',
  'accept',
  'accept4',
  'recvfrom',
  'recvmsg',
  'sendto',
]);
const LOCK_TYPE = '_thread.lock';
/** What a `with` block may hold: type name -> how the profile calls it. */
const WITH_LOCKS = new Map([
  [LOCK_TYPE, 'Lock'],
  ['_thread.RLock', 'RLock'],
]);
/** Code objects stay cached this long: a freed one's address may be reused by another. */
const CODE_CACHE_MS = 1000;

/** Where the sampler reads besides the memory. */
export interface WaitTarget {
  runtime: bigint;
  /** The parking lot's bucket array (a static symbol of the runtime's binary). */
  parkingLot: bigint;
  /** The threads' system calls, read through files kept open. */
  syscalls: SyscallFiles;
}

export class WaitSampler {
  private readonly objects: PyObjects;
  private readonly names: SampledThreadNames;
  /** The threads the last sample saw parked on a lock (native id -> the lock, and the frame that waited). */
  private parkedOn = new Map<number, { lock: NonNullable<ThreadWaitSample['lock']>; at: FrameSnapshot | undefined }>();
  private codes: CodeCache = new Map();
  private frameObjects: FrameObjects;
  /** Held locks' local names by id, read once per code cache (an id may be reused). */
  private heldNames = new Map<string, string | undefined>();
  private codesSince = -Infinity;

  /** `probe`: checked for this runtime. */
  constructor(
    private readonly reader: ObjectReader,
    private readonly target: WaitTarget,
    private readonly probe: ProbeOffsets,
  ) {
    this.objects = new PyObjects(reader);
    this.names = new SampledThreadNames(reader);
    this.frameObjects = new FrameObjects(this.objects, probe);
  }

  /** One sample; an InspectError 'torn-read' when the threads could not be read consistently (count it, show nothing). */
  sample(time = Date.now()): WaitSample {
    if (time - this.codesSince > CODE_CACHE_MS) {
      this.codes = new Map();
      this.frameObjects = new FrameObjects(this.objects, this.probe);
      this.heldNames = new Map();
      this.codesSince = time;
    }
    const reader = this.interpreterFieldsRead();
    const walk = walkThreadStates(reader, this.target.runtime);
    const main = mainInterpreter(walk);
    const { worldStopped, collecting } = this.readInterpreter(reader.memory, main);
    const threadStates = liveThreadStates(this.reader, walk);
    const names = this.names.current(main, threadStates, time);
    let parked: WaitEntry[] | undefined;
    // The whole parking lot is read only when a wait entry cannot be found where its futex word puts it.
    const situation = { names, collecting: worldStopped && collecting, parked: () => (parked ??= this.waitEntries()) };
    const threads = threadStates.map((tstate) => this.readThread(tstate, situation));
    this.target.syscalls.keepOnly(new Set(threads.map((thread) => thread.nativeId)));
    this.parkedOn = new Map(threads.flatMap(({ nativeId, lock, frames }) => (lock ? [[nativeId, { lock, at: frames[0] }] as const] : [])));
    return { time, worldStopped, threads };
  }

  private readThread(
    tstate: ThreadStateBytes,
    { parked, names, collecting }: { parked: () => WaitEntry[]; names: ThreadNames; collecting: boolean },
  ): ThreadWaitSample {
    const { thread_state: layout } = this.reader.offsets;
    const nativeId = Number(tstate.raw.readBigUInt64LE(layout.native_thread_id));
    const threadId = tstate.raw.readBigUInt64LE(layout.thread_id);
    const currentFrame = tstate.raw.readBigUInt64LE(layout.current_frame);
    const stackMemory = prefetchDataStack(this.reader, tstate.raw.readBigUInt64LE(layout.datastack_chunk), currentFrame);
    const stack = readStack(new ObjectReader(stackMemory, this.reader.offsets), currentFrame, this.codes);
    const frames = stack.frames;
    const held = this.heldLock(frames, stack.locations, stackMemory);
    const thread = { threadId: Number(threadId), nativeId, name: names.get(threadId) ?? null, frames, ...(held && { held }) };
    const runState = tstate.raw.readInt32LE(this.probe.thread_state.state);
    const states = this.probe.thread_states;
    // In the world a collection stopped, the one attached thread is the collector.
    if (runState === states.suspended) return { ...thread, state: 'stop-the-world' };
    if (runState === states.attached) return { ...thread, state: collecting ? 'gc' : 'running' };
    // Detached: what it is blocked in, if anything (a thread attached to the interpreter runs).
    const call = this.target.syscalls.blockedCall(nativeId);
    if (!call) {
      // Woken from a lock's park, a thread stays detached until it has the interpreter again: on a
      // busy machine it waits for a CPU there, still paying for the lock.
      const woken = this.parkedOn.get(nativeId);
      if (woken && sameFrame(woken.at, frames[0])) return { ...thread, state: 'lock', lock: woken.lock };
      return { ...thread, state: 'c' }; // on a CPU: C code that let go of the interpreter (or just exited)
    }
    if (call.name === 'futex') {
      const wait = this.futexWait(call.firstArgument, parked);
      // A Condition (an Event, a Thread's start) waits for notify() by acquiring its waiter Lock: not contention.
      if (wait.state === 'lock' && frames[0] && isThreadingFunction(frames[0], 'Condition.wait')) return { ...thread, state: 'waiting' };
      return { ...thread, ...wait };
    }
    if (SLEEPS.has(call.name)) return { ...thread, state: 'sleep', call: call.name };
    return { ...thread, state: IO.has(call.name) ? 'io' : 'syscall', call: call.name };
  }

  /**
   * A parked thread sleeps on the semaphore inside its own wait entry, whose `addr` is what it
   * waits for: a Lock's mutex, an object's ob_mutex (a critical section), or something else
   * (an Event, a thread handle, a runtime mutex): 'waiting'. Outside the parking lot (an RLock's
   * semaphore, a PyThread lock): 'waiting' too.
   */
  private futexWait(word: bigint, parked: () => WaitEntry[]): Pick<ThreadWaitSample, 'state' | 'lock' | 'call'> {
    const size = BigInt(this.probe.parking_lot.wait_entry.size);
    const entry =
      waitEntryAt(this.reader.memory, word, this.probe.parking_lot) ?? parked().find((candidate) => candidate.entry <= word && word < candidate.entry + size);
    if (!entry) return { state: 'waiting', call: 'futex' };
    const lock = entry.address - BigInt(this.probe.locks.lock_object.lock);
    if (this.objects.typeName(lock) === LOCK_TYPE) return { state: 'lock', lock: { id: hex(lock), type: 'Lock' } };
    const owner = entry.address - BigInt(this.probe.object.ob_mutex);
    const type = this.objects.typeName(owner);
    if (type !== undefined) return { state: 'lock', lock: { id: hex(owner), type: `${type} (critical section)` } };
    return { state: 'waiting' };
  }

  /** The lock held by the innermost `with` block on a Lock or RLock of the frames (innermost first), if any. */
  private heldLock(frames: FrameSnapshot[], locations: FrameLocation[], stack: Memory): ThreadWaitSample['held'] {
    for (const [index, location] of locations.entries()) {
      const found = this.frameObjects.innermostWithBlock(location.frame, location.code, location.unit, stack);
      const type = found && found.block.exit === 'c-method' ? WITH_LOCKS.get(this.objects.typeName(found.block.manager) ?? '') : undefined;
      if (!found || !type) continue;
      // The handler of a `with` block has the line of its `with` statement.
      const id = hex(found.block.manager);
      const line = lineAt(this.reader, location.code, found.handler, this.codes);
      if (!this.heldNames.has(id)) this.heldNames.set(id, this.frameObjects.localNamed(location.frame, location.code, found.block.manager));
      const name = this.heldNames.get(id);
      return { id, type, file: frames[index]?.file ?? '?', line, ...(name && { name }) };
    }
    return undefined;
  }

  private waitEntries(): WaitEntry[] {
    try {
      return readWaitEntries(this.reader.memory, this.target.parkingLot, this.probe.parking_lot).entries;
    } catch (error) {
      if (!isInspectError(error, 'torn-read')) throw error;
      return []; // the parked threads then count as 'waiting'
    }
  }

  /**
   * A reader that has the fields a sample reads of the runtime and of its newest interpreter (the
   * main one, unless subinterpreters run) in one read each, a few KB: the interpreter list, the
   * thread list's head, whether the world is stopped and whether a collection runs.
   */
  private interpreterFieldsRead(): ObjectReader {
    const { runtime_state: runtimeLayout, interpreter_state: interpreterLayout } = this.reader.offsets;
    const { interpreter_state: probeInterpreter, stop_the_world: stw, runtime_state: probeRuntime, gc } = this.probe;
    const memory = new PrefetchedMemory(this.reader.memory);
    const runtime = this.target.runtime;
    const runtimeFields = readSpan(this.reader.memory, runtime, [runtimeLayout.interpreters_head, probeRuntime.stoptheworld + stw.world_stopped]);
    memory.add(runtimeFields.address, runtimeFields.bytes);
    const newest = runtimeFields.bytes.readBigUInt64LE(Number(runtime + BigInt(runtimeLayout.interpreters_head) - runtimeFields.address));
    if (isPointerLike(newest)) {
      const fields = [
        interpreterLayout.next,
        interpreterLayout.threads_head,
        probeInterpreter.gc + gc.collecting,
        probeInterpreter.stoptheworld + stw.world_stopped,
      ];
      const interpreterFields = readSpan(this.reader.memory, newest, fields);
      memory.add(interpreterFields.address, interpreterFields.bytes);
    }
    return new ObjectReader(memory, this.reader.offsets);
  }

  /** Whether the world is stopped (by the interpreter, or the whole runtime), and whether a collection runs. */
  private readInterpreter(memory: Memory, interpreter: bigint): { worldStopped: boolean; collecting: boolean } {
    const { interpreter_state: layout, stop_the_world: stw, runtime_state: runtime, gc } = this.probe;
    const byte = (address: bigint) => memory.read(address, 1)[0] !== 0;
    return {
      worldStopped:
        byte(interpreter + BigInt(layout.stoptheworld + stw.world_stopped)) || byte(this.target.runtime + BigInt(runtime.stoptheworld + stw.world_stopped)),
      collecting: memory.read(interpreter + BigInt(layout.gc + gc.collecting), 4).readInt32LE(0) !== 0,
    };
  }
}

/** The bytes of a struct at `base` from the first of `offsets` to 8 bytes past the last (a pointer's worth). */
function readSpan(memory: Memory, base: bigint, offsets: number[]): MemorySegment {
  const first = Math.min(...offsets);
  const address = base + BigInt(first);
  return { address, bytes: memory.read(address, Math.max(...offsets) + 8 - first) };
}

function sameFrame(a: FrameSnapshot | undefined, b: FrameSnapshot | undefined): boolean {
  return a !== undefined && b !== undefined && a.file === b.file && a.function === b.function && a.offset === b.offset;
}

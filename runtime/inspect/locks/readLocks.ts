// Lock state from memory alone: who holds what, who waits for what (the parking lot, and
// futex waits for semaphore-based locks), and what each waited-on address is. A plain Lock
// records no owner: its holder is known when that thread's frames are inside a `with` block on it.
// Ids follow Python's id(): '0x' + the hex address of the lock object (or of the object
// whose ob_mutex is taken); internal mutexes use their own address.
import type { LockInfo, LockKind, LockSite, LockThreadInfo } from '../../model/locks';
import type { ProbeOffsets } from '../../probe/offsets';
import { isInspectError } from '../errors';
import { ObjectReader } from '../objects';
import type { MapEntry } from '../procMaps';
import type { RuntimeSnapshot } from '../snapshot';
import type { InterpreterThreads, ThreadStateBytes } from '../walk';
import { FrameObjects, FrameView, isThreadingFunction, WithBlock } from './frameObjects';
import { hex, KnownLock, runtimeMutexes } from './runtimeMutexes';
import { readWaitEntries } from './parkingLot';
import { awaitedPrimitive } from './primitives';
import { PyObjects } from './pyObjects';
import { stackOwner } from './threadStacks';

/** Where to look, besides the memory: what the process itself says about its threads. */
export interface LockTarget {
  /** Address of _PyRuntime. */
  runtime: bigint;
  /** Address of the parking lot's bucket array (a static symbol of the runtime's binary). */
  parkingLot: bigint;
  pid: number;
  /** /proc/PID/maps: each thread's stack is one mapping. */
  maps: readonly MapEntry[];
  /** Native thread id -> futex word it sleeps on (/proc/PID/task/TID/syscall). */
  futexWaits: ReadonlyMap<number, bigint>;
}

export interface LocksReport {
  threads: LockThreadInfo[];
  locks: LockInfo[];
  /** What could not be known from memory, and why. */
  notes: string[];
}

interface ThreadView {
  info: LockThreadInfo;
  tstate: bigint;
  runState: number;
  criticalSection: bigint;
  currentFrame: bigint;
  frames: FrameView[];
}

const LOCK_TYPE = '_thread.lock';
const RLOCK_TYPE = '_thread.RLock';

/**
 * The locks of one walk of the thread states; `snapshot`, of the same walk, gives the threads'
 * names and where each waiter waits. `probe`: checked for this runtime.
 */
export function readLocks(reader: ObjectReader, target: LockTarget, probe: ProbeOffsets, walk: InterpreterThreads[], snapshot: RuntimeSnapshot): LocksReport {
  return new LockReader(reader, target, probe, walk, snapshot).read();
}

class LockReader {
  private readonly objects: PyObjects;
  private readonly locks = new Map<string, LockInfo>();
  private readonly notes: string[] = [];
  private readonly threads: ThreadView[] = [];
  /** Variable names (of the threads' frames, locals first) of objects, by address (for labels). */
  private readonly names = new Map<bigint, string>();
  /** RLock semaphores (rlock_lock) -> the RLock. */
  private readonly semaphores = new Map<bigint, KnownLock>();
  /** Lock and RLock objects -> the threads whose frames are inside a `with` block on them. */
  private readonly withHolders = new Map<bigint, Set<number>>();
  /** Locks held by `with condition:` blocks -> their Condition (to name them after it). */
  private readonly conditions = new Map<bigint, bigint>();

  constructor(
    private readonly reader: ObjectReader,
    private readonly target: LockTarget,
    private readonly probe: ProbeOffsets,
    private readonly walk: InterpreterThreads[],
    private readonly snapshot: RuntimeSnapshot,
  ) {
    this.objects = new PyObjects(this.reader);
  }

  read(): LocksReport {
    const interpreters = this.walk.map((entry) => entry.interpreter);
    for (const { threadStates } of this.walk) this.readThreads(threadStates);
    const frames = new FrameObjects(this.objects, this.probe);
    for (const thread of this.threads) thread.frames = frames.frames(thread.currentFrame);
    for (const thread of this.threads) this.readWithBlocks(thread);
    this.findLockObjects();
    this.readCriticalSections();
    for (const interpreter of interpreters) this.readImportLock(interpreter);
    this.readParkedWaiters(interpreters);
    this.readSemaphoreWaiters();
    for (const thread of this.threads) this.liftToPrimitive(thread);
    for (const thread of this.threads) {
      if (thread.info.waitsFor !== undefined) thread.info.state = 'blocked';
    }
    this.noteUnknownOwners();
    return { threads: this.threads.map((thread) => thread.info), locks: [...this.locks.values()], notes: this.notes };
  }

  private noteUnknownOwners(): void {
    const unknown = [...this.locks.values()].filter(
      (lock) => lock.held && !lock.ownerKnown && (lock.kind === 'Lock' || lock.kind === 'Semaphore' || lock.kind === 'BoundedSemaphore'),
    );
    if (unknown.length === 0) return;
    this.notes.push(
      `Who holds ${unknown.map((lock) => lock.label).join(', ')} is unknown: a threading.Lock (or Semaphore) records no owner in memory. ` +
        'The holder of a Lock taken in a `with` block is read from its frames; one taken by a bare acquire() call is not. ' +
        'Launch the program with ftpy and "trackLocks": true to know every holder and find deadlocks through them.',
    );
  }

  /**
   * The locks `thread` holds by `with` blocks: `with lock:`, or `with condition:` (its lock),
   * except those of a Condition it waits in (Condition.wait lets its lock go until it returns).
   */
  private readWithBlocks(thread: ThreadView): void {
    const releasedByWait = new Set(
      thread.frames
        .filter((frame) => isThreadingFunction(frame, 'Condition.wait') && frame.locals.length > 0)
        .map((frame) => this.conditionLock(frame.locals[0])),
    );
    for (const block of thread.frames.flatMap((frame) => frame.withBlocks)) {
      const lock = this.withBlockLock(block);
      if (lock === undefined || releasedByWait.has(lock)) continue;
      if (block.exit === 'threading.Condition') this.conditions.set(lock, block.manager);
      const holders = this.withHolders.get(lock) ?? new Set<number>();
      holders.add(thread.info.threadId);
      this.withHolders.set(lock, holders);
    }
  }

  /** The Lock or RLock a `with` block holds, if it holds one. */
  private withBlockLock(block: WithBlock): bigint | undefined {
    const lock = block.exit === 'threading.Condition' ? this.conditionLock(block.manager) : block.manager;
    const type = lock === undefined ? undefined : this.objects.typeName(lock);
    return type === LOCK_TYPE || type === RLOCK_TYPE ? lock : undefined;
  }

  /** A threading.Condition's lock (its `_lock`). */
  private conditionLock(condition: bigint): bigint | undefined {
    return this.objects.attribute(condition, '_lock');
  }

  private readThreads(threadStates: ThreadStateBytes[]): void {
    const layout = this.probe.thread_state;
    for (const { address, raw } of threadStates) {
      const threadId = raw.readBigUInt64LE(layout.thread_id);
      const runState = raw.readInt32LE(layout.state);
      this.threads.push({
        info: {
          threadId: Number(threadId),
          nativeId: Number(raw.readBigUInt64LE(layout.native_thread_id)),
          name: this.snapshot.threads.find((thread) => thread.threadId === Number(threadId))?.name ?? null,
          // Detached: in C code that let go of the interpreter (a wait, I/O, sleep); suspended: paused by a stop-the-world.
          state: runState === this.probe.thread_states.attached ? 'running' : 'blocked',
          holds: [],
        },
        tstate: address,
        runState,
        criticalSection: raw.readBigUInt64LE(layout.critical_section),
        currentFrame: raw.readBigUInt64LE(layout.current_frame),
        frames: [],
      });
    }
  }

  private thread(threadId: number): ThreadView | undefined {
    return this.threads.find((thread) => thread.info.threadId === threadId);
  }

  private addLock(lock: KnownLock): LockInfo {
    let known = this.locks.get(lock.id);
    if (!known) {
      known = { ...lock, waiters: [] };
      this.locks.set(lock.id, known);
    }
    for (const owner of known.owners) {
      const holder = this.thread(owner);
      if (holder && !holder.info.holds.includes(known.id)) holder.info.holds.push(known.id);
    }
    return known;
  }

  /** `threadId` waits for `lock`, from its Python frame at `depth` (below the lock's own methods). */
  private wait(threadId: number, lock: LockInfo, depth = 0): void {
    const thread = this.thread(threadId);
    if (!thread) return;
    thread.info.waitsFor = lock.id;
    if (!lock.waiters.includes(threadId)) lock.waiters.push(threadId);
    const site = this.siteOf(thread.info.threadId, depth);
    if (site) lock.awaitedAt = { ...lock.awaitedAt, [String(threadId)]: site };
  }

  /**
   * Where a thread waits: its innermost Python line from `depth` on that is not in frozen
   * import machinery, from the snapshot (when given).
   */
  private siteOf(threadId: number, depth: number): LockSite | undefined {
    const frames = (this.snapshot.threads.find((thread) => thread.threadId === threadId)?.frames ?? []).slice(depth);
    const top = frames.find((frame) => !frame.file.startsWith('<frozen '));
    if (!top || top.line === null) return undefined;
    return {
      path: top.file,
      line: top.line,
      function: top.function,
      stack: frames.filter((frame) => frame.line !== null).map((frame) => ({ path: frame.file, line: frame.line as number, function: frame.function })),
    };
  }

  /** Locks reachable from the threads' frames (locals, globals, `with` blocks): held Locks, RLocks with their owners. */
  private findLockObjects(): void {
    const seenGlobals = new Set<bigint>();
    const candidates = new Set<bigint>(this.withHolders.keys());
    for (const thread of this.threads) {
      for (const frame of thread.frames) {
        frame.locals.forEach((local, index) => {
          candidates.add(local);
          // `self` names nothing: the method's own object is better named by whoever holds it.
          const name = frame.localNames[index];
          if (name !== 'self' && name !== undefined && !this.names.has(local)) this.names.set(local, name);
        });
        if (seenGlobals.has(frame.globals) || frame.globals === 0n) continue;
        seenGlobals.add(frame.globals);
        for (const [key, value] of this.globalsOf(frame.globals)) {
          candidates.add(value);
          if (!this.names.has(value)) this.names.set(value, key);
        }
      }
    }
    for (const [lock, condition] of this.conditions) {
      const name = this.names.get(condition);
      if (name !== undefined && !this.names.has(lock)) this.names.set(lock, `${name}._lock`);
    }
    for (const object of candidates) {
      const type = this.objects.typeName(object);
      if (type === LOCK_TYPE) this.lockObject(object);
      else if (type === RLOCK_TYPE) this.rlockObject(object);
    }
  }

  private globalsOf(dict: bigint): [string, bigint][] {
    try {
      return this.reader.dictItems(dict).map(([key, value]) => [this.keyName(key), value]);
    } catch (error) {
      if (!isInspectError(error, 'torn-read')) throw error;
      return [];
    }
  }

  private keyName(key: bigint): string {
    try {
      return this.reader.string(key);
    } catch (error) {
      if (!isInspectError(error, 'torn-read')) throw error;
      return '?';
    }
  }

  private label(kind: string, object: bigint): string {
    const name = this.names.get(object);
    return `${kind}${name ? ` '${name}'` : ''} at ${hex(object)}`;
  }

  /** A threading.Lock: held or free. Free and unwaited ones are left out. */
  private lockObject(object: bigint, waited = false): LockInfo | undefined {
    const state = this.lockState(object);
    if (!state.held && !waited) return undefined;
    return this.addLock({ id: hex(object), kind: 'Lock', label: this.label('Lock', object), ...state });
  }

  /**
   * A Lock records no holder: a held one's is the thread inside a `with` block on it, if one is
   * (one taken by a bare acquire() has none; two would mean a block that released it early).
   */
  private lockState(object: bigint): Pick<LockInfo, 'owners' | 'ownerKnown' | 'held' | 'ownerFrom'> {
    const held = this.lockHeld(object);
    const holders = [...(this.withHolders.get(object) ?? [])];
    if (!held || holders.length !== 1) return { owners: [], ownerKnown: false, held };
    return { owners: holders, ownerKnown: true, held, ownerFrom: 'with-block' };
  }

  private lockHeld(object: bigint): boolean {
    const { lock_object: layout, mutex_bits: bits } = this.probe.locks;
    return ((this.reader.memory.read(object + BigInt(layout.lock), 1)[0] >> bits.locked) & 1) === 1;
  }

  /** A threading.RLock (3.13: owner ident and count; waiters sleep on its semaphore). Free ones are kept aside for waiters. */
  private rlockObject(object: bigint): void {
    const { lock, semaphore } = this.rlockState(object);
    this.semaphores.set(semaphore, { id: hex(object), kind: 'RLock', label: this.label('RLock', object), ...lock });
    if (lock.held) this.addLock({ id: hex(object), kind: 'RLock', label: this.label('RLock', object), ...lock });
  }

  private rlockState(object: bigint): { lock: Pick<LockInfo, 'owners' | 'ownerKnown' | 'held' | 'count'>; semaphore: bigint } {
    const layout = this.probe.locks.rlock_object;
    const raw = this.reader.memory.read(object, layout.size);
    const owner = Number(raw.readBigUInt64LE(layout.rlock_owner));
    const count = Number(raw.readBigUInt64LE(layout.rlock_count));
    return {
      lock: { owners: owner === 0 ? [] : [owner], ownerKnown: true, held: owner !== 0, ...(owner === 0 ? {} : { count }) },
      semaphore: raw.readBigUInt64LE(layout.rlock_lock),
    };
  }

  /**
   * A thread parked inside Condition.wait, Queue.get, …: it waits for that primitive, not
   * for the private waiter lock it is parked on (dropped unless another thread waits on it too).
   */
  private liftToPrimitive(thread: ThreadView): void {
    const parkedOn = thread.info.waitsFor === undefined ? undefined : this.locks.get(thread.info.waitsFor);
    const primitive = parkedOn && awaitedPrimitive(thread.frames);
    if (!parkedOn || !primitive) return;
    parkedOn.waiters = parkedOn.waiters.filter((waiter) => waiter !== thread.info.threadId);
    const sites = Object.entries(parkedOn.awaitedAt ?? {}).filter(([waiter]) => waiter !== String(thread.info.threadId));
    parkedOn.awaitedAt = sites.length > 0 ? Object.fromEntries(sites) : undefined;
    if (parkedOn.waiters.length === 0) this.locks.delete(parkedOn.id);
    this.wait(thread.info.threadId, this.addLock(this.primitiveLock(primitive.kind, primitive.object)), primitive.depth);
  }

  /** A Condition, Semaphore, Event, Barrier, Queue or module import lock, with what its attributes say. */
  private primitiveLock(kind: LockKind, object: bigint): KnownLock {
    const type = this.objects.typeName(object) ?? kind;
    const base = { id: hex(object), kind, label: this.label(type, object), owners: [] as number[], ownerKnown: true, held: false };
    if (kind === 'Condition') return { ...base, ...this.underlyingLock(this.objects.attribute(object, '_lock')) };
    if (kind === 'Semaphore') {
      // Who took a Semaphore is not recorded; its value says how many more may.
      const value = this.objects.intAttribute(object, '_value');
      return {
        ...base,
        kind: type === 'BoundedSemaphore' ? 'BoundedSemaphore' : 'Semaphore',
        ownerKnown: false,
        held: value === 0,
        ...(value === undefined ? {} : { count: value }),
      };
    }
    if (kind === 'import-lock') {
      const owner = this.objects.intAttribute(object, 'owner');
      const name = this.objects.attribute(object, 'name');
      const module = name === undefined ? undefined : this.reader.string(name);
      return { ...base, label: `import lock of module '${module ?? '?'}' at ${hex(object)}`, owners: owner ? [owner] : [], held: owner !== undefined };
    }
    return base;
  }

  /** A Condition's lock: an RLock says who holds it; a Lock, whether it is held (and by whom, in a `with` block). */
  private underlyingLock(lock: bigint | undefined): Pick<LockInfo, 'owners' | 'ownerKnown' | 'held' | 'count' | 'ownerFrom'> {
    const type = lock === undefined ? undefined : this.objects.typeName(lock);
    if (lock !== undefined && type === RLOCK_TYPE) return this.rlockState(lock).lock;
    if (lock !== undefined && type === LOCK_TYPE) return this.lockState(lock);
    return { owners: [], ownerKnown: false, held: false };
  }

  /**
   * Object mutexes held by critical sections: an attached thread holds the mutexes of its
   * active sections (a detached one has suspended them all, releasing the mutexes).
   */
  private readCriticalSections(): void {
    const layout = this.probe.locks.critical_section;
    for (const thread of this.threads) {
      if (thread.runState !== this.probe.thread_states.attached) continue;
      let tagged = thread.criticalSection;
      for (let depth = 0; tagged !== 0n && depth < 64; depth++) {
        if (tagged & BigInt(layout.tag_inactive)) break;
        const section = tagged & ~BigInt(layout.tag_mask);
        try {
          const raw = this.reader.memory.read(section, (tagged & BigInt(layout.tag_two_mutexes)) !== 0n ? layout.size2 : layout.size);
          const mutexes = [raw.readBigUInt64LE(layout.mutex), ...(raw.length >= layout.size2 ? [raw.readBigUInt64LE(layout.mutex2)] : [])];
          for (const mutex of mutexes) if (mutex !== 0n) this.objectMutex(mutex, [thread.info.threadId]);
          tagged = raw.readBigUInt64LE(layout.prev);
        } catch (error) {
          if (!isInspectError(error, 'torn-read')) throw error;
          break;
        }
      }
    }
  }

  /** The object whose ob_mutex is at `mutex`, as a critical-section lock. */
  private objectMutex(mutex: bigint, owners: number[] | undefined): LockInfo | undefined {
    const object = mutex - BigInt(this.probe.object.ob_mutex);
    const type = this.objects.typeName(object);
    if (type === undefined) return undefined;
    const held = ((this.reader.memory.read(mutex, 1)[0] >> this.probe.locks.mutex_bits.locked) & 1) === 1;
    return this.addLock({
      id: hex(object),
      kind: 'critical-section',
      label: `${type} at ${hex(object)} (ob_mutex)`,
      owners: owners ?? [],
      // Held by a critical section of an attached thread: found there, or nowhere (held in passing).
      ownerKnown: true,
      held,
    });
  }

  /** The interpreter's import lock (_PyRecursiveMutex): owner ident and hold count. */
  private readImportLock(interpreter: bigint): void {
    const layout = this.probe.locks.recursive_mutex;
    const lock = interpreter + BigInt(this.probe.interpreter_state.imports_lock);
    const raw = this.reader.memory.read(lock, layout.size);
    const owner = Number(raw.readBigUInt64LE(layout.thread));
    if (owner === 0) return;
    this.addLock({
      id: hex(lock),
      kind: 'import-lock',
      label: 'import lock',
      owners: [owner],
      ownerKnown: true,
      held: true,
      count: Number(raw.readBigUInt64LE(layout.level)) + 1,
    });
  }

  private readParkedWaiters(interpreters: bigint[]): void {
    const { pid, maps } = this.target;
    const owner = stackOwner(
      maps,
      pid,
      this.threads.map((thread) => thread.info),
    );
    const { entries, torn } = readWaitEntries(this.reader.memory, this.target.parkingLot, this.probe.parking_lot);
    if (torn > 0) this.notes.push(`${torn} parking-lot bucket(s) changed while being read: their waiters are left out`);
    const importLocks = interpreters.map((interpreter) => interpreter + BigInt(this.probe.interpreter_state.imports_lock));
    const named = runtimeMutexes(
      this.reader.memory,
      this.probe,
      this.target.runtime,
      interpreters,
      this.threads.map(({ info, tstate }) => ({ ...info, tstate })),
    );
    for (const lock of importLocks) {
      // Its waiters park on its PyMutex; its owner was read with the held locks.
      named.set(
        lock + BigInt(this.probe.locks.recursive_mutex.mutex),
        this.locks.get(hex(lock)) ?? { id: hex(lock), kind: 'import-lock', label: 'import lock', owners: [], ownerKnown: true, held: false },
      );
    }
    for (const entry of entries) {
      const threadId = owner(entry.entry);
      if (threadId === undefined) {
        this.notes.push(`a waiter on ${hex(entry.address)} whose stack belongs to no Python thread`);
        continue;
      }
      this.wait(threadId, this.awaited(entry.address, named));
    }
  }

  /** What a parked waiter's address is. */
  private awaited(address: bigint, named: Map<bigint, KnownLock>): LockInfo {
    const known = named.get(address);
    if (known) return this.addLock(known);
    const lockObject = address - BigInt(this.probe.locks.lock_object.lock);
    if (this.objects.typeName(lockObject) === LOCK_TYPE) return this.lockObject(lockObject, true) as LockInfo;
    const objectMutex = this.objectMutex(address, undefined);
    if (objectMutex) return objectMutex;
    return this.addLock({ id: hex(address), kind: 'unknown', label: `internal mutex at ${hex(address)}`, owners: [], ownerKnown: false, held: true });
  }

  /** Threads asleep on an RLock's semaphore (3.13 RLocks are not in the parking lot). */
  private readSemaphoreWaiters(): void {
    for (const thread of this.threads) {
      const address = this.target.futexWaits.get(thread.info.nativeId);
      const lock = address === undefined ? undefined : this.semaphores.get(address);
      if (lock) this.wait(thread.info.threadId, this.addLock(lock));
    }
  }
}

// runtime/inspect: read a live free-threaded CPython's memory from outside.
import { DebugOffsets, readDebugOffsets, SUPPORTED } from './debugOffsets';
import { InspectError, isInspectError, processAccessError } from './errors';
import { Memory, ProcessMemory } from './memory';
import { ObjectReader } from './objects';
import { readProcMaps } from './procMaps';
import { locateRuntime, RuntimeLocation } from './runtimeLocation';
import { matchingProbe, RuntimeSnapshot, snapshotOf } from './snapshot';
import { LocksReport, readLocks } from './locks/readLocks';
import { readFutexWaits, SyscallFiles } from './threadWaits';
import type { ProbeOffsets } from '../probe/offsets';
import { RuntimeSampler } from './runtimeSample';
import { WaitSampler } from './waitSample';
import { AbandonedPool, readAbandonedPool, readThreadHeaps } from './heaps';
import { readRefcountAnatomy } from './refcount';
import { walkThreadStates } from './walk';
import type { RefcountAnatomy, ThreadHeaps } from '../model/samples';
import * as fs from 'node:fs';
import * as path from 'node:path';

export { InspectError, isInspectError } from './errors';
export type { InspectErrorKind } from './errors';
export { parseDebugOffsets, SUPPORTED } from './debugOffsets';
export type { DebugOffsets, PythonVersion } from './debugOffsets';
export { ElfFile } from './elf';
export type { Memory } from './memory';
export { ProcessMemory, RecordedMemory, RecordingMemory } from './memory';
export { parseProcMaps, readProcMaps } from './procMaps';
export { listPythonProcesses } from './processes';
export type { PythonProcess } from './processes';
export { locateRuntime } from './runtimeLocation';
export type { RuntimeLocation } from './runtimeLocation';
export { isFtpyAgentThread, takeSnapshot } from './snapshot';
export type { RuntimeSnapshot, ThreadSnapshot, ThreadRunState, ThreadStateProbe } from './snapshot';
export type { FrameSnapshot } from './frames';
export type { LocksReport } from './locks/readLocks';
export { RuntimeSampler } from './runtimeSample';
export type { WaitSampler, WaitSample, ThreadWaitSample, WaitState } from './waitSample';
export type { AbandonedPool } from './heaps';

export type ClosableMemory = Memory & { close(): void };

/**
 * An attached live process: located once, its debug offsets read once, one object reader, and
 * the probe's offsets checked once against it; then read as often as needed, one walk of its
 * thread states per read.
 */
export class ProcessReader {
  private readonly objects: ObjectReader;
  private checkedProbe: ProbeOffsets | string;
  /** Kept open for the samplers of this process, closed with it. */
  private readonly syscalls: SyscallFiles;

  private constructor(
    readonly pid: number,
    readonly location: RuntimeLocation,
    private readonly memory: ClosableMemory,
    offsets: DebugOffsets,
  ) {
    this.objects = new ObjectReader(memory, offsets);
    this.checkedProbe = matchingProbe<ProbeOffsets>(undefined, offsets);
    this.syscalls = new SyscallFiles(pid);
  }

  /**
   * Locates the runtime and validates it (a supported version and build) before anything else.
   * `openMemory`: how the process's memory is opened (tests count the reads through it).
   */
  static attach(pid: number, openMemory: (pid: number) => ClosableMemory = ProcessMemory.open): ProcessReader {
    if (process.env.FTPY_PROCESS_MEMORY === 'off') {
      throw new InspectError('memory-off', `reading process ${pid}'s memory is off (FTPY_PROCESS_MEMORY=off), as on a system without /proc/PID/mem`);
    }
    try {
      fs.accessSync(`/proc/${pid}`);
    } catch (error) {
      throw processAccessError(pid, error);
    }
    const location = locateRuntime(readProcMaps(pid));
    const memory = openMemory(pid);
    try {
      return new ProcessReader(pid, location, memory, readDebugOffsets(memory, location.address));
    } catch (error) {
      memory.close();
      // A _PyRuntime without the debug offsets' cookie: a CPython older than 3.13.
      throw isInspectError(error, 'not-python') ? olderThan313(location) : error;
    }
  }

  /** The probe's offsets for this runtime, or why there are none (what needs them says so). */
  get probe(): ProbeOffsets | string {
    return this.checkedProbe;
  }

  /** Takes the probe's offsets, checked once (offsets measured for another build are refused), or why there are none. */
  useProbe(probe: ProbeOffsets | string): void {
    this.checkedProbe = typeof probe === 'string' ? probe : matchingProbe(probe, this.objects.offsets);
  }

  /** Threads and stacks (their run states and eval-breaker bits with the probe). */
  snapshot(): RuntimeSnapshot {
    return snapshotOf(this.objects, walkThreadStates(this.objects, this.location.address), this.checkedProbe);
  }

  /** A sampler of threads, GC and stop-the-world. */
  sampler(): RuntimeSampler {
    return new RuntimeSampler(this.objects, this.location.address, this.needProbe());
  }

  heaps(): ThreadHeaps[] {
    return readThreadHeaps(this.objects, walkThreadStates(this.objects, this.location.address), this.needProbe());
  }

  abandonedPool(): AbandonedPool {
    return readAbandonedPool(this.objects, this.location.address, this.needProbe());
  }

  refcount(address: bigint): RefcountAnatomy {
    return readRefcountAnatomy(this.objects, this.location.address, this.needProbe(), address);
  }

  /** What every thread is doing now, many times a second (`ftpy profile`). */
  waitSampler(): WaitSampler {
    const probe = this.needProbe();
    return new WaitSampler(this.objects, { runtime: this.location.address, parkingLot: this.parkingLot(probe), syscalls: this.syscalls }, probe);
  }

  /** Who holds and who waits for which lock, now, with the snapshot of the same walk (where each waiter waits). */
  locks(): { report: LocksReport; snapshot: RuntimeSnapshot } {
    const probe = this.needProbe();
    const target = {
      runtime: this.location.address,
      parkingLot: this.parkingLot(probe),
      pid: this.pid,
      maps: readProcMaps(this.pid),
      futexWaits: readFutexWaits(this.pid),
    };
    const walk = walkThreadStates(this.objects, this.location.address);
    const snapshot = snapshotOf(this.objects, walk, probe);
    return { report: readLocks(this.objects, target, probe, walk, snapshot), snapshot };
  }

  /** The address of the parking lot's bucket array, a static symbol of the runtime's binary. */
  private parkingLot(probe: ProbeOffsets): bigint {
    const buckets = this.location.elf.symbol(probe.parking_lot.buckets_symbol);
    const size = BigInt(probe.parking_lot.num_buckets * probe.parking_lot.bucket.size);
    if (!buckets || buckets.size !== size) {
      throw new InspectError(
        'bad-elf',
        `the parking lot (symbol "${probe.parking_lot.buckets_symbol}") is not in ${this.location.binary}'s symbol table: lock waiters cannot be read (is the binary stripped?)`,
      );
    }
    return this.location.loadBias + buckets.value;
  }

  /**
   * The interpreter executable the process runs, when it is a python (not some
   * program embedding libpython): what the offsets probe is built for.
   */
  interpreterPath(): string | undefined {
    try {
      const exe = fs.realpathSync(`/proc/${this.pid}/exe`);
      return path.basename(exe).includes('python') ? exe : undefined;
    } catch {
      return undefined; // exited meanwhile, or not readable: the caller goes without
    }
  }

  close(): void {
    this.syscalls.close();
    this.memory.close();
  }

  private needProbe(): ProbeOffsets {
    if (typeof this.checkedProbe === 'string') throw new InspectError('unsupported-build', this.checkedProbe);
    return this.checkedProbe;
  }
}

function olderThan313(location: RuntimeLocation): InspectError {
  const version = /python(\d+\.\d+)/.exec(location.binary.slice(location.binary.lastIndexOf('/')))?.[1];
  return new InspectError(
    'unsupported-version',
    `CPython ${version ?? 'older than 3.13'} (${location.binary}, no _Py_DebugOffsets) is not supported: this reader supports ${SUPPORTED}`,
  );
}

/** A snapshot of process `pid`: the whole runtime, read without stopping it. */
export function snapshotProcess(pid: number, probe?: ProbeOffsets): RuntimeSnapshot {
  const reader = ProcessReader.attach(pid);
  try {
    if (probe) reader.useProbe(probe);
    return reader.snapshot();
  } finally {
    reader.close();
  }
}

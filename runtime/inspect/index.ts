// runtime/inspect: read a live free-threaded CPython's memory from outside.
import { SUPPORTED } from './debugOffsets';
import { InspectError, isInspectError, processAccessError } from './errors';
import { ProcessMemory } from './memory';
import { readProcMaps } from './procMaps';
import { locateRuntime, RuntimeLocation } from './runtimeLocation';
import { readDebugOffsets, RuntimeSnapshot, SnapshotOptions, takeSnapshot } from './snapshot';
import { LocksReport, readLocks } from './locks/readLocks';
import { readFutexWaits } from './threadWaits';
import type { ProbeOffsets } from '../probe/offsets';
import { RuntimeSampler } from './runtimeSample';
import { AbandonedPool, readAbandonedPool, readThreadHeaps } from './heaps';
import { readRefcountAnatomy } from './refcount';
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
export type { RuntimeSnapshot, SnapshotOptions, ThreadSnapshot, ThreadRunState, ThreadStateProbe } from './snapshot';
export type { FrameSnapshot } from './frames';
export type { LocksReport } from './locks/readLocks';
export { RuntimeSampler } from './runtimeSample';
export type { AbandonedPool } from './heaps';

/** An attached live process: located once, then snapshotted as often as needed. */
export class ProcessReader {
  private constructor(
    readonly pid: number,
    readonly location: RuntimeLocation,
    private readonly memory: ProcessMemory,
  ) {}

  /** Locates the runtime and validates it (a supported version and build) before anything else. */
  static attach(pid: number): ProcessReader {
    if (process.env.FTPY_PROCESS_MEMORY === 'off') {
      throw new InspectError('memory-off', `reading process ${pid}'s memory is off (FTPY_PROCESS_MEMORY=off), as on a system without /proc/PID/mem`);
    }
    try {
      fs.accessSync(`/proc/${pid}`);
    } catch (error) {
      throw processAccessError(pid, error);
    }
    const location = locateRuntime(readProcMaps(pid));
    const memory = ProcessMemory.open(pid);
    try {
      readDebugOffsets(memory, location.address); // fail now, with the reason, if it is not a runtime we read
    } catch (error) {
      memory.close();
      // A _PyRuntime without the debug offsets' cookie: a CPython older than 3.13.
      throw isInspectError(error, 'not-python') ? olderThan313(location) : error;
    }
    return new ProcessReader(pid, location, memory);
  }

  snapshot(options: SnapshotOptions = {}): RuntimeSnapshot {
    return takeSnapshot(this.memory, this.location.address, options);
  }

  /** A sampler of threads, GC and stop-the-world (throws when `probe` is not this runtime's). */
  sampler(probe: ProbeOffsets): RuntimeSampler {
    return new RuntimeSampler(this.memory, this.location.address, probe);
  }

  heaps(probe: ProbeOffsets): ThreadHeaps[] {
    return readThreadHeaps(this.memory, this.location.address, probe);
  }

  abandonedPool(probe: ProbeOffsets): AbandonedPool {
    return readAbandonedPool(this.memory, this.location.address, probe);
  }

  refcount(probe: ProbeOffsets, address: bigint): RefcountAnatomy {
    return readRefcountAnatomy(this.memory, this.location.address, probe, address);
  }

  /**
   * Who holds and who waits for which lock, now. `snapshot` (taken just before, with the same
   * probe) adds where each waiter waits; without it one is taken.
   */
  locks(probe: ProbeOffsets, snapshot: RuntimeSnapshot = this.snapshot({ probe })): LocksReport {
    const { elf, loadBias } = this.location;
    const buckets = elf.symbol(probe.parking_lot.buckets_symbol);
    const size = BigInt(probe.parking_lot.num_buckets * probe.parking_lot.bucket.size);
    if (!buckets || buckets.size !== size) {
      throw new InspectError(
        'bad-elf',
        `the parking lot (symbol "${probe.parking_lot.buckets_symbol}") is not in ${this.location.binary}'s symbol table: lock waiters cannot be read (is the binary stripped?)`,
      );
    }
    const target = {
      runtime: this.location.address,
      parkingLot: loadBias + buckets.value,
      pid: this.pid,
      maps: readProcMaps(this.pid),
      futexWaits: readFutexWaits(this.pid),
    };
    return readLocks(this.memory, target, probe, snapshot);
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
    this.memory.close();
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
export function snapshotProcess(pid: number, options: SnapshotOptions = {}): RuntimeSnapshot {
  const reader = ProcessReader.attach(pid);
  try {
    return reader.snapshot(options);
  } finally {
    reader.close();
  }
}

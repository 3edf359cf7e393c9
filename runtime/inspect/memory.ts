// Reading another process's memory: an interface, the live /proc/PID/mem
// implementation (read-only) and a recorded-bytes implementation for tests.
import * as fs from 'node:fs';
import { InspectError, processAccessError, tornRead } from './errors';

export interface Memory {
  /** Exactly `length` bytes at `address`, or an InspectError ('torn-read' when unmapped). */
  read(address: bigint, length: number): Buffer;
}

/** Longest single read the reader ever asks for; anything larger is a corrupted length. */
export const MAX_READ = 1 << 20;

function checkRequest(address: bigint, length: number): void {
  if (address <= 0n || address >= 1n << 64n || !Number.isInteger(length) || length < 0 || length > MAX_READ) {
    throw tornRead(`${length} bytes at 0x${address.toString(16)}`);
  }
}

/** The live memory of a process, through /proc/PID/mem opened read-only. */
export class ProcessMemory implements Memory {
  private constructor(
    readonly pid: number,
    private readonly fd: number,
  ) {}

  static open(pid: number): ProcessMemory {
    try {
      return new ProcessMemory(pid, fs.openSync(`/proc/${pid}/mem`, 'r'));
    } catch (error) {
      throw processAccessError(pid, error);
    }
  }

  read(address: bigint, length: number): Buffer {
    checkRequest(address, length);
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    try {
      while (done < length) {
        const n = fs.readSync(this.fd, buffer, done, length - done, address + BigInt(done));
        if (n === 0) break;
        done += n;
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EIO' || code === 'EFAULT') throw tornRead(`${length} bytes at 0x${address.toString(16)}`);
      if (code === 'ESRCH') throw new InspectError('no-such-process', `process ${this.pid} exited`);
      throw processAccessError(this.pid, error);
    }
    if (done < length) throw tornRead(`${length} bytes at 0x${address.toString(16)}`);
    return buffer;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

export interface MemorySegment {
  address: bigint;
  bytes: Buffer;
}

/** A fixed memory image: reads must fall inside one segment, like a mapping. */
export class RecordedMemory implements Memory {
  private readonly segments: MemorySegment[];

  constructor(segments: MemorySegment[]) {
    this.segments = [...segments].sort((a, b) => (a.address < b.address ? -1 : 1));
  }

  read(address: bigint, length: number): Buffer {
    checkRequest(address, length);
    // Segments may overlap (recorded reads): try those starting at or below `address`, nearest first.
    for (let i = this.lastStartingAtOrBelow(address); i >= 0; i--) {
      const segment = this.segments[i];
      const start = Number(address - segment.address);
      if (start + length <= segment.bytes.length) return Buffer.from(segment.bytes.subarray(start, start + length));
    }
    throw tornRead(`${length} bytes at 0x${address.toString(16)}`);
  }

  private lastStartingAtOrBelow(address: bigint): number {
    let low = 0;
    let high = this.segments.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (this.segments[middle].address <= address) low = middle + 1;
      else high = middle - 1;
    }
    return high;
  }
}

/** Wraps a Memory and keeps a copy of every successful read (to build recorded images). */
export class RecordingMemory implements Memory {
  readonly reads: MemorySegment[] = [];

  constructor(private readonly inner: Memory) {}

  read(address: bigint, length: number): Buffer {
    const bytes = this.inner.read(address, length);
    this.reads.push({ address, bytes: Buffer.from(bytes) });
    return bytes;
  }
}

/** Serves reads from blocks fetched in one go (e.g. a thread's frame stack), else from `inner`. */
export class PrefetchedMemory implements Memory {
  private readonly blocks: MemorySegment[] = [];

  constructor(private readonly inner: Memory) {}

  /** Adds a block read from `inner`. */
  add(address: bigint, bytes: Buffer): void {
    this.blocks.push({ address, bytes });
  }

  read(address: bigint, length: number): Buffer {
    for (const { address: start, bytes } of this.blocks) {
      const at = address - start;
      if (at >= 0n && at + BigInt(length) <= BigInt(bytes.length)) return bytes.subarray(Number(at), Number(at) + length);
    }
    return this.inner.read(address, length);
  }
}

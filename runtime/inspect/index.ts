// runtime/inspect: read a live free-threaded CPython's memory from outside.
import { processAccessError } from './errors';
import { ProcessMemory } from './memory';
import { readProcMaps } from './procMaps';
import { locateRuntime } from './runtimeLocation';
import { RuntimeSnapshot, SnapshotOptions, takeSnapshot } from './snapshot';
import * as fs from 'node:fs';

export { InspectError, isInspectError } from './errors';
export type { InspectErrorKind } from './errors';
export { parseDebugOffsets, SUPPORTED } from './debugOffsets';
export type { DebugOffsets, PythonVersion } from './debugOffsets';
export { ElfFile } from './elf';
export type { Memory } from './memory';
export { ProcessMemory, RecordedMemory, RecordingMemory } from './memory';
export { parseProcMaps, readProcMaps } from './procMaps';
export { locateRuntime } from './runtimeLocation';
export type { RuntimeLocation } from './runtimeLocation';
export { takeSnapshot } from './snapshot';
export type { RuntimeSnapshot, SnapshotOptions, ThreadSnapshot, ThreadStateOffsets, ThreadRunState } from './snapshot';
export type { FrameSnapshot } from './frames';

/** A snapshot of process `pid`: the whole runtime, read without stopping it. */
export function snapshotProcess(pid: number, options: SnapshotOptions = {}): RuntimeSnapshot {
  try {
    fs.accessSync(`/proc/${pid}`);
  } catch (error) {
    throw processAccessError(pid, error);
  }
  const location = locateRuntime(readProcMaps(pid));
  const memory = ProcessMemory.open(pid);
  try {
    return takeSnapshot(memory, location.address, options);
  } finally {
    memory.close();
  }
}

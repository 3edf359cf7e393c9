// /proc/PID/maps: which file is mapped where.
import * as fs from 'node:fs';
import { processAccessError } from './errors';

export interface MapEntry {
  start: bigint;
  end: bigint;
  perms: string;
  offset: bigint;
  inode: number;
  /** File path, pseudo name such as "[heap]", or "" for anonymous memory. */
  path: string;
}

const LINE = /^([0-9a-f]+)-([0-9a-f]+)\s+(\S{4})\s+([0-9a-f]+)\s+\S+\s+(\d+)\s*(.*)$/;

export function parseProcMaps(text: string): MapEntry[] {
  const entries: MapEntry[] = [];
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    entries.push({
      start: BigInt(`0x${match[1]}`),
      end: BigInt(`0x${match[2]}`),
      perms: match[3],
      offset: BigInt(`0x${match[4]}`),
      inode: Number(match[5]),
      path: match[6],
    });
  }
  return entries;
}

export function readProcMaps(pid: number): MapEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/maps`, 'latin1');
  } catch (error) {
    throw processAccessError(pid, error);
  }
  return parseProcMaps(text);
}

const BASENAME = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * Mapped files that may hold the Python runtime, in the order CPython's own
 * remote-debugging code tries them: basename contains "python", each file once,
 * with the start of its first (lowest) mapping.
 */
export function pythonBinaries(maps: MapEntry[]): { path: string; start: bigint }[] {
  const seen = new Map<string, bigint>();
  for (const entry of maps) {
    if (!entry.path.startsWith('/') || !BASENAME(entry.path).includes('python')) continue;
    const known = seen.get(entry.path);
    if (known === undefined || entry.start < known) seen.set(entry.path, entry.start);
  }
  return [...seen].map(([path, start]) => ({ path, start }));
}

// co_exceptiontable (3.11+): the handler covering each instruction, and how many value-stack
// items stay below it. Entries do not overlap and come in order of start; each is four varints
// (start, length, target, depth << 1 | lasti), in code units. A varint is 6-bit chunks, most
// significant first, bit 0x40 saying another chunk follows; bit 0x80 marks an entry's first byte.
import { tornRead } from './errors';
import type { CodeUnitRange } from './linetable/types';

export interface ExceptionTableEntry extends CodeUnitRange {
  /** The handler's first code unit. */
  target: number;
  /** Value-stack items kept under the handler: live all along the covered range. */
  depth: number;
  /** Whether the handler also gets the offset of the raising instruction. */
  lasti: boolean;
}

const ENTRY_START = 0x80;
const MORE = 0x40;
const CHUNK = 0x3f;

/** Throws a torn read on a table that is not one (cut short, or an entry without its start mark). */
export function parseExceptionTable(table: Uint8Array): ExceptionTableEntry[] {
  const entries: ExceptionTableEntry[] = [];
  let at = 0;
  const varint = (): number => {
    let value = 0;
    for (;;) {
      if (at >= table.length) throw tornRead('co_exceptiontable (cut short)');
      const byte = table[at++];
      value = value * 64 + (byte & CHUNK);
      if (!(byte & MORE)) return value;
    }
  };
  while (at < table.length) {
    if (!(table[at] & ENTRY_START)) throw tornRead('co_exceptiontable (no entry start)');
    const start = varint();
    const end = start + varint();
    const target = varint();
    const depthAndLasti = varint();
    entries.push({ start, end, target, depth: Math.floor(depthAndLasti / 2), lasti: (depthAndLasti & 1) === 1 });
  }
  return entries;
}

/** The entry covering code unit `unit`, if any. */
export function handlerAt(entries: readonly ExceptionTableEntry[], unit: number): ExceptionTableEntry | undefined {
  return entries.find((entry) => entry.start <= unit && unit < entry.end);
}

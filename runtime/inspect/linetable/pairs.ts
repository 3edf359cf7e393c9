// The byte-pair formats before 3.11: the 3.10 `co_linetable` (PEP 626) and `co_lnotab`
// (Objects/lnotab_notes.txt). Offsets and ranges are in bytes of bytecode.
import { LineRange, LineTableError } from './types';

function checkPairs(table: Uint8Array, name: string): void {
  if (table.length % 2) throw new LineTableError(`${name}: odd length ${table.length}, the table is made of byte pairs`);
}

function signedByte(value: number): number {
  return value >= 0x80 ? value - 0x100 : value;
}

/** A line delta of -128 marks a range without a line; it leaves the running line as it is. */
const NO_LINE = -128;

/**
 * 3.10 pairs (byte delta 0-254, signed line delta). Yields what 3.10's `co_lines()`
 * yields: every non-empty range, unmerged (long ranges are split every 254 bytes).
 */
export function* linetable310Ranges(table: Uint8Array, firstLine: number): Generator<LineRange> {
  checkPairs(table, 'co_linetable (3.10)');
  let line = firstLine;
  let end = 0;
  for (let offset = 0; offset < table.length; offset += 2) {
    const start = end;
    end += table[offset];
    const delta = signedByte(table[offset + 1]);
    if (delta !== NO_LINE) line += delta;
    if (end > start) yield { start, end, line: delta === NO_LINE ? null : line };
  }
}

/**
 * `co_lnotab` pairs (address increment, line increment); the line increment is signed
 * since 3.6. The line of an offset is co_firstlineno plus the line increments of every
 * pair whose cumulative address is at most that offset (PyCode_Addr2Line). Yields one
 * range per pair with a non-zero address increment, then the rest of the code, clipped
 * to `codeSize` (the compiler may leave pairs past the end of optimised-away code).
 */
export function* lnotabRanges(table: Uint8Array, firstLine: number, signed: boolean, codeSize: number): Generator<LineRange> {
  checkPairs(table, 'co_lnotab');
  let line = firstLine;
  let start = 0;
  for (let offset = 0; offset < table.length && start < codeSize; offset += 2) {
    const end = Math.min(start + table[offset], codeSize);
    if (end > start) yield { start, end, line };
    start = end;
    line += signed ? signedByte(table[offset + 1]) : table[offset + 1];
  }
  if (start < codeSize) yield { start, end: codeSize, line };
}

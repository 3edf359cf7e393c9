// Exact decoders for every line-table format CPython has used, mirroring
// Objects/codeobject.c of each version. Pure functions over the table's bytes.
import { locationEntries } from './locations';
import { linetable310Ranges, lnotabRanges } from './pairs';
import { LineRange, SourcePosition } from './types';

export type { LineRange, SourcePosition };
export { LineTableError } from './types';

export type LineTableFormat =
  | 'locations' // co_linetable, 3.11+
  | 'linetable310' // co_linetable, 3.10
  | 'lnotab' // co_lnotab, 3.6 to 3.9: signed line increments
  | 'lnotab-unsigned'; // co_lnotab, 2.7 and 3.0 to 3.5

/** The table a code object of CPython `major.minor` carries (co_linetable or co_lnotab) and its format. */
export function lineTableFormat(major: number, minor: number): LineTableFormat {
  const version = major * 100 + minor;
  if (version >= 311) return 'locations';
  if (version === 310) return 'linetable310';
  if (version >= 306) return 'lnotab';
  return 'lnotab-unsigned';
}

/** One position per code unit (2 bytes, inline caches included), as 3.11+'s `co_positions()`. */
export function positionsOf(table: Uint8Array, firstLine: number): SourcePosition[] {
  const positions: SourcePosition[] = [];
  for (const { start, end, position } of locationEntries(table, firstLine)) {
    for (let unit = start; unit < end; unit++) positions.push({ ...position });
  }
  return positions;
}

/**
 * The position of one code unit of a 3.11+ table (PyCode_Addr2Location), decoding only
 * up to it. A negative unit (a frame before its first instruction) is at the first line,
 * column 0, as in CPython; a unit past the table has no position.
 */
export function positionAt(table: Uint8Array, firstLine: number, codeUnit: number): SourcePosition {
  if (codeUnit < 0) return { line: firstLine, endLine: firstLine, column: 0, endColumn: 0 };
  const entry = findEntry(locationEntries(table, firstLine), codeUnit);
  return entry ? { ...entry.position } : { line: null, endLine: null, column: null, endColumn: null };
}

/**
 * The ranges exactly as the table lists them: `co_lines()` of 3.10 and 3.11 (which do
 * not merge), or per lnotab pair. Clipped to `codeSize` bytes.
 */
export function lineEntries(table: Uint8Array, firstLine: number, format: LineTableFormat, codeSize: number): LineRange[] {
  const ranges: LineRange[] = [];
  for (const range of rangesOf(table, firstLine, format, codeSize)) ranges.push(range);
  return ranges;
}

/**
 * Maximal ranges of one line (null for no line), as `co_lines()` of 3.12+ yields them;
 * for lnotab tables their starts are `dis.findlinestarts()`.
 */
export function lineRanges(table: Uint8Array, firstLine: number, format: LineTableFormat, codeSize: number): LineRange[] {
  const merged: LineRange[] = [];
  for (const range of rangesOf(table, firstLine, format, codeSize)) {
    const last = merged[merged.length - 1];
    if (last && last.line === range.line) last.end = range.end;
    else merged.push(range);
  }
  return merged;
}

/**
 * The line of a bytecode byte offset (PyCode_Addr2Line): null where the table says
 * "no line" or ends before the offset; a negative offset is at the first line.
 */
export function lineAt(table: Uint8Array, firstLine: number, format: LineTableFormat, byteOffset: number): number | null {
  if (byteOffset < 0) return firstLine;
  const range = findEntry(rangesOf(table, firstLine, format, Infinity), byteOffset);
  return range ? range.line : null;
}

function rangesOf(table: Uint8Array, firstLine: number, format: LineTableFormat, codeSize: number): Iterable<LineRange> {
  switch (format) {
    case 'locations':
      return clipped(locationRanges(table, firstLine), codeSize);
    case 'linetable310':
      return clipped(linetable310Ranges(table, firstLine), codeSize);
    case 'lnotab':
    case 'lnotab-unsigned':
      return lnotabRanges(table, firstLine, format === 'lnotab', codeSize);
  }
}

function* locationRanges(table: Uint8Array, firstLine: number): Generator<LineRange> {
  for (const { start, end, position } of locationEntries(table, firstLine)) {
    yield { start: start * 2, end: end * 2, line: position.line };
  }
}

function* clipped(ranges: Iterable<LineRange>, codeSize: number): Generator<LineRange> {
  for (const range of ranges) {
    if (range.start >= codeSize) return;
    yield { ...range, end: Math.min(range.end, codeSize) };
  }
}

function findEntry<T extends { start: number; end: number }>(entries: Iterable<T>, offset: number): T | undefined {
  for (const entry of entries) {
    if (offset < entry.end) return offset >= entry.start ? entry : undefined;
  }
  return undefined;
}

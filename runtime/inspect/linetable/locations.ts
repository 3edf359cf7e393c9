// The 3.11+ location table (`co_linetable` of 3.11 to 3.14; Objects/locations.md).
// Entries: a header byte (bit 7 set, kind in bits 6..3, length-1 in code units in
// bits 2..0) and a body whose bytes all have bit 7 clear. The only state carried
// from entry to entry is the current line, starting at co_firstlineno.
import { CodeUnitRange, LineTableError, SourcePosition } from './types';

/** One entry: code units [start, end) share `position`; `kind` is the entry's code (0-15). */
export interface LocationEntry extends CodeUnitRange {
  kind: number;
  position: SourcePosition;
}

const NO_LOCATION = 15;
const LONG = 14;
const NO_COLUMNS = 13;
const ONE_LINE0 = 10;
/** Varints longer than this cannot come from CPython (its varints are 32-bit). */
const MAX_VARINT_BYTES = 6;

class EntryReader {
  private offset = 0;
  constructor(private readonly table: Uint8Array) {}

  get atEnd(): boolean {
    return this.offset >= this.table.length;
  }

  header(): number {
    const value = this.table[this.offset];
    if ((value & 0x80) === 0) {
      throw new LineTableError(`location table: byte ${this.offset} (0x${value.toString(16)}) is not an entry header`);
    }
    this.offset++;
    return value;
  }

  /** A body byte: present, and with bit 7 clear (a set bit 7 starts the next entry). */
  byte(): number {
    if (this.atEnd) throw new LineTableError(`location table: entry truncated at byte ${this.offset}`);
    const value = this.table[this.offset];
    if (value & 0x80) throw new LineTableError(`location table: entry truncated at byte ${this.offset}`);
    this.offset++;
    return value;
  }

  /** 6-bit chunks, least significant first; bit 6 set means another chunk follows. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let count = 1; ; count++) {
      const chunk = this.byte();
      value += (chunk & 0x3f) * scale;
      if ((chunk & 0x40) === 0) return value;
      if (count === MAX_VARINT_BYTES) throw new LineTableError(`location table: varint longer than ${MAX_VARINT_BYTES} bytes before byte ${this.offset}`);
      scale *= 64;
    }
  }

  /** Sign in bit 0, magnitude above it. */
  signedVarint(): number {
    const raw = this.varint();
    const magnitude = Math.floor(raw / 2);
    return raw % 2 ? -magnitude : magnitude;
  }
}

/** CPython turns -1 columns (stored as varint 0) into None. */
function column(stored: number): number | null {
  return stored === 0 ? null : stored - 1;
}

/** Decodes the entries in order; linear in the table's size. */
export function* locationEntries(table: Uint8Array, firstLine: number): Generator<LocationEntry> {
  const reader = new EntryReader(table);
  let line = firstLine;
  let start = 0;
  while (!reader.atEnd) {
    const header = reader.header();
    const kind = (header >> 3) & 15;
    const end = start + (header & 7) + 1;
    let position: SourcePosition;
    if (kind === NO_LOCATION) {
      position = { line: null, endLine: null, column: null, endColumn: null };
    } else if (kind === LONG) {
      line += reader.signedVarint();
      const endLine = line + reader.varint();
      position = { line, endLine, column: column(reader.varint()), endColumn: column(reader.varint()) };
    } else if (kind === NO_COLUMNS) {
      line += reader.signedVarint();
      position = { line, endLine: line, column: null, endColumn: null };
    } else if (kind >= ONE_LINE0) {
      line += kind - ONE_LINE0;
      position = { line, endLine: line, column: reader.byte(), endColumn: reader.byte() };
    } else {
      const packed = reader.byte();
      const startColumn = kind * 8 + (packed >> 4);
      position = { line, endLine: line, column: startColumn, endColumn: startColumn + (packed & 15) };
    }
    yield { kind, start, end, position };
    start = end;
  }
}

// Shared shapes of the line-table decoders.

/** One code unit's source span, as `co_positions()` yields it; null where CPython yields None. */
export interface SourcePosition {
  line: number | null;
  endLine: number | null;
  column: number | null;
  endColumn: number | null;
}

/** Code units [start, end) of a code object's bytecode: what the location and exception tables cover. */
export interface CodeUnitRange {
  /** First code unit covered. */
  start: number;
  /** First code unit past the range. */
  end: number;
}

/** Bytecode byte offsets [start, end) and their line, as `co_lines()` yields them. */
export interface LineRange {
  start: number;
  end: number;
  line: number | null;
}

/** Thrown for truncated or corrupt tables; the only error the decoders throw. */
export class LineTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LineTableError';
  }
}

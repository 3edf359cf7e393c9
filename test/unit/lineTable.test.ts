// Hand-built tables for each entry kind and format, with the edge cases that
// decoders (gdb's libpython.py among them) got wrong: negative deltas above all.
import * as assert from 'node:assert/strict';
import { LineTableError, SourcePosition, lineAt, lineEntries, lineRanges, lineTableFormat, positionAt, positionsOf } from '../../runtime/inspect/linetable';

/** An entry header: bit 7, kind in bits 6..3, length-1 (code units) in bits 2..0. */
function header(kind: number, units: number): number {
  return 0x80 | (kind << 3) | (units - 1);
}

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

function at(line: number | null, endLine: number | null, column: number | null, endColumn: number | null): SourcePosition {
  return { line, endLine, column, endColumn };
}

const NOWHERE = at(null, null, null, null);

suite('line tables: format by version', () => {
  test('each CPython version maps to the table it carries', () => {
    assert.equal(lineTableFormat(2, 7), 'lnotab-unsigned');
    assert.equal(lineTableFormat(3, 5), 'lnotab-unsigned');
    assert.equal(lineTableFormat(3, 6), 'lnotab');
    assert.equal(lineTableFormat(3, 9), 'lnotab');
    assert.equal(lineTableFormat(3, 10), 'linetable310');
    assert.equal(lineTableFormat(3, 11), 'locations');
    assert.equal(lineTableFormat(3, 14), 'locations');
  });
});

suite('line tables: 3.11+ location entries', () => {
  test('short forms 0-9 keep the line; column = kind*8 + high nibble, end = column + low nibble', () => {
    for (let kind = 0; kind <= 9; kind++) {
      const table = bytes(header(kind, 2), (3 << 4) | 5);
      const column = kind * 8 + 3;
      assert.deepEqual(positionsOf(table, 7), [at(7, 7, column, column + 5), at(7, 7, column, column + 5)], `kind ${kind}`);
    }
  });

  test('one-line forms 10-12 move the line by 0, 1, 2 with raw column bytes', () => {
    const table = bytes(header(10, 1), 0, 127, header(11, 1), 4, 9, header(12, 1), 100, 120);
    assert.deepEqual(positionsOf(table, 10), [at(10, 10, 0, 127), at(11, 11, 4, 9), at(13, 13, 100, 120)]);
  });

  test('no-columns form 13 carries a signed line delta and no columns', () => {
    // svarint: 0x06 = +3, 0x03 = -1, 0x05 = -2, 0x00 = +0
    const table = bytes(header(13, 1), 0x06, header(13, 1), 0x03, header(13, 3), 0x05, header(13, 1), 0x00);
    assert.deepEqual(positionsOf(table, 20), [
      at(23, 23, null, null),
      at(22, 22, null, null),
      at(20, 20, null, null),
      at(20, 20, null, null),
      at(20, 20, null, null),
      at(20, 20, null, null),
    ]);
  });

  test('long form 14: signed delta, end-line delta, columns + 1 (0 means none), multi-byte varints', () => {
    const table = bytes(
      // +1 → line 2; end +203 (varint 4b 03); columns 4..13
      header(14, 1),
      0x02,
      0x4b,
      0x03,
      0x05,
      0x0e,
      // +202 (svarint 54 06) → 204; same end line; columns 12..13
      header(14, 1),
      0x54,
      0x06,
      0x00,
      0x0d,
      0x0e,
      // -202 (svarint 55 06) → 2; end +1; no columns
      header(14, 2),
      0x55,
      0x06,
      0x01,
      0x00,
      0x00,
    );
    assert.deepEqual(positionsOf(table, 1), [at(2, 205, 4, 13), at(204, 204, 12, 13), at(2, 3, null, null), at(2, 3, null, null)]);
  });

  test('no-location form 15 has no position and leaves the running line alone', () => {
    const table = bytes(header(11, 1), 0, 1, header(15, 2), header(0, 1), 0x01);
    assert.deepEqual(positionsOf(table, 5), [at(6, 6, 0, 1), NOWHERE, NOWHERE, at(6, 6, 0, 1)]);
    assert.deepEqual(lineEntries(table, 5, 'locations', 8), [
      { start: 0, end: 2, line: 6 },
      { start: 2, end: 6, line: null },
      { start: 6, end: 8, line: 6 },
    ]);
  });

  test('an entry covers up to 8 code units', () => {
    assert.equal(positionsOf(bytes(header(13, 8), 0x00), 1).length, 8);
  });

  test('worked example from CPython 3.11.7: a multi-line expression and a comprehension', () => {
    const table = bytes(0x80, 0x00, 0xd8, 0x09, 0x0a, 0xd8, 0x09, 0x0a, 0xf1, 0x03, 0x01, 0x0a, 0x0b, 0x98, 0x31);
    assert.deepEqual(positionsOf(table, 2), [
      at(2, 2, 0, 0),
      at(3, 3, 9, 10),
      at(4, 4, 9, 10),
      at(3, 4, 9, 10), // negative delta: back from line 4 to line 3
      at(3, 4, 9, 10),
      at(3, 3, 27, 28),
    ]);
    // 3.10/3.11's co_lines() lists the entries; 3.12+ merges runs of one line.
    assert.deepEqual(lineEntries(table, 2, 'locations', 12), [
      { start: 0, end: 2, line: 2 },
      { start: 2, end: 4, line: 3 },
      { start: 4, end: 6, line: 4 },
      { start: 6, end: 10, line: 3 },
      { start: 10, end: 12, line: 3 },
    ]);
    assert.deepEqual(lineRanges(table, 2, 'locations', 12), [
      { start: 0, end: 2, line: 2 },
      { start: 2, end: 4, line: 3 },
      { start: 4, end: 6, line: 4 },
      { start: 6, end: 12, line: 3 },
    ]);
  });

  test('positionAt decodes one unit; before the code it is the first line, past the table nothing', () => {
    const table = bytes(header(11, 1), 0, 1, header(15, 1), header(14, 1), 0x03, 0x00, 0x01, 0x02);
    assert.deepEqual(positionAt(table, 5, 0), at(6, 6, 0, 1));
    assert.deepEqual(positionAt(table, 5, 1), NOWHERE);
    assert.deepEqual(positionAt(table, 5, 2), at(5, 5, 0, 1));
    assert.deepEqual(positionAt(table, 5, 3), NOWHERE);
    assert.deepEqual(positionAt(table, 5, -1), at(5, 5, 0, 0));
  });

  test('lineAt takes byte offsets: odd offsets, no-location entries, outside the code', () => {
    const table = bytes(header(11, 2), 0, 1, header(15, 1), header(13, 1), 0x03);
    assert.equal(lineAt(table, 5, 'locations', 0), 6);
    assert.equal(lineAt(table, 5, 'locations', 3), 6);
    assert.equal(lineAt(table, 5, 'locations', 4), null);
    assert.equal(lineAt(table, 5, 'locations', 6), 5);
    assert.equal(lineAt(table, 5, 'locations', 8), null);
    assert.equal(lineAt(table, 5, 'locations', -2), 5);
  });

  test('ranges stop at the code size', () => {
    assert.deepEqual(lineRanges(bytes(header(13, 4), 0x02, header(13, 4), 0x02), 1, 'locations', 6), [{ start: 0, end: 6, line: 2 }]);
  });

  test('truncated or corrupt tables throw LineTableError', () => {
    const corrupt = {
      'short form without its byte': bytes(header(3, 1)),
      'one-line form with one column byte': bytes(header(10, 1), 4),
      'long form cut inside a varint': bytes(header(14, 1), 0x02, 0x41),
      'a body byte where a header belongs': bytes(header(13, 1), 0x02, 0x02),
      'a column byte with bit 7 set': bytes(header(10, 1), 0x80, 0x01),
      'a varint of 7 chunks': bytes(header(13, 1), 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x01),
      'a zero byte (the terminator) as an entry': bytes(header(13, 1), 0x02, 0x00),
    };
    for (const [what, table] of Object.entries(corrupt)) {
      assert.throws(() => positionsOf(table, 1), LineTableError, what);
      assert.throws(() => lineEntries(table, 1, 'locations', 1000), LineTableError, what);
    }
  });
});

suite('line tables: 3.10 co_linetable', () => {
  // Objects/lnotab_notes.txt's example, first line 0.
  const notes = bytes(0x06, 0x01, 0x2c, 0x01, 0xfe, 0x05, 0x2e, 0x00, 0x0a, 0x80, 0x10, 0x01, 0x00, 0x7f, 0x04, 0x49);

  test('pairs of (byte delta, signed line delta); -128 is no line; 254-byte splits stay apart', () => {
    assert.deepEqual(lineEntries(notes, 0, 'linetable310', 380), [
      { start: 0, end: 6, line: 1 },
      { start: 6, end: 50, line: 2 },
      { start: 50, end: 304, line: 7 },
      { start: 304, end: 350, line: 7 },
      { start: 350, end: 360, line: null },
      { start: 360, end: 376, line: 8 },
      { start: 376, end: 380, line: 208 }, // an empty range moved the line by 127 first
    ]);
    assert.deepEqual(
      lineRanges(notes, 0, 'linetable310', 380).map((r) => [r.start, r.end, r.line]),
      [
        [0, 6, 1],
        [6, 50, 2],
        [50, 350, 7],
        [350, 360, null],
        [360, 376, 8],
        [376, 380, 208],
      ],
    );
  });

  test('negative line deltas and the no-line marker leaving the line alone', () => {
    const table = bytes(0x04, 0x05, 0x02, 0xfd, 0x02, 0x80, 0x02, 0x00, 0x06, 0x81);
    assert.deepEqual(lineEntries(table, 10, 'linetable310', 16), [
      { start: 0, end: 4, line: 15 },
      { start: 4, end: 6, line: 12 },
      { start: 6, end: 8, line: null },
      { start: 8, end: 10, line: 12 },
      { start: 10, end: 16, line: -115 },
    ]);
    assert.equal(lineAt(table, 10, 'linetable310', 5), 12);
    assert.equal(lineAt(table, 10, 'linetable310', 7), null);
    assert.equal(lineAt(table, 10, 'linetable310', 16), null);
    assert.equal(lineAt(table, 10, 'linetable310', -1), 10);
  });

  test('an odd length is corrupt', () => {
    assert.throws(() => lineEntries(bytes(0x02, 0x01, 0x02), 1, 'linetable310', 4), LineTableError);
  });
});

suite('line tables: co_lnotab', () => {
  test('address increments over 255 are split; the line changes where the address passes', () => {
    // 300 bytes on line 1, then line 2 (+1) for 4 bytes.
    const table = bytes(0xff, 0x00, 0x2d, 0x01);
    assert.deepEqual(lineRanges(table, 1, 'lnotab', 304), [
      { start: 0, end: 300, line: 1 },
      { start: 300, end: 304, line: 2 },
    ]);
    assert.deepEqual(lineEntries(table, 1, 'lnotab', 304), [
      { start: 0, end: 255, line: 1 },
      { start: 255, end: 300, line: 1 },
      { start: 300, end: 304, line: 2 },
    ]);
    assert.equal(lineAt(table, 1, 'lnotab', 299), 1);
    assert.equal(lineAt(table, 1, 'lnotab', 300), 2);
    assert.equal(lineAt(table, 1, 'lnotab', 10_000), 2, 'past the code: the last line, like PyCode_Addr2Line');
  });

  test('line increments are signed since 3.6, unsigned before', () => {
    // 2 bytes, then +200 (or -56) with a 255-line split first: (0, 255) moves the line alone.
    const table = bytes(0x02, 0x00, 0x00, 0xff, 0x02, 0xc8);
    assert.deepEqual(lineRanges(table, 100, 'lnotab-unsigned', 6), [
      { start: 0, end: 2, line: 100 },
      { start: 2, end: 4, line: 355 },
      { start: 4, end: 6, line: 555 },
    ]);
    assert.deepEqual(lineRanges(table, 100, 'lnotab', 6), [
      { start: 0, end: 2, line: 100 },
      { start: 2, end: 4, line: 99 },
      { start: 4, end: 6, line: 43 },
    ]);
  });

  test('negative increments, zero-address pairs, and a line that returns merge like findlinestarts', () => {
    const table = bytes(0x04, 0x03, 0x00, 0x7f, 0x00, 0x80, 0x02, 0xfe, 0x02, 0x02);
    assert.deepEqual(lineRanges(table, 1, 'lnotab', 10), [
      { start: 0, end: 4, line: 1 },
      { start: 4, end: 6, line: 3 }, // +3 +127 -128
      { start: 6, end: 8, line: 1 },
      { start: 8, end: 10, line: 3 },
    ]);
  });

  test('pairs past the end of the code are clipped', () => {
    assert.deepEqual(lineRanges(bytes(0x06, 0x01, 0x08, 0x01), 1, 'lnotab', 10), [
      { start: 0, end: 6, line: 1 },
      { start: 6, end: 10, line: 2 },
    ]);
  });

  test('an odd length is corrupt', () => {
    assert.throws(() => lineAt(bytes(0x02), 1, 'lnotab', 0), LineTableError);
  });
});

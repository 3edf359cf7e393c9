// Random and mutated tables: the decoders either decode them or throw LineTableError,
// and what they return stays within bounds set by the table's size. Deterministic:
// the seed is printed and can be replayed with FTPY_FUZZ_SEED.
import * as assert from 'node:assert/strict';
import { LineTableError, LineTableFormat, SourcePosition, lineAt, lineEntries, lineRanges, positionAt, positionsOf } from '../../runtime/inspect/linetable';

const SEED = Number(process.env.FTPY_FUZZ_SEED ?? 0x5eed2026);
const ROUNDS = 3000;
const FORMATS: LineTableFormat[] = ['locations', 'linetable310', 'lnotab', 'lnotab-unsigned'];

/** mulberry32: small, fast, good enough to explore byte patterns. */
function prng(seed: number): (bound: number) => number {
  let state = seed >>> 0;
  return (bound) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * bound);
  };
}

type Random = ReturnType<typeof prng>;

function varint(value: number): number[] {
  const chunks: number[] = [];
  do {
    const chunk = value & 0x3f;
    value = Math.floor(value / 64);
    chunks.push(value ? chunk | 0x40 : chunk);
  } while (value);
  return chunks;
}

function signedVarint(value: number): number[] {
  return varint(value < 0 ? (-value * 2) | 1 : value * 2);
}

/** A valid 3.11+ table built entry by entry, with the positions it must decode to. */
function randomLocationTable(random: Random, firstLine: number): { table: Uint8Array; positions: SourcePosition[] } {
  const table: number[] = [];
  const positions: SourcePosition[] = [];
  let line = firstLine;
  for (let entries = random(12); entries > 0; entries--) {
    const kind = random(16);
    const units = 1 + random(8);
    table.push(0x80 | (kind << 3) | (units - 1));
    let position: SourcePosition;
    if (kind === 15) {
      position = { line: null, endLine: null, column: null, endColumn: null };
    } else if (kind === 14 || kind === 13) {
      const delta = random(601) - 300;
      line += delta;
      table.push(...signedVarint(delta));
      position = { line, endLine: line, column: null, endColumn: null };
      if (kind === 14) {
        const endDelta = random(300);
        const column = random(400) - 1;
        const endColumn = random(400) - 1;
        table.push(...varint(endDelta), ...varint(column + 1), ...varint(endColumn + 1));
        position = { line, endLine: line + endDelta, column: column < 0 ? null : column, endColumn: endColumn < 0 ? null : endColumn };
      }
    } else if (kind >= 10) {
      line += kind - 10;
      const [column, endColumn] = [random(128), random(128)];
      table.push(column, endColumn);
      position = { line, endLine: line, column, endColumn };
    } else {
      const packed = random(128);
      const column = kind * 8 + (packed >> 4);
      table.push(packed);
      position = { line, endLine: line, column, endColumn: column + (packed & 15) };
    }
    for (let unit = 0; unit < units; unit++) positions.push(position);
  }
  return { table: Uint8Array.from(table), positions };
}

function mutate(random: Random, table: Uint8Array): Uint8Array {
  const bytes = Array.from(table);
  for (let edits = 1 + random(3); edits > 0; edits--) {
    const at = random(bytes.length + 1);
    switch (random(4)) {
      case 0:
        if (at < bytes.length) bytes[at] ^= 1 << random(8);
        break;
      case 1:
        bytes.splice(at, 1);
        break;
      case 2:
        bytes.splice(at, 0, random(256));
        break;
      case 3:
        bytes.length = at;
        break;
    }
  }
  return Uint8Array.from(bytes);
}

/** Runs every decoder on `table`; each either returns within bounds or throws LineTableError. */
function decodeAll(random: Random, table: Uint8Array, firstLine: number): void {
  const codeSize = 2 * random(8 * table.length + 4);
  const attempts: [string, () => void][] = [
    ['positionsOf', () => assert.ok(positionsOf(table, firstLine).length <= 8 * table.length)],
    ['positionAt', () => positionAt(table, firstLine, random(8 * table.length + 2) - 1)],
    ...FORMATS.flatMap((format): [string, () => void][] => [
      [`lineEntries ${format}`, () => checkRanges(lineEntries(table, firstLine, format, codeSize), table, codeSize)],
      [`lineRanges ${format}`, () => checkRanges(lineRanges(table, firstLine, format, codeSize), table, codeSize)],
      [`lineAt ${format}`, () => lineAt(table, firstLine, format, random(codeSize + 4) - 2)],
    ]),
  ];
  for (const [name, attempt] of attempts) {
    try {
      attempt();
    } catch (error) {
      if (!(error instanceof LineTableError)) {
        throw new Error(`${name} of ${Buffer.from(table).toString('hex')} (seed ${SEED}) threw ${String(error)}`);
      }
    }
  }
}

/** Contiguous, non-empty, from 0, inside the code, at most one range per table byte (plus lnotab's tail). */
function checkRanges(ranges: { start: number; end: number }[], table: Uint8Array, codeSize: number): void {
  assert.ok(ranges.length <= table.length + 1, 'more ranges than table bytes');
  let expectedStart = 0;
  for (const { start, end } of ranges) {
    assert.equal(start, expectedStart);
    assert.ok(end > start && end <= codeSize, `range ${start}-${end} of code size ${codeSize}`);
    expectedStart = end;
  }
}

suite('line tables: fuzz', () => {
  test(`valid random location tables decode to what was encoded, mutated ones fail cleanly (seed ${SEED})`, () => {
    console.log(`      fuzz seed ${SEED} (replay: FTPY_FUZZ_SEED=${SEED})`);
    const random = prng(SEED);
    let decoded = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const firstLine = random(100_000);
      const { table, positions } = randomLocationTable(random, firstLine);
      assert.deepEqual(positionsOf(table, firstLine), positions, `table ${Buffer.from(table).toString('hex')}`);
      decodeAll(random, table, firstLine);
      decodeAll(random, mutate(random, table), firstLine);
      decoded++;
    }
    assert.equal(decoded, ROUNDS);
  });

  test(`random bytes in every format fail only with LineTableError (seed ${SEED})`, () => {
    const random = prng(SEED ^ 0xa5a5a5a5);
    for (let round = 0; round < ROUNDS; round++) {
      const table = Uint8Array.from({ length: random(64) }, () => random(256));
      decodeAll(random, table, random(1000));
    }
  });

  test('pathological tables: endless varints, huge increments, huge code sizes', () => {
    const random = prng(SEED);
    const endlessVarint = Uint8Array.from([0xf0, ...new Array<number>(100_000).fill(0x7f)]);
    assert.throws(() => positionsOf(endlessVarint, 1), LineTableError);
    const maxPairs = new Uint8Array(100_000).fill(0xff);
    assert.equal(lineRanges(maxPairs, 1, 'lnotab', 2 ** 31).length, 50_001);
    assert.equal(lineEntries(maxPairs, 1, 'linetable310', 2 ** 31).length, 50_000);
    decodeAll(random, maxPairs, 1);
  });
});

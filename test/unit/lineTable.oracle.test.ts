// The line-table decoders against CPython itself: every code object of the stdlib of
// the free-threaded runtime, then of each older CPython found under pyenv.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LineRange, SourcePosition, lineAt, lineEntries, lineRanges, lineTableFormat, positionAt, positionsOf } from '../../runtime/inspect/linetable';
import { locationEntries } from '../../runtime/inspect/linetable/locations';
import { NONE, OracleCode, OracleHeader, runOracle } from '../support/lineTableOracle';
import { testPython } from '../support/runtime';

/** Older interpreters compile every N-th stdlib file unless FTPY_LINETABLE_EVERY says otherwise. */
const OLDER_EVERY = Number(process.env.FTPY_LINETABLE_EVERY ?? 8);
const OLDER_VERSIONS = ['2.7', '3.6', '3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13'];

suite('line tables vs CPython', () => {
  test('free-threaded runtime: every code object of its stdlib', async function () {
    this.timeout(300_000);
    const kinds = await checkInterpreter(testPython(), [], 1, 2);
    assert.deepEqual(missingKinds(kinds), [], 'entry kinds never covered');
  });

  // Without column information every entry is a no-columns (13) or no-location (15) one.
  test('free-threaded runtime with -X no_debug_ranges: every 8th stdlib file', async function () {
    this.timeout(300_000);
    const kinds = await checkInterpreter(testPython(), ['-X', 'no_debug_ranges'], 8);
    assert.deepEqual(coveredKinds(kinds), [13, 15]);
  });

  for (const version of OLDER_VERSIONS) {
    test(`CPython ${version} (pyenv): its own tables vs its own co_lines/findlinestarts`, async function () {
      const python = pyenvPython(version);
      if (!python) {
        console.log(`      skipped: no CPython ${version}.x under $(pyenv root)/versions`);
        return this.skip();
      }
      this.timeout(300_000);
      await checkInterpreter(python, [], OLDER_EVERY);
    });
  }
});

function pyenvRoot(): string {
  try {
    return execFileSync('pyenv', ['root'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
  }
}

function pyenvPython(version: string): string | undefined {
  const versions = path.join(pyenvRoot(), 'versions');
  const names = fs.existsSync(versions) ? fs.readdirSync(versions) : [];
  const found = names.find((name) => name.startsWith(`${version}.`) && /^\d+\.\d+\.\d+$/.test(name));
  const python = found && path.join(versions, found, 'bin', 'python');
  return python && fs.existsSync(python) ? python : undefined;
}

/**
 * Checks every code object of every `every`-th stdlib file; returns how many entries of
 * each 3.11+ kind it covered. Compiling dominates, so `shards` interpreters share the files.
 */
async function checkInterpreter(python: string, pythonFlags: string[], every: number, shards = 1): Promise<number[]> {
  const started = Date.now();
  let header: OracleHeader | undefined;
  const covered = { codes: 0, bytes: 0, positions: 0, ranges: 0, negativeDeltas: 0 };
  const kinds = new Array<number>(16).fill(0);
  const onCode = (code: OracleCode) => {
    if (!header) throw new Error('oracle: code before header');
    checkCode(code, header);
    covered.codes++;
    covered.bytes += code.codeSize;
    if (header.positions) covered.positions += code.codeSize / 2;
    covered.ranges += code.lines.length / (header.lines === 'co_lines' ? 3 : 2);
    covered.negativeDeltas += negativeDeltas(lineEntries(code.table, code.firstLine, lineTableFormat(...header.version), code.codeSize));
    if (header.positions) for (const { kind } of locationEntries(code.table, code.firstLine)) kinds[kind]++;
  };
  // The first failure stops every interpreter.
  const stop = new AbortController();
  const shardRuns = Array.from({ length: shards }, (_, shard) => {
    const files = { step: every * shards, start: every * shard };
    return runOracle(python, pythonFlags, files, stop.signal, (h) => (header = h), onCode).catch((error: unknown) => {
      stop.abort();
      throw error;
    });
  });
  const summaries = await Promise.all(shardRuns);
  const filesCompiled = summaries.reduce((sum, s) => sum + s.filesCompiled, 0);
  const filesSkipped = summaries.reduce((sum, s) => sum + s.filesSkipped, 0);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const version = header?.version.join('.');
  console.log(
    `      ${version} ${[python, ...pythonFlags].join(' ')}: ${covered.codes} code objects from ${filesCompiled} files` +
      ` (every ${every}, ${shards} interpreter(s); ${filesSkipped} failed to compile), ${covered.bytes} bytecode bytes,` +
      ` ${covered.positions} positions,` +
      ` ${covered.ranges} line ranges, ${covered.negativeDeltas} negative line deltas, ${seconds} s` +
      (header?.positions ? `\n      entries per kind 0-15: ${kinds.join(' ')}` : ''),
  );
  assert.ok(covered.codes > 1000, `only ${covered.codes} code objects`);
  // Compilers before 3.8 hardly ever move the line backwards.
  const expectsNegative = header !== undefined && header.version[0] * 100 + header.version[1] >= 308;
  assert.ok(covered.negativeDeltas > 0 || !expectsNegative, 'no negative line delta was covered');
  return kinds;
}

function missingKinds(kinds: number[]): number[] {
  return kinds.flatMap((count, kind) => (count ? [] : [kind]));
}

function coveredKinds(kinds: number[]): number[] {
  return kinds.flatMap((count, kind) => (count ? [kind] : []));
}

function checkCode(code: OracleCode, header: OracleHeader): void {
  const [major, minor] = header.version;
  const format = lineTableFormat(major, minor);
  const where = `${code.name} (table ${Buffer.from(code.table).toString('hex')})`;
  if (header.positions) {
    const positions = positionsOf(code.table, code.firstLine);
    assert.deepEqual(runsOf(positions), Array.from(code.positionRuns), `co_positions() of ${where}`);
    for (const unit of sampleIndexes(positions.length)) {
      assert.deepEqual(positionAt(code.table, code.firstLine, unit), positions[unit], `positionAt(${unit}) of ${where}`);
    }
  }
  let ranges: LineRange[];
  if (header.lines === 'co_lines') {
    // 3.12 started merging consecutive ranges of one line in co_lines().
    const merges = major * 100 + minor >= 312;
    ranges = (merges ? lineRanges : lineEntries)(code.table, code.firstLine, format, code.codeSize);
    assert.deepEqual(flatRanges(ranges), Array.from(code.lines), `co_lines() of ${where}`);
  } else {
    ranges = lineRanges(code.table, code.firstLine, format, code.codeSize);
    // 2.7's findlinestarts may add a start at the very end of the code, after the last instruction.
    const starts = pairs(code.lines).filter(([offset]) => offset < code.codeSize);
    assert.deepEqual(
      ranges.map((r) => [r.start, r.line]),
      starts,
      `dis.findlinestarts() of ${where}`,
    );
  }
  for (const index of sampleIndexes(ranges.length)) {
    const { start, end, line } = ranges[index];
    assert.equal(lineAt(code.table, code.firstLine, format, start), line, `lineAt(${start}) of ${where}`);
    assert.equal(lineAt(code.table, code.firstLine, format, end - 1), line, `lineAt(${end - 1}) of ${where}`);
  }
}

/** First, middle and last indexes: spot checks of the early-stopping lookups. */
function sampleIndexes(length: number): number[] {
  return length ? [...new Set([0, length >> 1, length - 1])] : [];
}

function encoded(value: number | null): number {
  return value === null ? NONE : value;
}

function runsOf(positions: SourcePosition[]): number[] {
  const runs: number[] = [];
  let previous: SourcePosition | undefined;
  for (const position of positions) {
    if (previous && isDeepStrictEqualPosition(previous, position)) {
      runs[runs.length - 5]++;
      continue;
    }
    runs.push(1, encoded(position.line), encoded(position.endLine), encoded(position.column), encoded(position.endColumn));
    previous = position;
  }
  return runs;
}

function isDeepStrictEqualPosition(a: SourcePosition, b: SourcePosition): boolean {
  return a.line === b.line && a.endLine === b.endLine && a.column === b.column && a.endColumn === b.endColumn;
}

function flatRanges(ranges: LineRange[]): number[] {
  return ranges.flatMap((r) => [r.start, r.end, encoded(r.line)]);
}

function pairs(values: Int32Array): [number, number][] {
  const result: [number, number][] = [];
  for (let i = 0; i < values.length; i += 2) result.push([values[i], values[i + 1]]);
  return result;
}

/** Entries whose line is lower than the last line seen: decoded from a negative delta. */
function negativeDeltas(ranges: LineRange[]): number {
  let count = 0;
  let previous: number | null = null;
  for (const { line } of ranges) {
    if (line === null) continue;
    if (previous !== null && line < previous) count++;
    previous = line;
  }
  return count;
}

// co_exceptiontable decoding against CPython's own reading of it (dis), on real code objects.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { isInspectError } from '../../runtime/inspect';
import { handlerAt, parseExceptionTable } from '../../runtime/inspect/exceptionTable';
import { testPython } from '../support/runtime';

const ORACLE = path.join(__dirname, '..', 'fixtures', 'exception_tables.py');

interface OracleCode {
  table: string;
  entries: [number, number, number, number, boolean][];
}

function oracle(files: string[]): OracleCode[] {
  const output = execFileSync(testPython(), [ORACLE, ...files], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return output
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as OracleCode);
}

suite('exception tables', () => {
  test('every code object of threading, contextlib, asyncio and a long function: as dis reads them', () => {
    const stdlib = execFileSync(testPython(), ['-c', 'import sysconfig; print(sysconfig.get_path("stdlib"))'], { encoding: 'utf8' }).trim();
    const codes = oracle(
      ['threading.py', 'contextlib.py', 'asyncio/base_events.py', 'asyncio/tasks.py', 'subprocess.py'].map((file) => path.join(stdlib, file)),
    );
    const entries = codes.flatMap((code) => {
      const parsed = parseExceptionTable(Buffer.from(code.table, 'hex')).map((entry) => [entry.start, entry.end, entry.target, entry.depth, entry.lasti]);
      assert.deepEqual(parsed, code.entries, code.table);
      return parsed;
    });
    assert.ok(
      entries.some(([start]) => (start as number) >= 4096),
      'some entry needs a three-chunk varint',
    );
    assert.ok(
      entries.some(([, , , depth]) => (depth as number) >= 2),
      'some handler keeps nested blocks',
    );
  });

  test('the covering entry: none outside every range, the one whose range holds the unit', () => {
    // `with a:` body at units 7-15 (depth 1), `with b:` body inside it at 16-16 (depth 2).
    const entries = [
      { start: 7, end: 16, target: 54, depth: 1, lasti: true },
      { start: 16, end: 17, target: 37, depth: 2, lasti: true },
    ];
    assert.equal(handlerAt(entries, 6), undefined);
    assert.equal(handlerAt(entries, 15)?.depth, 1);
    assert.equal(handlerAt(entries, 16)?.depth, 2);
    assert.equal(handlerAt(entries, 17), undefined);
  });

  test('a table cut short, or an entry without its start mark, is a torn read', () => {
    const whole = [0x87, 0x09, 0x36, 0x03];
    assert.equal(parseExceptionTable(Buffer.from(whole)).length, 1);
    for (const bad of [whole.slice(0, 3), [0x07, 0x09, 0x36, 0x03], [0x87, 0x49]]) {
      assert.throws(
        () => parseExceptionTable(Buffer.from(bad)),
        (error: unknown) => isInspectError(error, 'torn-read'),
      );
    }
  });
});

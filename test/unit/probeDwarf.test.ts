// Proves the probe's mirrors of structs private to one CPython .c file
// (parking lot, _thread locks) against the interpreter's own DWARF, as gdb
// lays it out. Skips where gdb or the debug information is absent.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProbe } from '../../runtime/probe/build';
import type { ProbeOffsets } from '../../runtime/probe/offsets';
import { testPython } from '../support/runtime';

interface Layout {
  size: number;
  members: Record<string, number>;
}

// Top-level member offsets and total size of each struct printed by gdb's `ptype/o`.
function parsePtypeOffsets(text: string): Layout[] {
  const layouts: Layout[] = [];
  const open: number[] = []; // offsets of the nested structs being read
  let current: Layout | undefined;
  for (const line of text.split('\n')) {
    const member = /^\/\*\s+(\d+)(?::\s*\d+)?\s+\|\s+\d+\s+\*\/\s+(.*)$/.exec(line.trim());
    if (/type = (struct|union)\b.*\{$/.test(line)) {
      current = { size: 0, members: {} };
      layouts.push(current);
    } else if (member && member[2].endsWith('{')) {
      open.push(Number(member[1]));
    } else if (member && current && open.length === 0) {
      const name = /(\w+)(\s*:\s*\d+)?(\[\d+\])*;$/.exec(member[2]);
      if (name) current.members[name[1]] = Number(member[1]);
    } else if (/^\}\s*\w+;$/.test(line.trim())) {
      const offset = open.pop();
      if (current && open.length === 0 && offset !== undefined) current.members[/(\w+);$/.exec(line.trim())?.[1] ?? ''] = offset;
    } else if (current && open.length === 0) {
      const total = /total size \(bytes\):\s+(\d+)/.exec(line);
      if (total) current.size = Number(total[1]);
    }
  }
  return layouts;
}

suite("offsets probe: the private-struct mirrors match the interpreter's DWARF", () => {
  const python = testPython();
  let o: ProbeOffsets;
  let layouts: Layout[];

  suiteSetup(async function () {
    const dir = mkdtempSync(join(tmpdir(), 'ftpy-probe-dwarf-'));
    try {
      o = await buildProbe(python, join(dir, 'offsets.json'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    let text: string;
    try {
      const commands = ['buckets', 'struct wait_entry', 'struct mutex_entry', 'lockobject', 'rlockobject'].flatMap((what) => ['-ex', `ptype/o ${what}`]);
      text = execFileSync('gdb', ['-batch', '-nx', ...commands, python], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    } catch {
      this.skip(); // no gdb
    }
    layouts = parsePtypeOffsets(text);
    if (layouts.length !== 5) this.skip(); // no debug information
  });

  // Every field the probe gives (sizes of members aside) sits where DWARF says, and the sizes agree.
  function assertSameLayout(dwarf: Layout, probe: Record<string, number>): void {
    const { size, ...fields } = probe;
    assert.equal(dwarf.size, size, 'size');
    for (const [name, offset] of Object.entries(fields)) {
      if (!name.endsWith('_size')) assert.equal(dwarf.members[name], offset, name);
    }
  }

  test('parking lot Bucket (the type of the static `buckets`), wait_entry and mutex_entry', () => {
    const [bucket, waitEntry, mutexEntry] = layouts;
    assertSameLayout(bucket, o.parking_lot.bucket);
    assert.deepEqual(Object.keys(bucket.members), Object.keys(o.parking_lot.bucket).slice(1), 'no field left out');
    assertSameLayout(waitEntry, o.parking_lot.wait_entry);
    assert.deepEqual(Object.keys(waitEntry.members), Object.keys(o.parking_lot.wait_entry).slice(1), 'no field left out');
    assertSameLayout(mutexEntry, o.parking_lot.mutex_entry);
  });

  test('_thread lockobject and rlockobject', () => {
    const [, , , lock, rlock] = layouts;
    assertSameLayout(lock, o.locks.lock_object);
    assertSameLayout(rlock, o.locks.rlock_object);
  });
});

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProbeBuildError, buildProbe } from '../../runtime/probe/build';
import { type ProbeOffsets, loadProbeOffsets, parseProbeOffsets } from '../../runtime/probe/offsets';
import { testPython } from '../support/runtime';

const fixture = (name: string) => join(__dirname, '..', 'fixtures', name);

// Every offset named in `fields` lies inside a struct of `size` bytes, and no two coincide.
function assertLayout(section: Record<string, unknown>, fields: string[]): void {
  const size = section.size as number;
  assert.ok(size > 0, 'size > 0');
  const offsets = fields.map((name) => section[name] as number);
  for (const [i, offset] of offsets.entries()) assert.ok(offset < size, `${fields[i]} (${offset}) < size (${size})`);
  assert.equal(new Set(offsets).size, offsets.length, `distinct offsets: ${fields.join(', ')}`);
}

suite('offsets probe: build and schema', () => {
  const python = testPython();
  let dir: string;
  let offsets: ProbeOffsets;

  suiteSetup(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ftpy-probe-test-'));
    offsets = await buildProbe(python, join(dir, 'cache', 'offsets.json'));
  });
  suiteTeardown(() => rmSync(dir, { recursive: true, force: true }));

  test('builds against the interpreter, writes the JSON atomically, and loads it back', () => {
    const file = join(dir, 'cache', 'offsets.json');
    assert.deepEqual(loadProbeOffsets(file), offsets);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), offsets);
    const version = execFileSync(python, ['-c', 'import sys; print(sys.hexversion, sys.version.split()[0])'], { encoding: 'utf8' });
    assert.equal(`${offsets.python.hexversion} ${offsets.python.version}`, version.trim());
    assert.equal(offsets.python.free_threaded, true);
  });

  test('the values are plausible layouts', () => {
    const o = offsets;
    assertLayout(o.thread_state, [
      'prev',
      'next',
      'interp',
      'eval_breaker',
      'status',
      'state',
      'current_frame',
      'thread_id',
      'native_thread_id',
      'critical_section',
    ]);
    assert.ok(o.thread_state_impl.size > o.thread_state.size, '_PyThreadStateImpl extends PyThreadState');
    assertLayout(o.thread_state_impl, ['qsbr', 'gc_alloc_count', 'mimalloc', 'brc_tid', 'brc_objects_to_merge', 'brc_local_objects_to_merge']);
    for (const name of ['qsbr', 'gc_alloc_count', 'mimalloc', 'brc'] as const) {
      assert.ok(o.thread_state_impl[name] >= o.thread_state.size, `${name} lies after the PyThreadState part`);
    }
    assert.deepEqual(new Set(Object.values(o.thread_states)).size, 3);
    const bits = Object.values(o.eval_breaker_bits);
    assert.equal(new Set(bits).size, bits.length, 'distinct eval-breaker bits');
    for (const bit of bits) assert.ok(bit < o.eval_breaker.version_shift, 'event bits lie below the version');
    assert.equal(o.eval_breaker.events_mask, 2 ** o.eval_breaker.version_shift - 1);
    assertLayout(o.gc, ['enabled', 'debug', 'collecting', 'garbage', 'callbacks', 'permanent_generation', 'immortalize']);
    assert.ok(o.gc.generations.offset + o.gc.generations.length * o.gc.generations.stride <= o.gc.size);
    assertLayout(o.stop_the_world, ['mutex', 'requested', 'world_stopped', 'is_global', 'stop_event', 'thread_countdown', 'requester']);
    assertLayout(o.interpreter_state, ['threads_head', 'gc', 'stoptheworld', 'brc', 'qsbr', 'mimalloc']);
    assertLayout(o.runtime_state, ['interpreters_head', 'stoptheworld', 'stoptheworld_mutex']);
    assert.ok(o.runtime_state.interpreters_head >= o.runtime_state.debug_offsets_size, 'the debug offsets come first');
    assertLayout(o.object, ['ob_tid', 'ob_mutex', 'ob_gc_bits', 'ob_ref_local', 'ob_ref_shared', 'ob_type']);
    assert.equal(o.locks.lock_object.lock, o.object.size, 'the PyMutex follows the object header');
    assertLayout(o.locks.rlock_object, ['rlock_lock', 'rlock_owner', 'rlock_count']);
    const { cfunction, method, method_def: methodDef, function: functionLayout } = o.bound_methods;
    assertLayout(cfunction, ['m_ml', 'm_self']);
    assertLayout(method, ['im_func', 'im_self']);
    for (const section of [cfunction, method, functionLayout])
      assert.ok(Math.min(...Object.values(section)) >= o.object.size, 'fields lie after the object header');
    assert.equal(methodDef.ml_name, 0, 'a PyMethodDef starts with its name');
    assertLayout(o.parking_lot.wait_entry, ['park_arg', 'addr', 'sema', 'node', 'is_unparking']);
    assertLayout(o.mimalloc.heap, ['tld', 'thread_id', 'page_count', 'next', 'tag', 'debug_offset']);
    assert.equal(o.mimalloc.thread_state.heaps.length, Object.keys(o.mimalloc.heap_ids).length);
    assert.equal(o.mimalloc.thread_state.heaps.stride, o.mimalloc.heap.size);
    assert.equal(o.brc.object_stack_chunk.objs.offset + o.brc.object_stack_chunk.objs.length * 8, o.brc.object_stack_chunk.size);
    const pool = o.mimalloc.abandoned_pool;
    assert.ok(pool, 'this probe prints the abandoned pool');
    assertLayout(pool, ['abandoned_visited', 'abandoned', 'abandoned_count', 'abandoned_visited_count']);
    assert.equal(pool.tag_mask, o.mimalloc.segment.alignment - 1, 'the tag lies in the bits a segment address has clear');
    assert.ok(pool.segment_next < o.mimalloc.segment.slices, 'the list link lies in the segment header');
  });

  test('offsets from an older probe, without an optional section, still load; a damaged one, or one without a required section, does not', () => {
    const { abandoned_pool: pool, ...mimalloc } = offsets.mimalloc;
    assert.deepEqual(parseProbeOffsets(JSON.stringify({ ...offsets, mimalloc })).mimalloc.abandoned_pool, undefined);
    const damaged = { ...offsets, mimalloc: { ...mimalloc, abandoned_pool: { ...pool, tag_mask: -1 } } };
    assert.throws(() => parseProbeOffsets(JSON.stringify(damaged)), /offsets\.mimalloc\.abandoned_pool\.tag_mask is not a non-negative integer/);
    // A required section an older probe lacks makes its cache invalid: offsetsFor builds the probe again.
    const older: Partial<ProbeOffsets> = { ...offsets };
    delete older.bound_methods;
    assert.throws(() => parseProbeOffsets(JSON.stringify(older)), /offsets\.bound_methods is not an object/);
  });

  test('agrees with the live _Py_DebugOffsets table wherever both cover a field', () => {
    const table = JSON.parse(execFileSync(python, [fixture('probe_debug_offsets.py')], { encoding: 'utf8' }));
    assert.equal(table.cookie, 'xdebugpy');
    assert.equal(table.version, offsets.python.hexversion);
    assert.equal(table.free_threaded, 1);
    assert.equal(table.mirror_size, offsets.runtime_state.debug_offsets_size, 'the fixture mirrors the whole table');
    const o = offsets;
    const pairs: [string, number, number][] = [
      ['runtime_state.size', table.runtime_state.size, o.runtime_state.size],
      ['runtime_state.finalizing', table.runtime_state.finalizing, o.runtime_state.finalizing],
      ['runtime_state.interpreters_head', table.runtime_state.interpreters_head, o.runtime_state.interpreters_head],
      ['interpreter_state.size', table.interpreter_state.size, o.interpreter_state.size],
      ['interpreter_state.id', table.interpreter_state.id, o.interpreter_state.id],
      ['interpreter_state.next', table.interpreter_state.next, o.interpreter_state.next],
      ['interpreter_state.threads_head', table.interpreter_state.threads_head, o.interpreter_state.threads_head],
      ['interpreter_state.gc', table.interpreter_state.gc, o.interpreter_state.gc],
      ['interpreter_state.ceval_gil', table.interpreter_state.ceval_gil, o.interpreter_state.ceval_gil],
      [
        'interpreter_state.gil_runtime_state + gil_runtime_state_enabled',
        table.interpreter_state.gil_runtime_state + table.interpreter_state.gil_runtime_state_enabled,
        o.interpreter_state.gil_enabled,
      ],
      ...(['size', 'prev', 'next', 'interp', 'current_frame', 'thread_id', 'native_thread_id', 'datastack_chunk', 'status'] as const).map(
        (name): [string, number, number] => [`thread_state.${name}`, table.thread_state[name], o.thread_state[name]],
      ),
      ['pyobject.size', table.pyobject.size, o.object.size],
      ['pyobject.ob_type', table.pyobject.ob_type, o.object.ob_type],
      ['gc.size', table.gc.size, o.gc.size],
      ['gc.collecting', table.gc.collecting, o.gc.collecting],
    ];
    for (const [name, fromTable, fromProbe] of pairs) assert.equal(fromProbe, fromTable, name);
  });
});

suite('offsets probe: bad input', () => {
  test('an interpreter that is not free-threaded: one clear error', async function () {
    const gilPython = ['/usr/bin/python3', '/usr/local/bin/python3'].find(existsSync);
    if (!gilPython) this.skip();
    await assert.rejects(buildProbe(gilPython, join(tmpdir(), 'never-written.json')), (error: Error) => {
      assert.ok(error instanceof ProbeBuildError);
      assert.match(error.message, /^cannot build the offsets probe: .* is not a free-threaded build .*; features that need runtime internals/);
      return true;
    });
  });

  test('no C compiler: one clear error that says what to install', async () => {
    const path = process.env.PATH;
    const emptyDir = mkdtempSync(join(tmpdir(), 'ftpy-no-cc-'));
    process.env.PATH = emptyDir;
    try {
      await assert.rejects(
        buildProbe(testPython(), join(emptyDir, 'offsets.json')),
        /^ProbeBuildError: cannot build the offsets probe: no C compiler found \(tried .*\); install gcc or clang; /,
      );
    } finally {
      process.env.PATH = path;
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  test('an installation without probe.c', async () => {
    await assert.rejects(
      buildProbe(testPython(), join(tmpdir(), 'never-written.json'), '/nonexistent/probe.c'),
      /^ProbeBuildError: cannot build the offsets probe: its source \/nonexistent\/probe.c is missing from this installation; /,
    );
  });

  test('an interpreter that cannot run', async () => {
    await assert.rejects(
      buildProbe('/nonexistent/python3.13t', join(tmpdir(), 'never-written.json')),
      /cannot build the offsets probe: \/nonexistent\/python3.13t could not report its build configuration/,
    );
  });

  test('a missing or damaged cache is no offsets at all, and the parser names the bad key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftpy-probe-cache-'));
    try {
      assert.equal(loadProbeOffsets(join(dir, 'absent.json')), undefined);
      writeFileSync(join(dir, 'truncated.json'), '{"python": {"version": "3.13.5"');
      assert.equal(loadProbeOffsets(join(dir, 'truncated.json')), undefined);
      writeFileSync(join(dir, 'partial.json'), '{"python": {"version": "3.13.5", "hexversion": 1, "free_threaded": true, "pointer_size": 8}}');
      assert.equal(loadProbeOffsets(join(dir, 'partial.json')), undefined);
      assert.throws(() => parseProbeOffsets(readFileSync(join(dir, 'partial.json'), 'utf8')), /^Error: offsets\.thread_state is not an object$/);
      assert.throws(
        () => parseProbeOffsets('{"python": {"version": "3.13.5", "hexversion": -1}}'),
        /offsets\.python\.hexversion is not a non-negative integer/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Proves the probe's offsets (above all the parking-lot and _thread mirrors,
// which no header gives) against the memory of a live free-threaded process:
// test/fixtures/probe_live.py, read through /proc/PID/mem.
import * as assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildProbe } from '../../runtime/probe/build';
import type { ProbeOffsets } from '../../runtime/probe/offsets';
import { testPython } from '../support/runtime';

class ProcessMemory {
  private readonly fd: number;
  constructor(pid: number) {
    this.fd = openSync(`/proc/${pid}/mem`, 'r');
  }
  bytes(address: number, length: number): Buffer {
    const buffer = Buffer.alloc(length);
    const read = readSync(this.fd, buffer, 0, length, address);
    assert.equal(read, length, `read ${length} bytes at 0x${address.toString(16)}`);
    return buffer;
  }
  u8(address: number): number {
    return this.bytes(address, 1)[0];
  }
  u16(address: number): number {
    return this.bytes(address, 2).readUInt16LE();
  }
  u32(address: number): number {
    return this.bytes(address, 4).readUInt32LE();
  }
  i32(address: number): number {
    return this.bytes(address, 4).readInt32LE();
  }
  /** A 64-bit word (pointer, size_t, uintptr_t); every value checked here is below 2^53. */
  u64(address: number): number {
    return Number(this.bytes(address, 8).readBigUInt64LE());
  }
  close(): void {
    closeSync(this.fd);
  }
}

// The run-time address of a symbol of the process's executable, from its ELF symbol tables.
function symbolAddress(pid: number, name: string): { address: number; size: number } {
  const exe = readlinkSync(`/proc/${pid}/exe`);
  const symbols = execFileSync('readelf', ['-sW', exe], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = symbols.split('\n').find((text) => text.trim().split(/\s+/)[7] === name);
  assert.ok(line, `${name} is in the symbol tables of ${exe}`);
  const [, value, size] = line.trim().split(/\s+/);
  const headers = execFileSync('readelf', ['-lW', exe], { encoding: 'utf8' });
  const firstLoad = headers.split('\n').find((text) => text.trim().startsWith('LOAD'));
  assert.ok(firstLoad);
  const firstVaddr = Number.parseInt(firstLoad.trim().split(/\s+/)[2], 16);
  const mapping = readFileSync(`/proc/${pid}/maps`, 'utf8')
    .split('\n')
    .map((text) => text.split(/\s+/))
    .find((fields) => fields[5] === exe && Number.parseInt(fields[2], 16) === 0);
  assert.ok(mapping, `${exe} is mapped`);
  const bias = Number.parseInt(mapping[0].split('-')[0], 16) - (firstVaddr & ~0xfff);
  return { address: bias + Number.parseInt(value, 16), size: Number(size) };
}

// The stack pointer of a thread blocked in a system call.
function blockedStackPointer(pid: number, tid: number): number {
  const fields = readFileSync(`/proc/${pid}/task/${tid}/syscall`, 'utf8').trim().split(' ');
  assert.equal(fields.length, 9, `thread ${tid} is blocked in a system call`);
  return Number.parseInt(fields[7], 16);
}

interface Report {
  lock: number;
  rlock: number;
  main_ident: number;
  main_native_id: number;
  waiter_ident: number;
  waiter_native_id: number;
  owned_by_main: number;
  owned_by_main_type: number;
  extension_module: number;
  python_module: number;
  gc_threshold: number[];
  gc_stats: { collections: number; collected: number; uncollectable: number }[];
}

suite('offsets probe: proven against a live process', () => {
  const python = testPython();
  let o: ProbeOffsets;
  let child: ChildProcessWithoutNullStreams;
  let lines: AsyncIterator<string>;
  let report: Report;
  let memory: ProcessMemory;
  let pid: number;
  let runtime: number;
  let buckets: { address: number; size: number };

  const nextAnswer = async <T>(): Promise<T> => {
    const { value, done } = await lines.next();
    assert.ok(!done, 'the fixture answered');
    return JSON.parse(value) as T;
  };
  const interpreter = () => memory.u64(runtime + o.runtime_state.interpreters_head);
  const threadStates = (): number[] => {
    const found: number[] = [];
    for (let ts = memory.u64(interpreter() + o.interpreter_state.threads_head); ts; ts = memory.u64(ts + o.thread_state.next)) found.push(ts);
    return found;
  };
  const threadStateOf = (nativeId: number): number => {
    const ts = threadStates().find((candidate) => memory.u64(candidate + o.thread_state.native_thread_id) === nativeId);
    assert.ok(ts, `a thread state has native id ${nativeId}`);
    return ts;
  };
  // The wait entries queued in the parking-lot bucket of `address`.
  const waitersOn = (address: number): { bucket: number; entries: number[] } => {
    const bucket = buckets.address + (address % o.parking_lot.num_buckets) * o.parking_lot.bucket.size;
    const root = bucket + o.parking_lot.bucket.root;
    const entries: number[] = [];
    for (let node = memory.u64(root + o.parking_lot.llist_node.next); node !== root; node = memory.u64(node + o.parking_lot.llist_node.next)) {
      const entry = node - o.parking_lot.wait_entry.node;
      if (memory.u64(entry + o.parking_lot.wait_entry.addr) === address) entries.push(entry);
    }
    return { bucket, entries };
  };

  suiteSetup(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftpy-probe-live-'));
    try {
      o = await buildProbe(python, join(dir, 'offsets.json'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    child = spawn(python, [join(__dirname, '..', 'fixtures', 'probe_live.py')]);
    assert.ok(child.pid, `${python} started`);
    pid = child.pid;
    lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    report = await nextAnswer<Report>();
    memory = new ProcessMemory(pid);
    runtime = symbolAddress(pid, '_PyRuntime').address;
    buckets = symbolAddress(pid, o.parking_lot.buckets_symbol);
    assert.equal(memory.bytes(runtime, 8).toString('latin1'), 'xdebugpy');
  });

  suiteTeardown(async () => {
    memory?.close();
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  });

  test('parking lot: the bucket of a contended threading.Lock holds the parked waiter', async () => {
    assert.equal(buckets.size, o.parking_lot.num_buckets * o.parking_lot.bucket.size, 'size of the buckets array');
    const lockBits = report.lock + o.locks.lock_object.lock;
    let waiters = waitersOn(lockBits);
    for (let tries = 0; waiters.entries.length === 0 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      waiters = waitersOn(lockBits);
    }
    assert.equal(waiters.entries.length, 1, 'one waiter parked on the lock');
    const [entry] = waiters.entries;
    assert.ok(memory.u64(waiters.bucket + o.parking_lot.bucket.num_waiters) >= 1, 'num_waiters counts it');
    assert.equal(memory.u8(entry + o.parking_lot.wait_entry.is_unparking), 0);
    const bits = o.locks.mutex_bits;
    assert.equal(memory.u8(lockBits), (1 << bits.locked) | (1 << bits.has_parked), 'the lock is held and has a parked waiter');

    // The wait entry and its park_arg (a mutex_entry) live on the waiter's stack, not on the main thread's.
    const waiterSp = blockedStackPointer(pid, report.waiter_native_id);
    const mainSp = blockedStackPointer(pid, report.main_native_id);
    const onStack = (address: number, sp: number) => address >= sp && address - sp < 64 * 1024;
    const parkArg = memory.u64(entry + o.parking_lot.wait_entry.park_arg);
    assert.ok(onStack(entry, waiterSp), "the wait entry is on the waiter thread's stack");
    assert.ok(!onStack(entry, mainSp), "and not on the main thread's");
    assert.ok(onStack(parkArg, waiterSp), "park_arg points into the waiter's stack");
    assert.equal(memory.i32(parkArg + o.parking_lot.mutex_entry.handed_off), 0);
    const monotonicNow = Number(process.hrtime.bigint());
    const fairAfter = memory.u64(parkArg + o.parking_lot.mutex_entry.time_to_be_fair);
    assert.ok(Math.abs(fairAfter - monotonicNow) < 600e9, 'time_to_be_fair is a CLOCK_MONOTONIC time in ns');
  });

  test('thread states: state, status bits, identities, QSBR and mimalloc back-pointers', () => {
    assert.equal(threadStates().length, 2);
    for (const [ident, nativeId] of [
      [report.main_ident, report.main_native_id],
      [report.waiter_ident, report.waiter_native_id],
    ]) {
      const ts = threadStateOf(nativeId);
      assert.equal(memory.i32(ts + o.thread_state.state), o.thread_states.detached, 'blocked threads are detached');
      assert.equal(memory.u64(ts + o.thread_state.thread_id), ident);
      assert.equal(memory.u64(ts + o.thread_state.interp), interpreter());
      const status = memory.u32(ts + o.thread_state.status);
      const bit = (name: keyof ProbeOffsets['thread_state']['status_bits']) => (status >> o.thread_state.status_bits[name]) & 1;
      assert.deepEqual([bit('initialized'), bit('bound'), bit('unbound'), bit('cleared'), bit('finalized')], [1, 1, 0, 0, 0]);
      const tid = memory.u64(ts + o.thread_state_impl.brc_tid);
      if (process.arch === 'x64') assert.equal(tid, ident, 'on x86-64 glibc, _Py_ThreadId() is pthread_self()');
      const qsbr = memory.u64(ts + o.thread_state_impl.qsbr);
      assert.equal(memory.u64(qsbr + o.qsbr.thread_state.tstate), ts, 'the QSBR state points back at its thread state');

      const mimalloc = ts + o.thread_state_impl.mimalloc;
      const heaps = mimalloc + o.mimalloc.thread_state.heaps.offset;
      const heapAt = (id: number) => heaps + id * o.mimalloc.thread_state.heaps.stride;
      assert.equal(memory.u64(mimalloc + o.mimalloc.thread_state.current_object_heap), heapAt(o.mimalloc.heap_ids.object));
      assert.equal(memory.i32(mimalloc + o.mimalloc.thread_state.initialized), 1);
      for (const id of Object.values(o.mimalloc.heap_ids)) {
        const heap = heapAt(id);
        assert.equal(memory.u64(heap + o.mimalloc.heap.thread_id), tid, 'each heap belongs to the thread');
        assert.equal(memory.u8(heap + o.mimalloc.heap.tag), id, 'heap tag');
        assert.equal(memory.u64(heap + o.mimalloc.heap.tld), mimalloc + o.mimalloc.thread_state.tld, "heap.tld is the thread's tld");
      }
      assert.equal(memory.u64(mimalloc + o.mimalloc.thread_state.tld + o.mimalloc.tld.heap_backing), heapAt(o.mimalloc.heap_ids.mem));
    }
  });

  test('an object header, its mimalloc segment and page', () => {
    const mainTid = memory.u64(threadStateOf(report.main_native_id) + o.thread_state_impl.brc_tid);
    const list = report.owned_by_main;
    assert.equal(memory.u64(list + o.object.ob_type), report.owned_by_main_type);
    assert.equal(memory.u64(list + o.object.ob_tid), mainTid, 'owned by the main thread');
    assert.equal((memory.u8(list + o.object.ob_gc_bits) >> o.object.gc_bits.tracked) & 1, 1, 'a list is GC-tracked');

    const segmentSize = o.mimalloc.segment.alignment;
    const segment = list - (list % segmentSize);
    assert.equal(memory.u64(segment + o.mimalloc.segment.thread_id), mainTid, 'the segment belongs to the main thread');
    const sliceIndex = Math.floor((list - segment) / o.mimalloc.segment.slice_size);
    const slice = segment + o.mimalloc.segment.slices + sliceIndex * o.mimalloc.page.size;
    const page = slice - memory.u32(slice + o.mimalloc.page.slice_offset);
    const flags = memory.u8(page + o.mimalloc.page.flags_byte);
    const tag = (flags >> o.mimalloc.page.flags_byte_bits.tag) & ((1 << o.mimalloc.page.tag_width) - 1);
    assert.equal(tag, o.mimalloc.heap_ids.gc, 'a list lives in a page of the GC heap');
    const blockSize = memory.u32(page + o.mimalloc.page.xblock_size);
    assert.ok(blockSize >= o.object.size && blockSize <= 1024, `block size ${blockSize}`);
    const used = memory.u32(page + o.mimalloc.page.used);
    const capacity = memory.u16(page + o.mimalloc.page.capacity);
    assert.ok(used >= 1 && used <= capacity && capacity <= memory.u16(page + o.mimalloc.page.reserved), `used ${used}, capacity ${capacity}`);

    // The main thread's GC heap: its page queues hold page_count pages, each of its queue's block size.
    const mimalloc = threadStateOf(report.main_native_id) + o.thread_state_impl.mimalloc;
    const heap = mimalloc + o.mimalloc.thread_state.heaps.offset + o.mimalloc.heap_ids.gc * o.mimalloc.thread_state.heaps.stride;
    const { pages } = o.mimalloc.heap;
    let pageCount = 0;
    let listPageSeen = false;
    for (let bin = 0; bin < pages.length; bin++) {
      const queue = heap + pages.offset + bin * pages.stride;
      const queueBlockSize = memory.u64(queue + pages.block_size);
      for (let p = memory.u64(queue + pages.first); p; p = memory.u64(p + o.mimalloc.page.next)) {
        pageCount++;
        listPageSeen ||= p === page;
        if (bin < pages.length - 1) assert.equal(memory.u32(p + o.mimalloc.page.xblock_size), queueBlockSize, `page of bin ${bin}`);
      }
    }
    assert.equal(pageCount, memory.u64(heap + o.mimalloc.heap.page_count), 'heap.page_count');
    assert.ok(listPageSeen, "the list's page is in the GC heap's queues");
    const tld = mimalloc + o.mimalloc.thread_state.tld;
    assert.ok(memory.u64(tld + o.mimalloc.tld.segments_count) >= 1);
    assert.ok(memory.u64(tld + o.mimalloc.tld.segments_current_size) >= memory.u64(segment + o.mimalloc.segment.segment_size));
  });

  test('modules: what each declared about the GIL', () => {
    const { md_gil, gil_used, gil_not_used } = o.module_object;
    assert.notEqual(gil_used, gil_not_used);
    assert.equal(memory.u64(report.extension_module + md_gil), gil_not_used, '_thread declares Py_MOD_GIL_NOT_USED');
    assert.equal(memory.u64(report.python_module + md_gil), gil_used, 'a Python module keeps the default');
  });

  test('GC state, stop-the-world state and an RLock', () => {
    const gcState = interpreter() + o.interpreter_state.gc;
    assert.equal(memory.i32(gcState + o.gc.enabled), 0, 'gc.disable()');
    assert.equal(memory.i32(gcState + o.gc.collecting), 0);
    const { generations, generation_stats: stats } = o.gc;
    const thresholds = [0, 1, 2].map((i) => memory.i32(gcState + generations.offset + i * generations.stride + generations.threshold));
    assert.deepEqual(thresholds, report.gc_threshold);
    const fromMemory = [0, 1, 2].map((i) => {
      const at = gcState + stats.offset + i * stats.stride;
      return {
        collections: memory.u64(at + stats.collections),
        collected: memory.u64(at + stats.collected),
        uncollectable: memory.u64(at + stats.uncollectable),
      };
    });
    assert.deepEqual(fromMemory, report.gc_stats);
    assert.ok(report.gc_stats[2].collections >= 2);

    const stw = o.stop_the_world;
    for (const [where, isGlobal] of [
      [runtime + o.runtime_state.stoptheworld, 1],
      [interpreter() + o.interpreter_state.stoptheworld, 0],
    ]) {
      assert.deepEqual(
        [memory.u8(where + stw.is_global), memory.u8(where + stw.requested), memory.u8(where + stw.world_stopped), memory.u64(where + stw.thread_countdown)],
        [isGlobal, 0, 0, 0],
      );
    }

    assert.equal(memory.u64(report.rlock + o.locks.rlock_object.rlock_owner), report.main_ident, 'the RLock owner');
    assert.equal(memory.u64(report.rlock + o.locks.rlock_object.rlock_count), 2, 'acquired twice');
  });

  test('BRC queue, eval-breaker bits and the instrumentation version', async () => {
    child.stdin.write('queue\n');
    const { queued, async_exc_set } = await nextAnswer<{ queued: number[]; async_exc_set: number }>();
    assert.equal(async_exc_set, 1);
    const waiter = threadStateOf(report.waiter_native_id);
    const chunk = memory.u64(waiter + o.thread_state_impl.brc_objects_to_merge);
    assert.ok(chunk, 'the waiter has objects to merge');
    const n = memory.u64(chunk + o.brc.object_stack_chunk.n);
    const { objs } = o.brc.object_stack_chunk;
    const inQueue = new Set(Array.from({ length: n }, (_, i) => memory.u64(chunk + objs.offset + i * objs.stride)));
    for (const id of queued) assert.ok(inQueue.has(id), `object 0x${id.toString(16)} is queued to its owner`);

    const breaker = memory.u64(waiter + o.thread_state.eval_breaker);
    const flag = (name: keyof ProbeOffsets['eval_breaker_bits']) => Math.floor(breaker / 2 ** o.eval_breaker_bits[name]) % 2;
    assert.deepEqual([flag('explicit_merge'), flag('async_exception'), flag('please_stop'), flag('gc_scheduled')], [1, 1, 0, 0]);

    const version = memory.u64(interpreter() + o.interpreter_state.instrumentation_version);
    assert.ok(version > 0, 'sys.monitoring bumped the instrumentation version');
    for (const ts of threadStates()) {
      const eventBits = memory.u64(ts + o.thread_state.eval_breaker) % (o.eval_breaker.events_mask + 1);
      assert.equal(memory.u64(ts + o.thread_state.eval_breaker) - eventBits, version, 'every thread carries the version above its event bits');
    }
  });
});

// The sampler's readings against ground truth: fixture processes put the runtime in a known
// state (test/fixtures/runtime_truth.py) and say what they know of themselves.
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RuntimeSample, ThreadSample } from '../../runtime/model/samples';
import { ProcessReader, RuntimeSampler } from '../../runtime/inspect';
import type { ProbeOffsets } from '../../runtime/probe/offsets';
import { testPython } from '../support/runtime';
import { probeFor, sleep, stopProcess, waitFor } from '../support/inspectFixture';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'runtime_truth.py');

interface Truth {
  main_thread_id: number;
  [fact: string]: unknown;
}

suite('inspect: runtime samples against the runtime itself', () => {
  let child: ChildProcess | undefined;
  let reader: ProcessReader | undefined;
  let dir: string | undefined;
  let probe: ProbeOffsets;

  suiteSetup(async () => {
    probe = (await probeFor(testPython())).offsets;
  });

  teardown(() => {
    reader?.close();
    stopProcess(child);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    child = reader = dir = undefined;
  });

  /** Starts the fixture in `mode`; resolves once it reported (the report file is `out`). */
  async function start(mode: string): Promise<{ truth: Truth; out: string; sampler: RuntimeSampler }> {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-truth-'));
    const out = path.join(dir, 'report.json');
    const started = spawn(testPython(), ['-X', 'gil=0', FIXTURE, mode, out], { stdio: ['pipe', 'ignore', 'pipe'] });
    child = started;
    let stderr = '';
    started.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(
      () => fs.existsSync(out) || started.exitCode !== null,
      30_000,
      () => `fixture did not report: ${stderr}`,
    );
    if (started.exitCode !== null) throw new Error(`fixture exited with ${started.exitCode}: ${stderr}`);
    reader = ProcessReader.attach(started.pid as number);
    reader.useProbe(probe);
    return { truth: JSON.parse(fs.readFileSync(out, 'utf8')) as Truth, out, sampler: reader.sampler() };
  }

  /** Samples back to back until `seen` holds; fails with the last sample after `ms`. */
  async function sampleUntil(sampler: RuntimeSampler, seen: (sample: RuntimeSample) => boolean, ms = 10_000): Promise<RuntimeSample> {
    let last: RuntimeSample | undefined;
    for (const deadline = Date.now() + ms; Date.now() < deadline;) {
      for (let burst = 0; burst < 200; burst++) {
        last = sampler.sample();
        if (seen(last)) return last;
      }
      await sleep(1);
    }
    assert.fail(`not seen within ${ms} ms; last sample: ${JSON.stringify(last)}`);
  }

  const thread = (sample: RuntimeSample, id: unknown): ThreadSample | undefined => sample.threads.find((t) => t.threadId === id);

  test('gc.disable(): enabled false, thresholds and counts as gc reports them', async () => {
    const { truth, sampler } = await start('gc_disabled');
    const sample = sampler.sample();
    assert.equal(sample.gc.enabled, false);
    assert.equal(sample.gc.collecting, false);
    assert.equal(sample.gc.generations.length, 3);
    assert.equal(sample.gc.generations[0]?.threshold, 2000, "3.13t's default threshold");
    assert.equal(sample.worldStopped, false);
    assert.equal(sample.gilEnabled, false);
    const main = thread(sample, truth.main_thread_id);
    assert.equal(main?.name, 'MainThread');
    assert.equal(main?.state, 'detached', 'the main thread waits in C');
  });

  test('a collection held open by a slow gc callback: collecting, and the other threads suspended', async () => {
    const { truth, sampler } = await start('gc_held');
    const workers = truth.workers as number[];
    const sample = await sampleUntil(sampler, (s) => s.gc.collecting && s.worldStopped && workers.every((id) => thread(s, id)?.state === 'suspended'));
    assert.equal(sample.gc.enabled, true);
    assert.equal(thread(sample, truth.main_thread_id)?.state, 'attached', 'the collecting thread runs while the others are stopped');
    const running = await sampleUntil(sampler, (s) => !s.worldStopped && workers.every((id) => thread(s, id)?.state === 'attached'));
    assert.ok(running.gc.generations.some((generation) => generation.collections > 0));
  });

  test("heaps: the main thread's 100,000 lists are in its gc heap", async () => {
    const { truth } = await start('gc_held');
    const heaps = (reader as ProcessReader).heaps();
    const main = heaps.find((entry) => entry.threadId === truth.main_thread_id);
    assert.deepEqual(
      main?.heaps.map((heap) => heap.kind),
      ['mem', 'object', 'gc', 'gc_pre'],
    );
    const gcHeap = main?.heaps.find((heap) => heap.kind === 'gc');
    // A free-threaded list object is 56 bytes (header 32, size, items, allocated).
    assert.ok(gcHeap && gcHeap.usedBytes >= 100_000 * 56, `gc heap: ${JSON.stringify(gcHeap)}`);
    for (const heap of heaps.flatMap((entry) => entry.heaps)) {
      assert.ok(heap.committedBytes >= heap.usedBytes && (heap.pages > 0 || heap.usedBytes === 0), JSON.stringify(heap));
    }
  });

  test("the abandoned pool: an exited thread's 100,000 live lists", async () => {
    await start('abandoned');
    const pool = (reader as ProcessReader).abandonedPool();
    assert.ok(pool.segments >= 1 && pool.pages >= 1, JSON.stringify(pool));
    assert.ok(pool.usedBytes >= 100_000 * 56, `abandoned: ${JSON.stringify(pool)}`);
  });

  test("objects of thread A released by thread B: A's BRC queue and explicit-merge bit, until A merges", async () => {
    const { truth, out, sampler } = await start('brc');
    const before = sampler.sample();
    const owner = thread(before, truth.owner);
    assert.ok(owner, 'the owner thread is sampled');
    assert.equal(owner.name, 'owner');
    assert.ok(owner.brcQueue >= 1000, `the 1000 released objects are queued to their owner (queue: ${owner.brcQueue})`);
    assert.ok(owner.evalBreaker.includes('explicit_merge'), `explicit merge requested (bits: ${owner.evalBreaker.join(', ')})`);
    assert.ok(before.threads.filter((t) => t !== owner).every((t) => t.brcQueue === 0 && !t.evalBreaker.includes('explicit_merge')));
    child?.stdin?.write('merge now\n');
    await waitFor(
      () => fs.existsSync(`${out}.merged`),
      10_000,
      () => 'the owner did not report its merge',
    );
    const after = thread(sampler.sample(), truth.owner);
    assert.equal(after?.brcQueue, 0);
    assert.ok(!after?.evalBreaker.includes('explicit_merge'));
  });

  test('a signal delivered: signals pending on the main thread (which cannot run Python meanwhile)', async () => {
    const { truth, sampler } = await start('signal');
    assert.ok(!thread(sampler.sample(), truth.main_thread_id)?.evalBreaker.includes('signals_pending'));
    process.kill(truth.pid as number, 'SIGUSR1');
    const sample = await sampleUntil(sampler, (s) => thread(s, truth.main_thread_id)?.evalBreaker.includes('signals_pending') === true, 5_000);
    assert.ok(sample.threads.filter((t) => t.threadId !== truth.main_thread_id).every((t) => !t.evalBreaker.includes('signals_pending')));
  });

  test("refcount anatomy of a fresh, an immortal and another thread's object agrees with sys.getrefcount", async () => {
    const { truth } = await start('refcount');
    const objects = truth.objects as Record<'fresh' | 'immortal' | 'owned', { id: number; refcount: number }>;
    const anatomy = (name: keyof typeof objects) => (reader as ProcessReader).refcount(BigInt(objects[name].id));

    const fresh = anatomy('fresh');
    assert.equal(fresh.type, 'list');
    assert.equal(fresh.refcount, objects.fresh.refcount);
    assert.equal(fresh.ownerThreadId, truth.main_thread_id);
    assert.equal(fresh.ownerName, 'MainThread');
    assert.equal(fresh.immortal, false);
    assert.ok(fresh.gcBits.includes('tracked'));

    const immortal = anatomy('immortal');
    assert.equal(immortal.type, 'NoneType');
    assert.equal(immortal.immortal, true);
    assert.equal(immortal.refcount, null);
    assert.equal(immortal.localCount, 2 ** 32 - 1);
    assert.ok(objects.immortal.refcount >= 2 ** 32 - 2, `sys.getrefcount(None) is the immortal count (${objects.immortal.refcount})`);

    const owned = anatomy('owned');
    assert.equal(owned.ownerThreadId, truth.maker);
    assert.equal(owned.ownerName, 'maker');
    assert.equal(owned.refcount, objects.owned.refcount);
    assert.ok(owned.sharedCount > 0, "the main thread's references are counted in the shared field");
    assert.equal(owned.localCount + owned.sharedCount, objects.owned.refcount);
  });
});

import * as assert from 'node:assert/strict';
import type { GcCollection, RuntimeSample, ThreadSample } from '../../debug-adapter/protocol';
import { addBatch, emptyHistory, generationCount, historyRange, signalColumns } from '../../extension/model/runtimeHistory';

function thread(threadId: number, brcQueue: number, evalBreaker: string[] = []): ThreadSample {
  return { threadId, nativeId: threadId + 100, name: `T${threadId}`, state: 'attached', evalBreaker, brcQueue, gcAllocBuffered: 0 };
}

function sample(time: number, threads: ThreadSample[], worldStopped = false): RuntimeSample {
  const generation = { threshold: 2000, count: 0, collections: 0, collected: 0, uncollectable: 0 };
  return { time, worldStopped, gilEnabled: false, gc: { enabled: true, collecting: false, generations: [generation] }, threads };
}

function collection(start: number, end: number): GcCollection {
  return { start, end, generation: 0, collected: 5, uncollectable: 0 };
}

suite('runtime history', () => {
  test('BRC queue depth is one column per thread, aligned with the sample times (null where a thread did not exist)', () => {
    const history = emptyHistory();
    addBatch(history, { samples: [sample(1000, [thread(1, 0)]), sample(1020, [thread(1, 3), thread(2, 7)])], collections: [], gilChanges: [] });
    addBatch(history, { samples: [sample(1040, [thread(2, 1)])], collections: [], gilChanges: [] });
    assert.deepEqual(history.times, [1000, 1020, 1040]);
    assert.deepEqual(
      history.threads.map((series) => [series.threadId, series.brcQueue]),
      [
        [1, [0, 3, null]],
        [2, [null, 7, 1]],
      ],
    );
  });

  test('why the panels have no samples is kept once said, and not lost by the batches after it', () => {
    const history = emptyHistory();
    assert.equal(history.unavailable, null);
    addBatch(history, { samples: [], collections: [], gilChanges: [], unavailable: 'The runtime panels have no data: no memory.' });
    addBatch(history, { samples: [], collections: [collection(1000, 1010)], gilChanges: [] });
    assert.equal(history.unavailable, 'The runtime panels have no data: no memory.');
  });

  test('a signal counts once per raise: set in consecutive samples of a thread is one, cleared and set again is two', () => {
    const history = emptyHistory();
    const bits = [['explicit_merge'], ['explicit_merge'], [], ['explicit_merge', 'gc_scheduled']];
    addBatch(history, {
      samples: bits.map((set, index) => sample(1000 + 20 * index, [thread(1, 0, set), thread(2, 0, index === 1 ? ['explicit_merge'] : [])])),
      collections: [],
      gilChanges: [],
    });
    assert.deepEqual(history.signalCounts, { explicit_merge: 3, gc_scheduled: 1 });
    // the merge rate counts raises in the second before each sample
    assert.deepEqual(history.mergeRate, [1, 2, 2, 3]);
  });

  test('the merge rate forgets raises older than a second', () => {
    const history = emptyHistory();
    addBatch(history, { samples: [sample(1000, [thread(1, 0, ['explicit_merge'])]), sample(2100, [thread(1, 0)])], collections: [], gilChanges: [] });
    assert.deepEqual(history.mergeRate, [1, 0]);
  });

  test('consecutive stopped samples are one stop-the-world pause; a running sample between makes two', () => {
    const history = emptyHistory();
    const stopped = [false, true, true, false, true];
    addBatch(history, { samples: stopped.map((world, index) => sample(1000 + 20 * index, [thread(1, 0)], world)), collections: [], gilChanges: [] });
    assert.deepEqual(history.stopTheWorld, [
      { start: 1020, end: 1040 },
      { start: 1080, end: 1080 },
    ]);
  });

  test('what leaves the window is dropped: samples, threads only seen then, pauses and collections', () => {
    const history = emptyHistory(1000);
    addBatch(history, {
      samples: [sample(1000, [thread(1, 2)], true), sample(1500, [thread(1, 2), thread(2, 0)])],
      collections: [collection(900, 950)],
      gilChanges: [],
    });
    addBatch(history, { samples: [sample(2200, [thread(2, 4)])], collections: [collection(2100, 2110)], gilChanges: [] });
    assert.deepEqual(history.times, [1500, 2200]);
    assert.deepEqual(history.mergeRate.length, 2);
    assert.deepEqual(
      history.threads.map((series) => [series.threadId, series.brcQueue]),
      [
        [1, [2, null]],
        [2, [0, 4]],
      ],
    );
    assert.deepEqual(history.stopTheWorld, []);
    assert.deepEqual(history.collections, [collection(2100, 2110)]);
    assert.equal(history.sampleCount, 3);
    assert.deepEqual(historyRange(history), [1200, 2200]);
  });

  test('a run shorter than the window spans the charts from its first data on (at least 5 s)', () => {
    const history = emptyHistory(60_000);
    addBatch(history, {
      samples: [sample(100_000, [thread(1, 0)]), sample(110_000, [thread(1, 0)])],
      collections: [collection(99_000, 99_100)],
      gilChanges: [],
    });
    assert.deepEqual(historyRange(history), [99_000, 110_000]);
    const short = emptyHistory(60_000);
    addBatch(short, { samples: [sample(100_000, [thread(1, 0)]), sample(101_000, [thread(1, 0)])], collections: [], gilChanges: [] });
    assert.deepEqual(historyRange(short), [96_000, 101_000]);
  });

  test('a negative young-generation count (3.13t: allocations minus frees) is explained, not shown bare', () => {
    assert.equal(generationCount(-12), '-12 (more freed than allocated since the last collection)');
    assert.equal(generationCount(7), '7');
  });

  test('before any sample the charts show the window up to now', () => {
    assert.deepEqual(historyRange(emptyHistory(1000), 5000), [4000, 5000]);
  });

  test('a sample older than the newest is ignored (it would fold the time axis)', () => {
    const history = emptyHistory();
    addBatch(history, { samples: [sample(2000, [thread(1, 0)]), sample(1990, [thread(1, 9)])], collections: [], gilChanges: [] });
    assert.deepEqual(history.times, [2000]);
  });

  test('the matrix shows the known signals in order, then any other the sampler reports', () => {
    const history = emptyHistory();
    addBatch(history, { samples: [sample(1000, [thread(1, 0, ['bit_12', 'please_stop'])])], collections: [], gilChanges: [] });
    const columns = signalColumns(history);
    assert.deepEqual(columns.slice(0, 2), ['gil_drop_request', 'signals_pending']);
    assert.equal(columns.at(-1), 'bit_12');
    assert.equal(columns.filter((bit) => bit === 'please_stop').length, 1);
  });

  test('the history survives a structured clone (it crosses postMessage to the webview)', () => {
    const history = emptyHistory();
    addBatch(history, {
      samples: [sample(1000, [thread(1, 1, ['explicit_merge'])])],
      collections: [collection(990, 995)],
      gilChanges: [{ time: 1000, enabled: true, module: 'ext' }],
    });
    const copy = structuredClone(history);
    const batch = { samples: [sample(1020, [thread(1, 2)])], collections: [], gilChanges: [] };
    addBatch(history, batch);
    addBatch(copy, structuredClone(batch));
    assert.deepEqual(copy, history);
  });
});

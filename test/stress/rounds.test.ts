// 200 threads meet one breakpoint in each of 20 rounds, with stop-all: every arrival is reported
// exactly once with its own stack, nothing hangs, and the adapter's memory stays flat.
import * as assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { AdapterProcess } from '../support/adapterProcess';
import { defined, fixture, launchArgs, launchWithBreakpoints, marker } from '../support/dap';
import { figures, measuredHeap, memoryKb, recordAdapterPeak } from '../support/figures';
import { ArrivedStop, StopQueue } from './stopQueue';

const THREADS = 200;
const ROUNDS = 20;
/** No new stop for this long: the stop-all is complete, continue. */
const QUIET_MS = 150;

const program = fixture('stress_rounds.py');
const leaf = marker(program, 'leaf');

interface Hit {
  index: number;
  round: number;
  /** Nanoseconds from the thread's arrival at the line to its stopped event at the client. */
  latencyNs: bigint;
}

/** The worker and round of a thread stopped at the leaf breakpoint, after checking its stack. */
async function inspectHit(client: DebugClient, stop: ArrivedStop): Promise<Hit> {
  const threadId = defined(stop.event.body.threadId, 'a thread id');
  const frames = (await client.stackTraceRequest({ threadId, startFrame: 0, levels: 2 })).body.stackFrames;
  assert.deepEqual(
    frames.map((frame) => [frame.name, frame.line]),
    [
      ['leaf', leaf],
      ['worker', marker(program, 'call_leaf')],
    ],
  );
  const expression = '[index, round_, arrived, threading.current_thread().name]';
  const answer = await client.evaluateRequest({ expression, frameId: defined(frames[0], 'a frame').id, context: 'watch' });
  const [index, round, arrived, name] = JSON.parse(answer.body.result.replaceAll("'", '"')) as [number, number, number, string];
  assert.equal(name, `worker-${index}`);
  return { index, round, latencyNs: stop.at - BigInt(arrived) };
}

suite('stress: many threads at one breakpoint', () => {
  let adapter: AdapterProcess;
  setup(() => (adapter = new AdapterProcess({}, measuredHeap)));
  teardown(() => adapter.stop());

  test(`${THREADS} threads, ${ROUNDS} rounds of stop-all and continue`, async () => {
    const client = adapter.client;
    const stops = new StopQueue(client);
    let output = '';
    client.on('output', (event: { body: { output: string } }) => (output += event.body.output));
    let done = false;
    void client.waitForEvent('exited', 600_000).then(() => (done = true));
    await launchWithBreakpoints(client, launchArgs(program, { args: [String(THREADS), String(ROUNDS)] }), [{ path: program, lines: [leaf] }]);

    const seen = new Set<string>();
    const perRound = new Array<number>(ROUNDS).fill(0);
    const rssAfterRound: number[] = [];
    let resumedUnseen = 0;
    let continuedAt = 0n;
    let stoppedSinceContinue = false;
    while (!done) {
      const first = await stops.next(QUIET_MS);
      if (!first) {
        if (done || !stoppedSinceContinue) continue;
        // Any thread id: with stop-all, continue resumes every parked thread.
        await client.continueRequest({ threadId: 1 });
        continuedAt = process.hrtime.bigint();
        stoppedSinceContinue = false;
        continue;
      }
      stoppedSinceContinue = true;
      const batch = [first, ...stops.drain()];
      for (const stop of batch) assert.equal(stop.event.body.reason, 'breakpoint', JSON.stringify(stop.event.body));
      figures.stopsReported += batch.length;
      // A stop that arrived before the last continue's response was resumed by it: reported, not inspectable.
      const parked = batch.filter((stop) => stop.at >= continuedAt);
      resumedUnseen += batch.length - parked.length;
      for (const hit of await Promise.all(parked.map((stop) => inspectHit(client, stop)))) {
        const key = `${hit.index}/${hit.round}`;
        assert.ok(!seen.has(key), `worker ${hit.index} reported twice in round ${hit.round}`);
        seen.add(key);
        figures.maxStopLatencyMs = Math.max(figures.maxStopLatencyMs, Number(hit.latencyNs) / 1e6);
        if (++perRound[hit.round] === THREADS) {
          rssAfterRound.push(memoryKb(adapter.pid, 'VmRSS'));
          recordAdapterPeak(adapter.pid);
        }
      }
    }
    figures.hits += THREADS * ROUNDS;
    assert.match(output, new RegExp(`hits ${THREADS * ROUNDS}\\n`));
    assert.equal(stops.count, THREADS * ROUNDS, 'every hit reported once');
    assert.equal(seen.size + resumedUnseen, THREADS * ROUNDS);
    const early = Math.max(...rssAfterRound.slice(2, 6));
    const late = Math.max(...rssAfterRound.slice(-4));
    assert.ok(late - early < 32 * 1024, `adapter RSS grew from ${early} to ${late} KiB: ${rssAfterRound.join(' ')}`);
    console.log(
      `      adapter RSS after each round (MiB): ${rssAfterRound.map((kb) => (kb / 1024).toFixed(0)).join(' ')}; resumed before inspection: ${resumedUnseen}`,
    );
  });
});

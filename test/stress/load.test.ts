// Load beyond one breakpoint: 64 threads stepping at once, and 10,000 threads started and
// ended under the debugger (balanced thread events, nothing left in the agent or the adapter).
import * as assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { AdapterProcess } from '../support/adapterProcess';
import { defined, evaluate, fixture, launchArgs, launchWithBreakpoints, marker, Stops, topFrames } from '../support/dap';
import { figures, measuredHeap, memoryKb, recordAdapterPeak } from '../support/figures';

/** Stopped events per thread, for threads that stop and step independently. */
class StopsByThread {
  private readonly queues = new Map<number, DebugProtocol.StoppedEvent[]>();
  private readonly waiters = new Map<number, () => void>();
  private onNewThread?: () => void;

  constructor(adapter: AdapterProcess) {
    adapter.client.on('stopped', (event: DebugProtocol.StoppedEvent) => {
      const threadId = event.body.threadId ?? 0;
      const queue = this.queues.get(threadId);
      this.queues.set(threadId, [...(queue ?? []), event]);
      if (!queue) this.onNewThread?.();
      this.waiters.get(threadId)?.();
    });
  }

  /** The thread's next stop, once it arrives (a thread that never stops hangs the test, which the tier's hang report then names). */
  async next(threadId: number): Promise<DebugProtocol.StoppedEvent> {
    while (!this.queues.get(threadId)?.length) await new Promise<void>((resolve) => this.waiters.set(threadId, resolve));
    this.waiters.delete(threadId);
    return defined(this.queues.get(threadId)?.shift(), 'a stop');
  }

  /** Threads seen stopping, in order; resolves when there are more than `known`. */
  async threadsBeyond(known: number): Promise<number[]> {
    while (this.queues.size <= known) await new Promise<void>((resolve) => (this.onNewThread = resolve));
    return [...this.queues.keys()];
  }
}

suite('stress: load', () => {
  let adapter: AdapterProcess;
  setup(() => (adapter = new AdapterProcess({}, measuredHeap)));
  teardown(() => adapter.stop());

  test('64 threads step (next, singleThread) at the same time, each through its own lines', async () => {
    const THREADS = 64;
    const program = fixture('stress_stepping.py');
    const lines = ['start', 'step1', 'step2', 'step3'].map((name) => marker(program, name));
    const client = adapter.client;
    const stops = new StopsByThread(adapter);
    let output = '';
    client.on('output', (event: DebugProtocol.OutputEvent) => (output += event.body.output));
    const exited = client.waitForEvent('exited', 120_000);
    await launchWithBreakpoints(client, launchArgs(program, { args: [String(THREADS)], stopAll: false }), [{ path: program, lines: [lines[0] as number] }]);
    const walked = new Set<number>();
    const walk = async (threadId: number) => {
      for (const [step, line] of lines.entries()) {
        const stop = await stops.next(threadId);
        assert.equal(stop.body.reason, step === 0 ? 'breakpoint' : 'step');
        const top = defined((await topFrames(client, threadId, 1))[0], 'a frame');
        assert.deepEqual([top.name, top.line], ['walk', line], `thread ${threadId} step ${step}`);
        if (step < lines.length - 1) await client.nextRequest({ threadId, singleThread: true });
      }
      const top = defined((await topFrames(client, threadId, 1))[0], 'a frame');
      assert.equal(await evaluate(client, top.id, 'total == index + 3'), 'True');
      await client.continueRequest({ threadId, singleThread: true });
      walked.add(threadId);
    };
    // Each thread walks as soon as its first stop arrives, while the others stop and step.
    const walks: Promise<void>[] = [];
    while (walks.length < THREADS) {
      for (const threadId of (await stops.threadsBeyond(walks.length)).slice(walks.length)) walks.push(walk(threadId));
    }
    await Promise.all(walks);
    await exited;
    assert.equal(walked.size, THREADS);
    assert.match(output, new RegExp(`walked ${THREADS}\\n`));
    figures.hits += THREADS * lines.length;
    figures.stopsReported += THREADS * lines.length;
  });

  test('breakpoints added and removed while 64 threads run through them', async () => {
    const THREADS = 64;
    const PASSES = 400;
    const program = fixture('stress_toggle.py');
    const [a, b] = [marker(program, 'a'), marker(program, 'b')];
    const client = adapter.client;
    let output = '';
    client.on('output', (event: DebugProtocol.OutputEvent) => (output += event.body.output));
    let done = false;
    const exited = client.waitForEvent('exited', 240_000).then(() => (done = true));
    // The lines with a breakpoint: while a setBreakpoints is on its way, the old and the new ones.
    // Once its response is in, the agent reports no stop on a removed line (events come in order).
    let active = new Set<number>();
    let stopsSeen = 0;
    const wrong: string[] = [];
    client.on('stopped', (event: DebugProtocol.StoppedEvent) => {
      stopsSeen++;
      const threadId = defined(event.body.threadId, 'a thread');
      const setThen = active;
      void topFrames(client, threadId, 1).then(
        (frames) => {
          const line = frames[0]?.line ?? 0;
          if (!setThen.has(line)) wrong.push(`line ${line} while ${[...setThen].join(', ')} had breakpoints`);
          return client.continueRequest({ threadId, singleThread: true });
        },
        () => undefined, // the session ended meanwhile
      );
    });
    await launchWithBreakpoints(client, launchArgs(program, { args: [String(THREADS), String(PASSES)], stopAll: false }));
    const sets = [[a], [b], [a, b], []];
    for (let round = 0; !done; round++) {
      const lines = sets[round % sets.length] as number[];
      active = new Set([...active, ...lines]);
      await client.setBreakpointsRequest({ source: { path: program }, breakpoints: lines.map((line) => ({ line })) }).catch(() => undefined);
      active = new Set(lines);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await exited;
    assert.deepEqual(wrong, [], 'stops only on lines with a breakpoint');
    assert.ok(stopsSeen > 0, 'some breakpoints were hit');
    console.log(`      ${stopsSeen} stops while toggling`);
    assert.match(output, new RegExp(`passes ${THREADS * PASSES}\\n`));
  });

  test('10,000 short threads: started and exited events balance, nothing is left in the agent or the adapter', async () => {
    const COUNT = 10_000;
    const program = fixture('stress_churn.py');
    const client = adapter.client;
    const stops = new Stops(client);
    const events = { started: 0, exited: 0 };
    client.on('thread', (event: DebugProtocol.ThreadEvent) => {
      if (event.body.reason === 'started' || event.body.reason === 'exited') events[event.body.reason]++;
    });
    await launchWithBreakpoints(client, launchArgs(program, { args: [String(COUNT)] }), [{ path: program, lines: [marker(program, 'done')] }]);
    const rssAtStart = memoryKb(adapter.pid, 'VmRSS');
    const started = Date.now();
    const stop = defined(await stops.next(240_000), 'the stop after the threads');
    console.log(`      ${COUNT} threads in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const threadId = defined(stop.body.threadId, 'a thread');
    const rssAtEnd = memoryKb(adapter.pid, 'VmRSS');
    recordAdapterPeak(adapter.pid);
    assert.deepEqual(events, { started: COUNT, exited: COUNT });
    const frame = defined((await topFrames(client, threadId))[0], 'a frame');
    assert.equal(await evaluate(client, frame.id, 'alive'), '1');
    const agent = await evaluate(
      client,
      frame.id,
      "[(len(m.threads.live()), sum(1 for state in m.threads.states.values() if state), len(m._parked)) for m in __import__('gc').get_objects() if type(m).__name__ == 'Monitor']",
    );
    assert.equal(agent, '[(1, 1, 1)]', 'the agent knows only the main thread, parked');
    assert.equal((await client.threadsRequest()).body.threads.length, 1);
    assert.ok(rssAtEnd - rssAtStart < 32 * 1024, `adapter RSS grew from ${rssAtStart} to ${rssAtEnd} KiB`);
    await client.continueRequest({ threadId });
  });
});

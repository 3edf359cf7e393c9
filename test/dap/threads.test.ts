import * as assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { defined, evaluate, fixture, launchArgs, launchWithBreakpoints, marker, ProgramOutput, Stops, startClient, topFrames } from '../support/dap';

const program = fixture('dap_threads.py');
const leaf = marker(program, 'leaf');

suite('DAP: many threads at one breakpoint', () => {
  let client: DebugClient;
  setup(async () => (client = await startClient()));
  teardown(() => client.stop());

  /** Checks a thread stopped at the leaf breakpoint: its stack, its own index, the GIL off. */
  async function inspectHit(threadId: number): Promise<number> {
    const frames = await topFrames(client, threadId);
    assert.deepEqual(
      frames.slice(0, 2).map((frame) => [frame.name, frame.line]),
      [
        ['leaf', leaf],
        ['worker', marker(program, 'call_leaf')],
      ],
    );
    assert.equal(await evaluate(client, defined(frames[0], 'a top frame').id, 'sys._is_gil_enabled()'), 'False');
    const index = Number(await evaluate(client, defined(frames[1], 'a caller frame').id, 'index'));
    const threadName = (await client.threadsRequest()).body.threads.find((thread) => thread.id === threadId)?.name;
    assert.match(threadName ?? '', new RegExp(`^worker-${index} \\[${threadId}\\]$`));
    return index;
  }

  async function continueAll(): Promise<void> {
    const main = (await client.threadsRequest()).body.threads.find((thread) => thread.name.startsWith('MainThread'));
    await client.continueRequest({ threadId: defined(main, 'the main thread').id });
  }

  for (const stopAll of [true, false]) {
    test(`8 threads: each arrival reported once, with its own stack (stopAll ${stopAll})`, async () => {
      const stops = new Stops(client);
      const output = new ProgramOutput(client);
      const [placed] = await launchWithBreakpoints(client, launchArgs(program, { stopAll }), [{ path: program, lines: [leaf] }]);
      assert.equal(placed?.verified, true);
      const seen = new Map<number, number>();
      while (seen.size < 8) {
        const stop = await stops.next(stopAll ? 500 : 15_000);
        if (!stop) {
          await continueAll(); // threads parked by the stop-all have not reached the breakpoint yet
          continue;
        }
        assert.equal(stop.body.reason, 'breakpoint');
        assert.equal(stop.body.allThreadsStopped, stopAll);
        const threadId = defined(stop.body.threadId, 'a thread id');
        assert.ok(!seen.has(threadId), `thread ${threadId} reported twice`);
        seen.set(threadId, await inspectHit(threadId));
        await client.continueRequest({ threadId, singleThread: true });
      }
      assert.deepEqual([...seen.values()].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
      if (stopAll) await continueAll();
      assert.equal(await output.exitCode, 3);
      assert.equal(stops.all.length, 8);
      assert.match(output.text, /results \[0, 10, 20, 30, 40, 50, 60, 70\]/);
      assert.match(output.text, /gil enabled False/);
    });
  }

  test('stack traces asked for together are all answered; a thread that does not exist gets its own error', async () => {
    const stops = new Stops(client);
    await launchWithBreakpoints(client, launchArgs(program), [{ path: program, lines: [leaf] }]);
    const stopped = defined((await stops.expect('breakpoint')).body.threadId, 'a thread');
    const threads = (await client.threadsRequest()).body.threads;
    assert.equal(threads.length, 9);
    const missing = Math.max(...threads.map((thread) => thread.id)) + 1_000_000;
    const [stacks, unknown] = await Promise.all([
      Promise.all(threads.map((thread) => topFrames(client, thread.id))),
      client.stackTraceRequest({ threadId: missing }).then(
        () => 'answered',
        (error: Error) => error.message,
      ),
    ]);
    assert.ok(
      stacks.every((frames) => frames.length > 0),
      'every thread has a stack',
    );
    assert.equal(defined(stacks[threads.findIndex((thread) => thread.id === stopped)]?.[0], 'a top frame').name, 'leaf');
    assert.match(unknown, new RegExp(`No thread ${missing}`));
  });
});

suite('DAP: a thread started from C', () => {
  const fromC = fixture('dap_c_thread.py');
  let client: DebugClient;
  setup(async () => (client = await startClient()));
  teardown(() => client.stop());

  test('listed at a stop with its stack from memory (no values); later it stops at its own breakpoint under the same id', async () => {
    const stops = new Stops(client);
    const output = new ProgramOutput(client);
    await launchWithBreakpoints(client, launchArgs(fromC), [{ path: fromC, lines: [marker(fromC, 'main_stops'), marker(fromC, 'c_goes_on')] }]);
    const main = defined((await stops.expect('breakpoint')).body.threadId, 'the main thread');
    const threads = (await client.threadsRequest()).body.threads;
    const outside = threads.filter((thread) => thread.id !== main);
    assert.equal(outside.length, 1, JSON.stringify(threads));
    const cThread = defined(outside[0], 'the C thread');
    assert.match(cThread.name, /outside threading .*from C/);
    const [top] = await topFrames(client, cThread.id);
    assert.deepEqual([top?.name, top?.line, top?.source?.path], ['from_c', marker(fromC, 'c_waits'), fromC]);
    const frameId = defined(top, 'its frame').id;
    assert.deepEqual((await client.scopesRequest({ frameId })).body.scopes, []);
    await assert.rejects(evaluate(client, frameId, 'started'), /started outside threading \(from C\)/);

    await client.continueRequest({ threadId: main });
    const own = await stops.expect('breakpoint');
    assert.equal(own.body.threadId, cThread.id, 'the same thread, now known to the agent');
    assert.equal((await topFrames(client, cThread.id))[0]?.line, marker(fromC, 'c_goes_on'));
    await client.continueRequest({ threadId: cThread.id });
    assert.equal(await output.exitCode, 0);
    assert.match(output.text, /the C thread goes on/);
  });
});

// The runtime panels' data over DAP: 'ftpy/runtimeSample' batches while the program runs,
// 'ftpy/runtimeSnapshot' and 'ftpy/refcount' while it is stopped.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { FTPY_EVENTS, FTPY_REQUESTS, GilChange, RefcountResponseBody, RuntimeSampleEventBody, RuntimeSnapshotResponseBody } from '../../debug-adapter/protocol';
import { defined, evaluate, fixture, launchArgs, launchWithBreakpoints, marker, ProgramOutput, Stops, startClient, topFrames } from '../support/dap';
import { buildNeedsGilProgram } from '../support/needsGil';
import { runFtpy } from '../support/cli';
import { testPython } from '../support/runtime';

const program = fixture('dap_runtime.py');

suite('DAP: runtime samples', () => {
  let client: DebugClient;
  setup(async () => (client = await startClient()));
  teardown(() => client.stop());

  /** As the runtime panel does while it is visible: the program's memory is sampled only then. */
  const showSamples = (on = true) => client.customRequest(FTPY_REQUESTS.runtimeSampling, { on });

  /** The batches as they come, and a wait until they show what the test needs (checked at each batch). */
  function collectBatches(): { batches: RuntimeSampleEventBody[]; until: (holds: () => boolean) => Promise<void> } {
    const batches: RuntimeSampleEventBody[] = [];
    let check = () => {};
    client.on(FTPY_EVENTS.runtimeSample, (event: DebugProtocol.Event) => {
      batches.push(event.body as RuntimeSampleEventBody);
      check();
    });
    const until = (holds: () => boolean) =>
      new Promise<void>((resolve) => {
        check = () => holds() && resolve();
        check();
      });
    return { batches, until };
  }

  test('batches of samples and collections while the program runs; a snapshot and a refcount at a stop', async function () {
    this.timeout(180_000); // the fixture runs until it has made several full collections: slow on a loaded machine
    const { batches, until } = collectBatches();
    const stops = new Stops(client);
    const started = Date.now();
    await launchWithBreakpoints(client, launchArgs(program), [{ path: program, lines: [marker(program, 'stop')] }]);
    await showSamples();
    const stop = await stops.expect('breakpoint');
    // The program stops after its third full collection; the batch that reports it may come after the stop.
    await until(() => batches.flatMap((batch) => batch.collections).filter((collection) => collection.generation === 2).length >= 3);
    const elapsedS = (Date.now() - started) / 1000;

    assert.ok(batches.length <= elapsedS * 10 + 2, `${batches.length} batches in ${elapsedS.toFixed(1)} s: at most 10 a second`);
    const samples = batches.flatMap((batch) => batch.samples);
    assert.ok(samples.length >= 10, `${samples.length} samples in ${elapsedS.toFixed(1)} s`);
    for (const sample of samples) {
      assert.equal(sample.gilEnabled, false);
      assert.equal(sample.gc.generations.length, 3);
      assert.ok(sample.threads.some((thread) => thread.name === 'MainThread'));
      for (const thread of sample.threads) assert.ok(thread.nativeId > 0 && thread.brcQueue >= 0 && thread.state !== null, JSON.stringify(thread));
    }
    assert.ok(
      samples.every((sample, i) => i === 0 || sample.time >= (samples[i - 1] as { time: number }).time),
      'samples in time order',
    );
    const spinners = samples.flatMap((sample) => sample.threads).filter((thread) => thread.name?.startsWith('spinner-'));
    assert.ok(
      spinners.some((thread) => thread.state === 'attached'),
      'the spinning threads seen running',
    );
    const collections = batches.flatMap((batch) => batch.collections);
    assert.ok(collections.filter((collection) => collection.generation === 2).length >= 3, JSON.stringify(collections));
    for (const collection of collections) assert.ok(collection.end >= collection.start && collection.start > started - 1000);

    const snapshot = (await client.customRequest(FTPY_REQUESTS.runtimeSnapshot, {})).body as RuntimeSnapshotResponseBody;
    assert.ok(snapshot.sample.threads.some((thread) => thread.name === 'MainThread'));
    assert.equal(snapshot.heaps.length, snapshot.sample.threads.length);
    // Offsets cached by an older probe lack the abandoned pool's: then a note says so.
    if (snapshot.abandoned) assert.ok(snapshot.abandoned.segments >= 0 && snapshot.abandoned.usedBytes >= 0, JSON.stringify(snapshot.abandoned));
    else assert.match(snapshot.notes.join('\n'), /abandoned pool could not be read/);
    const census = defined(snapshot.census, 'a census while stopped');
    assert.ok(
      census.some((entry) => entry.type === 'list' && entry.count > 0 && entry.bytes > 0),
      JSON.stringify(census.slice(0, 5)),
    );

    const frame = defined((await topFrames(client, defined(stop.body.threadId, 'thread')))[0], 'a frame');
    // The agent's own threads are in no view: ftpy dump marks them, and they are in no sample nor heap list.
    const dumped = await runFtpy(['dump', '--json', await evaluate(client, frame.id, "__import__('os').getpid()")]);
    const agentThreads = (JSON.parse(dumped.stdout) as { threads: { thread_id: number; ftpy_agent?: boolean }[] }).threads.filter(
      (thread) => thread.ftpy_agent,
    );
    assert.equal(agentThreads.length, 2, dumped.stdout);
    const agentIds = new Set(agentThreads.map((thread) => thread.thread_id));
    const shown = [...samples.flatMap((sample) => sample.threads), ...snapshot.sample.threads, ...snapshot.heaps];
    assert.deepEqual(
      shown.filter((thread) => agentIds.has(thread.threadId)),
      [],
    );
    const anatomy = (await client.customRequest(FTPY_REQUESTS.refcount, { expression: 'fresh', frameId: frame.id })).body as RefcountResponseBody;
    assert.equal(anatomy.type, 'list');
    assert.equal(anatomy.ownerName, 'MainThread');
    assert.equal(anatomy.immortal, false);
    assert.equal(anatomy.refcount, Number(await evaluate(client, frame.id, 'sys.getrefcount(fresh)')) - 1);
    const output = new ProgramOutput(client);
    await client.continueRequest({ threadId: defined(stop.body.threadId, 'thread') });
    assert.equal(await output.exitCode, 0);
  });

  suite('an extension module that needs the GIL', () => {
    let dir: string;
    let main: string;
    suiteSetup(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-needs-gil-'));
      main = buildNeedsGilProgram(testPython(), dir);
    });
    suiteTeardown(() => fs.rmSync(dir, { recursive: true, force: true }));

    for (const gil of ['default', 'off'] as const) {
      test(`gil ${gil}: the import is reported${gil === 'off' ? ', the GIL kept off' : ' as re-enabling the GIL, and samples see it on'}`, async () => {
        const { batches, until } = collectBatches();
        const output = new ProgramOutput(client);
        const stops = new Stops(client);
        const samples = () => batches.flatMap((batch) => batch.samples);
        // With the GIL turned on, a stop after the import waits (sampling goes on while stopped) for
        // a sample that sees it: the program could end before the sampler's next read.
        const stopAfterImport = gil === 'default' ? [{ path: main, lines: [marker(main, 'imported')] }] : [];
        await launchWithBreakpoints(client, launchArgs(main, { gil }), stopAfterImport);
        await showSamples();
        if (gil === 'default') {
          const stop = await stops.expect('breakpoint');
          const importDone = Date.now();
          await until(() => samples().some((sample) => sample.time >= importDone));
          await client.continueRequest({ threadId: defined(stop.body.threadId, 'the stopped thread') });
        }
        assert.equal(await output.exitCode, 0); // the last batch is sent before the exited event
        const changes = batches.flatMap((batch) => batch.gilChanges);
        assert.equal(changes.length, 1, JSON.stringify(changes));
        const change = changes[0] as GilChange;
        assert.equal(change.module, 'needs_gil');
        assert.match(change.importer ?? '', /main\.py:4$/);
        assert.equal(change.enabled, gil === 'default');
        assert.equal(change.forcedOff, gil === 'off');
        if (gil === 'default')
          assert.ok(
            samples().some((sample) => sample.gilEnabled),
            'a sample after the import sees the GIL on',
          );
        else assert.ok(samples().every((sample) => !sample.gilEnabled));
      });
    }
  });

  test('samples only while the client shows them: none before, none after; the collections all the same', async () => {
    const { batches, until } = collectBatches();
    const stops = new Stops(client);
    const output = new ProgramOutput(client);
    await launchWithBreakpoints(client, launchArgs(program), [{ path: program, lines: [marker(program, 'stop')] }]);
    // The program stops after its third full collection, reported by the agent without sampling.
    const stop = await stops.expect('breakpoint');
    await until(() => batches.flatMap((batch) => batch.collections).filter((collection) => collection.generation === 2).length >= 3);
    const samples = () => batches.flatMap((batch) => batch.samples);
    assert.deepEqual(samples(), [], 'no samples before the client shows them');
    const shownAt = Date.now();
    await showSamples();
    await until(() => samples().length >= 3); // sampling goes on while stopped
    await showSamples(false);
    const hiddenAt = Date.now();
    await assert.rejects(
      client.customRequest(FTPY_REQUESTS.runtimeSampling, { on: 'yes' }),
      /Malformed "ftpy\/runtimeSampling" request: it takes \{ "on": true \| false \}/,
    );
    await client.continueRequest({ threadId: defined(stop.body.threadId, 'thread') });
    assert.equal(await output.exitCode, 0); // the last batch is sent before the exited event
    const times = samples().map((sample) => sample.time);
    assert.ok(
      times.every((time) => time >= shownAt && time <= hiddenAt),
      `samples at ${times.join(', ')}; shown from ${shownAt} to ${hiddenAt}`,
    );
  });

  test('runtimeSampling 0: no samples; a bad value: one clear error', async () => {
    const { batches } = collectBatches();
    const output = new ProgramOutput(client);
    await launchWithBreakpoints(client, launchArgs(program, { runtimeSampling: 0 }));
    await showSamples();
    assert.equal(await output.exitCode, 0);
    assert.deepEqual(
      batches.flatMap((batch) => batch.samples),
      [],
    );
    await client.stop();
    client = await startClient();
    await client.initializeRequest();
    await assert.rejects(
      client.launch(launchArgs(program, { runtimeSampling: -5 })),
      /"runtimeSampling" is -5: set it to a number of samples a second from 0 \(off\)/,
    );
  });
});

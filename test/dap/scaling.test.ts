// The Scaling tab's recording over DAP ('ftpy/scaling'): reports while it records, the program's
// threads only, the lock its threads wait for and hold named, no samples while the debugger has
// the program stopped, and clear errors for a malformed request.
import * as assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { FTPY_EVENTS, FTPY_REQUESTS, type ScalingEventBody } from '../../debug-adapter/protocol';
import { defined, fixture, launchArgs, launchWithBreakpoints, marker, ProgramOutput, Stops, startClient } from '../support/dap';

const program = fixture('wait_truth.py');

suite('DAP: Scaling recording', () => {
  let client: DebugClient;
  setup(async () => (client = await startClient()));
  teardown(() => client.stop());

  /** The events as they come, and a wait until they show what the test needs (checked at each event). */
  function collectReports(): { reports: ScalingEventBody[]; until: (holds: (last: ScalingEventBody) => boolean, what: string) => Promise<ScalingEventBody> } {
    const reports: ScalingEventBody[] = [];
    let check = () => {};
    client.on(FTPY_EVENTS.scaling, (event: DebugProtocol.Event) => {
      reports.push(event.body as ScalingEventBody);
      check();
    });
    const until = (holds: (last: ScalingEventBody) => boolean, what: string) =>
      new Promise<ScalingEventBody>((resolve, reject) => {
        check = () => {
          const last = reports[reports.length - 1];
          if (last && holds(last)) resolve(last);
          else if (last?.error) reject(new Error(`${what}: ${last.error}`));
        };
        check();
      });
    return { reports, until };
  }

  test('records while asked: the program threads, its lock named where it is held and waited for, nothing while stopped', async function () {
    this.timeout(120_000);
    const { reports, until } = collectReports();
    const stops = new Stops(client);
    const output = new ProgramOutput(client);
    // A breakpoint in the holder's loop: the recording pauses there, and goes on once it is removed.
    await launchWithBreakpoints(client, launchArgs(program, { args: ['4'] }), [{ path: program, lines: [marker(program, 'holding')] }]);
    const stop = await stops.expect('breakpoint');
    await client.customRequest(FTPY_REQUESTS.scaling, { record: true });
    const paused = await until((last) => last.paused, 'a report saying the recording waits while the program is stopped');
    assert.equal(paused.report?.samples ?? 0, 0, 'no sample while the debugger has the program stopped');
    await client.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
    await client.continueRequest({ threadId: defined(stop.body.threadId, 'thread'), singleThread: false });
    // Thread names are read at most once a second: a thread may be counted before it is named.
    const named = (last: ScalingEventBody) => ['worker-1', 'worker-2'].every((name) => last.report?.threads.some((thread) => thread.name === name));
    const recorded = await until(
      (last) =>
        !last.paused &&
        named(last) &&
        (last.report?.locks ?? []).some((lock) => lock.label.startsWith("Lock 'ledger_lock'") && lock.heldAt.length > 0 && lock.sites.length > 0),
      'a report with the workers named and ledger_lock held and waited for',
    );
    await client.customRequest(FTPY_REQUESTS.scaling, { record: false });
    const final = await until((last) => !last.recording, 'the last report');
    assert.ok((final.report?.samples ?? 0) >= (recorded.report?.samples ?? 0));

    const report = defined(final.report, 'report');
    const names = new Set(report.threads.map((thread) => thread.name));
    assert.deepEqual([...names].sort(), ['MainThread', 'holder', 'worker-1', 'worker-2'], 'the program threads, none of the agent');
    const [lock] = report.locks;
    assert.match(lock?.label ?? '', /^Lock 'ledger_lock' at 0x/, JSON.stringify(report.locks));
    assert.deepEqual(
      lock?.heldAt.map((site) => site.line),
      [marker(program, 'holding')],
      'held at the holder thread',
    );
    assert.equal(lock?.sites[0]?.line, marker(program, 'ledger'));
    const timeline = defined(final.timeline, 'timeline');
    assert.equal(timeline.threads.length, report.threads.length);
    assert.ok(
      timeline.threads.every((thread) => thread.columns.length > 0 && thread.columns.length <= 120),
      JSON.stringify(timeline.threads.map((thread) => thread.columns.length)),
    );
    const count = reports.length;
    assert.equal(await output.exitCode, 0);
    assert.equal(reports.length, count, 'no report once the recording ended');
  });

  test('a malformed request: one clear error, and the session goes on', async () => {
    await client.initializeRequest();
    await assert.rejects(client.customRequest(FTPY_REQUESTS.scaling, { record: true }), /The program is not running/, 'before a launch');
    const output = new ProgramOutput(client);
    await launchWithBreakpoints(client, launchArgs(program, { args: ['0.5'] }));
    for (const args of [{ record: 'yes' }, { record: true, rateHz: 0 }, { record: true, rateHz: 1e6 }]) {
      await assert.rejects(
        client.customRequest(FTPY_REQUESTS.scaling, args),
        /Malformed "ftpy\/scaling" request: it takes \{ "record": true \| false, "rateHz": 1 to 10000 \(optional\) \}/,
        JSON.stringify(args),
      );
    }
    assert.equal(await output.exitCode, 0);
  });
});

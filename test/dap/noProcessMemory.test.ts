// Where the debuggee's memory cannot be read (macOS and Windows have no /proc, a container may deny
// it; FTPY_PROCESS_MEMORY=off simulates it): debugging works through the agent alone, and each view
// that needs the memory says, once, that it is off and why.
import * as assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { FTPY_EVENTS, FTPY_REQUESTS, type LocksResponseBody, type RuntimeSampleEventBody } from '../../debug-adapter/protocol';
import { AdapterProcess } from '../support/adapterProcess';
import { defined, fixture, launchArgs, launchWithBreakpoints, marker, ProgramOutput, rawResponse, Stops, topFrames } from '../support/dap';
import { runFtpy } from '../support/cli';

const program = fixture('dap_threads.py');
const OFF = /reading process \d+'s memory is off \(FTPY_PROCESS_MEMORY=off\)/;

suite('DAP: no process memory', () => {
  test('a threaded program is debugged end to end through the agent; the memory views say once why they are off', async () => {
    const adapter = new AdapterProcess({ FTPY_PROCESS_MEMORY: 'off' });
    try {
      const client = adapter.client;
      const output = new ProgramOutput(client);
      const samples: RuntimeSampleEventBody[] = [];
      client.on(FTPY_EVENTS.runtimeSample, (event: DebugProtocol.Event) => samples.push(event.body as RuntimeSampleEventBody));
      const stops = new Stops(client);
      await launchWithBreakpoints(client, launchArgs(program), [{ path: program, lines: [marker(program, 'leaf')] }]);
      const threadId = defined((await stops.expect('breakpoint')).body.threadId, 'a thread');
      assert.deepEqual((await topFrames(client, threadId)).map((frame) => frame.name).slice(0, 2), ['leaf', 'worker']);
      const top = defined((await topFrames(client, threadId))[0], 'a frame');
      const scope = defined((await client.scopesRequest({ frameId: top.id })).body.scopes[0], 'a scope');
      const variables = (await client.variablesRequest({ variablesReference: scope.variablesReference })).body.variables;
      assert.ok(
        variables.some((variable) => variable.name === 'index'),
        JSON.stringify(variables),
      );

      const locks = (await client.customRequest(FTPY_REQUESTS.locks, {})).body as LocksResponseBody;
      assert.match(locks.notes.join('\n'), OFF);
      const snapshot = (await rawResponse(client, FTPY_REQUESTS.runtimeSnapshot, {})) as DebugProtocol.ErrorResponse;
      assert.match(snapshot.message ?? '', /The runtime panels have no data: reading process \d+'s memory is off/);
      assert.equal(snapshot.body.error?.showUser, false, "a failed request of ftpy's own is shown by the view that asked, not as a notification");
      const said = output.console.split('\n').filter((line) => OFF.test(line));
      assert.equal(said.length, 1, output.console);
      assert.match(said[0] ?? '', /runtime panels are off; breakpoints, stepping, stacks and variables work as ever/);

      await client.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
      await client.continueRequest({ threadId });
      assert.equal(await output.exitCode, 3);
      assert.match(output.text, /results \[0, 10, 20, 30, 40, 50, 60, 70\]/);
      assert.deepEqual(
        samples.flatMap((batch) => batch.samples),
        [],
      );
      const told = samples.flatMap((batch) => (batch.unavailable ? [batch.unavailable] : []));
      assert.equal(told.length, 1, 'the panels are told once why they stay empty');
      assert.match(
        told[0] ?? '',
        /^No samples of the program's memory \(only the agent's collections and GIL changes are shown\): reading process \d+'s memory is off/,
      );
    } finally {
      await adapter.stop();
    }
  });

  test('ftpy dump says in one line that it cannot read the memory', async () => {
    const result = await runFtpy(['dump', String(process.pid)], { env: { ...process.env, FTPY_PROCESS_MEMORY: 'off' } });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr.trim(), /^ftpy dump: reading process \d+'s memory is off \(FTPY_PROCESS_MEMORY=off\)/);
    assert.equal(result.stderr.trim().split('\n').length, 1);
  });
});

import * as assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import {
  defined,
  evaluate,
  fixture,
  launchArgs,
  launchWithBreakpoints,
  marker,
  ProgramOutput,
  Stops,
  startClient,
  threadNamed,
  topFrames,
} from '../support/dap';

const program = fixture('dap_stepping.py');
const line = (name: string) => marker(program, name);

suite('DAP: stepping while another thread runs', () => {
  let client: DebugClient;
  setup(async () => (client = await startClient()));
  teardown(() => client.stop());

  async function where(threadId: number): Promise<[string, number]> {
    const top = defined((await topFrames(client, threadId))[0], 'a frame');
    return [top.name, top.line];
  }

  for (const singleThread of [false, true]) {
    test(`next, stepIn, stepOut on one thread (singleThread ${singleThread})`, async () => {
      const stops = new Stops(client);
      const output = new ProgramOutput(client);
      await launchWithBreakpoints(client, launchArgs(program), [{ path: program, lines: [line('outer_start')] }]);
      const first = await stops.expect('breakpoint');
      const threadId = defined(first.body.threadId, 'a thread');
      assert.equal(threadId, await threadNamed(client, 'stepper'));
      const spins = async () => Number(await evaluate(client, defined((await topFrames(client, threadId))[0], 'a frame').id, 'spins[0]'));
      const spinsAtStart = await spins();

      const steps: [string, () => Promise<unknown>, [string, number]][] = [
        ['next', () => client.nextRequest({ threadId, singleThread }), ['outer', line('outer_call')]],
        ['stepIn', () => client.stepInRequest({ threadId, singleThread }), ['inner', line('inner_first')]],
        ['next', () => client.nextRequest({ threadId, singleThread }), ['inner', line('inner_return')]],
        ['stepOut', () => client.stepOutRequest({ threadId, singleThread }), ['outer', line('outer_call')]],
        ['next', () => client.nextRequest({ threadId, singleThread }), ['outer', line('outer_after')]],
      ];
      for (const [name, step, expected] of steps) {
        await step();
        const stop = await stops.expect('step');
        assert.equal(stop.body.threadId, threadId, `${name} stopped another thread`);
        assert.deepEqual(await where(threadId), expected, `after ${name}`);
      }
      // Without singleThread the other threads run during each step.
      if (!singleThread) assert.ok((await spins()) > spinsAtStart, 'the spinner ran during the steps');
      await evaluate(client, defined((await topFrames(client, threadId))[0], 'a frame').id, 'finished.set()');
      await client.continueRequest({ threadId });
      assert.equal(await output.exitCode, 0);
      assert.match(output.text, /outer 5\n/);
      assert.match(output.text, /spun True/);
    });
  }

  test('a function breakpoint stops each call of the named function', async () => {
    const stops = new Stops(client);
    await Promise.all([client.waitForEvent('initialized'), client.launch(launchArgs(program))]);
    const placed = (await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'inner' }] })).body.breakpoints;
    assert.equal(placed[0]?.verified, true);
    await client.configurationDoneRequest();
    const stop = await stops.expect('function breakpoint');
    const threadId = defined(stop.body.threadId, 'a thread');
    assert.deepEqual(stop.body.hitBreakpointIds, [placed[0]?.id]);
    assert.equal((await where(threadId))[0], 'inner');
    const caller = defined((await topFrames(client, threadId))[1], 'the caller');
    assert.deepEqual([caller.name, caller.line], ['outer', line('outer_call')]);
  });

  test('after stepping out, the return value is shown', async () => {
    const stops = new Stops(client);
    await launchWithBreakpoints(client, launchArgs(program), [{ path: program, lines: [line('inner_first')] }]);
    const threadId = defined((await stops.expect('breakpoint')).body.threadId, 'a thread');
    await client.stepOutRequest({ threadId });
    await stops.expect('step');
    const frame = defined((await topFrames(client, threadId))[0], 'a frame');
    const scopes = (await client.scopesRequest({ frameId: frame.id })).body.scopes;
    assert.equal(scopes[0]?.name, 'Return value');
    const returned = (await client.variablesRequest({ variablesReference: defined(scopes[0], 'a scope').variablesReference })).body.variables;
    assert.deepEqual(
      returned.map((variable) => [variable.name, variable.value]),
      [['inner()', '4']],
    );
  });

  test('a breakpoint set while a thread loops applies at once, and pause stops a running thread', async () => {
    const stops = new Stops(client);
    await launchWithBreakpoints(client, launchArgs(program), [{ path: program, lines: [line('outer_start')] }]);
    const stepper = defined((await stops.expect('breakpoint')).body.threadId, 'a thread');
    const spinner = await threadNamed(client, 'spinner');
    await client.continueRequest({ threadId: stepper });
    await client.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: line('spin') }] });
    const hit = await stops.expect('breakpoint');
    assert.equal(hit.body.threadId, spinner);
    assert.deepEqual(await where(spinner), ['spin', line('spin')]);
    await client.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
    await client.continueRequest({ threadId: spinner });
    await client.pauseRequest({ threadId: spinner });
    const paused = await stops.expect('pause');
    assert.equal(paused.body.threadId, spinner);
    assert.equal((await where(spinner))[0], 'spin');
    await client.terminateRequest({});
  });
});

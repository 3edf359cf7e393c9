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

const values = fixture('dap_variables.py');
const raising = fixture('dap_exceptions.py');

suite('DAP: values and exceptions', () => {
  let client: DebugClient;
  setup(async () => (client = await startClient()));
  teardown(() => client.stop());

  test('evaluate, expand and setVariable in a non-top frame of a worker thread', async () => {
    const stops = new Stops(client);
    const output = new ProgramOutput(client);
    await launchWithBreakpoints(client, launchArgs(values), [{ path: values, lines: [marker(values, 'inner')] }]);
    const threadId = defined((await stops.expect('breakpoint')).body.threadId, 'a thread');
    assert.equal(threadId, await threadNamed(client, 'worker'));
    const frames = await topFrames(client, threadId);
    const middle = defined(frames[1], 'the caller frame');
    assert.deepEqual([middle.name, middle.line], ['middle', marker(values, 'middle_call')]);
    assert.equal(await evaluate(client, middle.id, 'data["name"] * scale'), "'middlemiddle'");
    assert.equal(await evaluate(client, defined(frames[0], 'the top frame').id, 'size'), '250');

    const scopes = (await client.scopesRequest({ frameId: middle.id })).body.scopes;
    assert.deepEqual(
      scopes.map((scope) => scope.name),
      ['Locals', 'Globals'],
    );
    const locals = defined(scopes[0], 'locals').variablesReference;
    const localVariables = (await client.variablesRequest({ variablesReference: locals })).body.variables;
    const data = defined(
      localVariables.find((variable) => variable.name === 'data'),
      'data',
    );
    assert.equal(data.namedVariables, 3);
    const items = (await client.variablesRequest({ variablesReference: data.variablesReference })).body.variables;
    const numbers = defined(
      items.find((item) => item.name === "'numbers'"),
      'numbers',
    );
    assert.equal(numbers.indexedVariables, 250);
    const page = (await client.variablesRequest({ variablesReference: numbers.variablesReference, filter: 'indexed', start: 200, count: 50 })).body.variables;
    assert.deepEqual([page.length, page[0]?.name, page[0]?.value, page[49]?.name], [50, '200', '200', '249']);
    const point = defined(
      items.find((item) => item.name === "'point'"),
      'point',
    );
    const fields = (await client.variablesRequest({ variablesReference: point.variablesReference })).body.variables;
    assert.deepEqual(
      fields.map((field) => [field.name, field.value, field.evaluateName]),
      [
        ['x', '3', "data['point'].x"],
        ['y', '4', "data['point'].y"],
      ],
    );

    const changed = await client.setVariableRequest({ variablesReference: locals, name: 'scale', value: '5' });
    assert.equal(changed.body.value, '5');
    await client.setVariableRequest({ variablesReference: point.variablesReference, name: 'x', value: '30' });
    assert.equal(await evaluate(client, middle.id, 'data["point"].x'), '30');
    await client.continueRequest({ threadId });
    assert.equal(await output.exitCode, 0);
    assert.match(output.text, /scaled 1250 middle/);
  });

  test('completions in a frame: names and attributes', async () => {
    const stops = new Stops(client);
    await launchWithBreakpoints(client, launchArgs(values), [{ path: values, lines: [marker(values, 'inner')] }]);
    const threadId = defined((await stops.expect('breakpoint')).body.threadId, 'a thread');
    const middle = defined((await topFrames(client, threadId))[1], 'the caller frame');
    const labels = async (text: string) =>
      (await client.completionsRequest({ text, column: text.length + 1, frameId: middle.id })).body.targets.map((target) => target.label);
    assert.ok((await labels('sca')).includes('scale'));
    assert.ok((await labels('x = data.ke')).includes('keys'));
  });

  test('code without a file is shown through a source reference', async () => {
    const stops = new Stops(client);
    const code = 'first = 1\nsecond = 2\n';
    await launchWithBreakpoints(client, launchArgs(undefined, { code, stopOnEntry: true }));
    const threadId = defined((await stops.expect('entry')).body.threadId, 'a thread');
    const top = defined((await topFrames(client, threadId))[0], 'a frame');
    assert.equal(top.source?.name, '<string>');
    const reference = defined(top.source?.sourceReference, 'a source reference');
    assert.equal((await client.sourceRequest({ sourceReference: reference })).body.content, code);
  });

  /** Launches `raising` with one exception filter and returns the first exception stop: its
   * thread, top frame and exceptionInfo. */
  async function stopOnException(stops: Stops, filter: string) {
    await launchWithBreakpoints(client, launchArgs(raising), [], [filter]);
    const stop = await stops.expect('exception');
    const threadId = defined(stop.body.threadId, 'a thread');
    const top = defined((await topFrames(client, threadId))[0], 'a frame');
    const info = (await client.exceptionInfoRequest({ threadId })).body;
    return { threadId, top, info };
  }

  test('raised exceptions stop in the worker that raised them, with exceptionInfo', async () => {
    const { threadId, top, info } = await stopOnException(new Stops(client), 'raised');
    assert.equal(threadId, await threadNamed(client, 'raiser'));
    assert.deepEqual([top.name, top.line], ['fail_in_worker', marker(raising, 'worker_raise')]);
    assert.deepEqual([info.exceptionId, info.description, info.breakMode], ['ValueError', 'worker failed', 'always']);
  });

  test('user-unhandled exceptions stop where they leave user code for the library', async () => {
    const stops = new Stops(client);
    const output = new ProgramOutput(client);
    const { threadId, top, info } = await stopOnException(stops, 'userUnhandled');
    assert.deepEqual([top.name, top.line], ['task', marker(raising, 'pool_raise')]);
    assert.deepEqual([info.exceptionId, info.breakMode], ['KeyError', 'userUnhandled']);
    await client.continueRequest({ threadId });
    assert.equal(await output.exitCode, 1);
    assert.equal(stops.all.length, 1);
  });

  test('an uncaught exception in the main thread stops before the program ends', async () => {
    const stops = new Stops(client);
    const output = new ProgramOutput(client);
    const { threadId, top, info } = await stopOnException(stops, 'uncaught');
    assert.equal(threadId, await threadNamed(client, 'MainThread'));
    assert.deepEqual([top.name, top.line], ['fail_in_main', marker(raising, 'main_raise')]);
    assert.deepEqual([info.exceptionId, info.breakMode], ['RuntimeError', 'unhandled']);
    await client.continueRequest({ threadId });
    assert.equal(await output.exitCode, 1);
    assert.match(output.text, /RuntimeError: main failed/);
    assert.doesNotMatch(output.text, /ftpy_agent|runpy/);
  });
});

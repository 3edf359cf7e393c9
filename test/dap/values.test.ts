// Values that are hard to show come back bounded in size and paged; code evaluated in a stopped
// thread that raises, loops or blocks gets an error and the session goes on.
import * as assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { defined, fixture, launchArgs, launchWithBreakpoints, marker, Stops, startClient, topFrames } from '../support/dap';

const program = fixture('dap_hard_values.py');

suite('DAP: hard values and runaway evaluations', () => {
  let client: DebugClient;
  let frameId: number;
  let threadId: number;
  setup(async () => {
    client = await startClient();
    const stops = new Stops(client);
    await launchWithBreakpoints(client, launchArgs(program, { env: { FTPY_EVALUATE_TIMEOUT: '1' } }), [{ path: program, lines: [marker(program, 'worker')] }]);
    threadId = defined((await stops.expect('breakpoint')).body.threadId, 'a thread');
    frameId = defined((await topFrames(client, threadId))[0], 'a frame').id;
  });
  teardown(() => client.stop());

  async function watch(expression: string): Promise<DebugProtocol.EvaluateResponse['body']> {
    return (await client.evaluateRequest({ expression, frameId, context: 'watch' })).body;
  }

  async function children(variablesReference: number, start?: number, count?: number): Promise<DebugProtocol.Variable[]> {
    return (await client.variablesRequest({ variablesReference, start, count })).body.variables;
  }

  test('a long string, a huge list and dict, a deep list, cycles, an object with many attributes', async () => {
    assert.ok((await watch('long_line')).result.length < 300);
    const list = await watch('huge_list');
    assert.equal(list.indexedVariables, 1_000_000);
    assert.deepEqual(
      (await children(list.variablesReference, 999_990, 10)).map((child) => child.value),
      ['999990', '999991', '999992', '999993', '999994', '999995', '999996', '999997', '999998', '999999'],
    );
    const dict = await watch('huge_dict');
    assert.equal(dict.indexedVariables, 300_000);
    assert.deepEqual(
      (await children(dict.variablesReference, 299_999, 5)).map((child) => [child.name, child.value]),
      [['299999', "'299999'"]],
    );
    let deep = await watch('deep');
    for (let level = 0; level < 50; level++) {
      const [child] = await children(deep.variablesReference);
      deep = { result: defined(child, 'a child').value, variablesReference: defined(child, 'a child').variablesReference };
    }
    assert.ok(deep.result.length < 300);
    const cycle = await watch('cycle');
    assert.match(cycle.result, /^\[+\.\.\.\]+$/);
    assert.match(defined((await children(cycle.variablesReference))[0], 'the cycle').value, /^\[+\.\.\.\]+$/);
    assert.match((await watch('self_dict')).result, /\{'me': \{.*\}\}/);
    const many = await watch('many');
    const attributes = await children(many.variablesReference);
    assert.equal(attributes.length, 1001);
    assert.match(defined(attributes[1000], 'the note').name, /19000 more/);
    const globals = defined(
      (await client.scopesRequest({ frameId })).body.scopes.find((scope) => scope.name === 'Globals'),
      'globals',
    );
    assert.ok((await children(globals.variablesReference)).length < 100);
  });

  test('code that raises, loops forever or blocks: an error each time, and the session goes on', async () => {
    await assert.rejects(watch('fail()'), /ValueError: raised on purpose/);
    await assert.rejects(watch('spin()'), /Interrupted after 1 s/);
    assert.equal((await watch('local')).result, "'worker'");
    await assert.rejects(watch('time.sleep(20)'), /blocked outside Python/);
    const threads = (await client.threadsRequest()).body.threads;
    assert.ok(threads.some((thread) => thread.name.startsWith('MainThread')));
    const main = defined(
      threads.find((thread) => thread.name.startsWith('MainThread')),
      'the main thread',
    ).id;
    assert.ok((await topFrames(client, main)).length > 0);
    const terminated = client.waitForEvent('terminated');
    await client.terminateRequest({});
    await terminated;
  });
});

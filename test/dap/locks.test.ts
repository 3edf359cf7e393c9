// 'ftpy/locks' over a read-only attach: the lock state of each scenario from memory alone,
// through the adapter, compared with what the program says it set up.
import * as assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { FTPY_REQUESTS, LocksResponseBody } from '../../debug-adapter/protocol';
import { EXPECTED, nameLocks, Scenario, SCENARIOS, settle, startScenario, stopScenario } from '../support/lockScenarios';
import { testPython } from '../support/runtime';
import { marker, startClient } from '../support/dap';

suite('DAP: ftpy/locks from a read-only attach', () => {
  let client: DebugClient;
  let scenario: Scenario | undefined;
  setup(async () => (client = await startClient()));
  teardown(async () => {
    await client.stop();
    stopScenario(scenario);
    scenario = undefined;
  });

  const locks = async (stacks = false) => (await client.customRequest(FTPY_REQUESTS.locks, { stacks })).body as LocksResponseBody;

  for (const [name, expected] of Object.entries(EXPECTED)) {
    test(`${name}: owners, waiters and cycles`, async () => {
      const running = (scenario = await startScenario(testPython(), name));
      await client.initializeRequest();
      await Promise.all([client.waitForEvent('initialized'), client.attachRequest({ processId: running.pid } as DebugProtocol.AttachRequestArguments)]);
      await client.configurationDoneRequest();
      const seen = await settle(async () => nameLocks(running, await locks()), expected);
      assert.deepEqual(seen, expected);
      const body = await locks();
      assert.equal(body.source, 'memory');
      // The cycles the adapter sends are the graph's own.
      assert.equal(body.cycles.length, expected.cycles.length);
    });
  }

  test('sites: where each waiter waits, with its stack only when asked', async () => {
    const running = (scenario = await startScenario(testPython(), 'queue'));
    await client.initializeRequest();
    await Promise.all([client.waitForEvent('initialized'), client.attachRequest({ processId: running.pid } as DebugProtocol.AttachRequestArguments)]);
    await settle(async () => nameLocks(running, await locks()), EXPECTED.queue);
    const consumer = String(running.threads.consumer);
    const siteOfConsumer = async (stacks: boolean) => (await locks(stacks)).locks.find((lock) => lock.id === running.locks.q)?.awaitedAt?.[consumer];
    // The line that called q.get, not Queue.get's own wait inside queue.py.
    assert.deepEqual(await siteOfConsumer(false), { path: SCENARIOS, line: marker(SCENARIOS, 'queue_get'), function: 'queue_get.<locals>.consumer' });
    const stack = (await siteOfConsumer(true))?.stack;
    assert.deepEqual(
      stack?.map((frame) => frame.function),
      ['queue_get.<locals>.consumer', 'Thread.run', 'Thread._bootstrap_inner', 'Thread._bootstrap'],
    );
  });
});

// Lock state read from memory alone (runtime/inspect/locks) on the real runtime: each
// scenario's owners, waiters and cycles, compared with what the program says it set up.
import * as assert from 'node:assert/strict';
import { ProcessReader } from '../../runtime/inspect';
import { EXPECTED, nameLocks, Scenario, settle, startScenario, stopScenario } from '../support/lockScenarios';
import { testPython } from '../support/runtime';
import { probeFor } from './inspectFixture';

suite('inspect: lock state from memory', () => {
  let scenario: Scenario | undefined;

  teardown(() => {
    stopScenario(scenario);
    scenario = undefined;
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    test(`${name}: owners, waiters and cycles`, async () => {
      const { offsets } = await probeFor(testPython());
      scenario = await startScenario(testPython(), name);
      const reader = ProcessReader.attach(scenario.pid);
      try {
        const running = scenario;
        const seen = await settle(() => nameLocks(running, reader.locks(offsets)), expected);
        assert.deepEqual(seen, expected);
      } finally {
        reader.close();
      }
    });
  }

  test("the interpreter's import lock: owner and hold count", async () => {
    const { offsets } = await probeFor(testPython());
    const running = (scenario = await startScenario(testPython(), 'imp-lock'));
    const reader = ProcessReader.attach(running.pid);
    try {
      const importLock = () => reader.locks(offsets).locks.filter((lock) => lock.kind === 'import-lock').map(({ owners, count, waiters, held }) => ({ owners, count, waiters, held }));
      const expected = [{ owners: [running.threads.holder], count: 2, waiters: [running.threads.waiter], held: true }];
      assert.deepEqual(await settle(importLock, expected), expected);
    } finally {
      reader.close();
    }
  });
});

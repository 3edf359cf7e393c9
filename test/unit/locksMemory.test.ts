// Lock state read from memory alone (runtime/inspect/locks) on the real runtime: each
// scenario's owners, waiters and cycles, compared with what the program says it set up.
import * as assert from 'node:assert/strict';
import { ProcessReader } from '../../runtime/inspect';
import { NamedLocks, nameLocks, Scenario, settle, startScenario, stopScenario } from '../support/lockScenarios';
import { testPython } from '../support/runtime';
import { probeFor } from './inspectFixture';

/** What the memory reader must see for each scenario. */
export const EXPECTED: Record<string, NamedLocks> = {
  // Plain Locks record no owner: both waits are seen, the holders are not, so no cycle.
  locks: {
    threads: { first: { holds: [], waitsFor: 'b' }, second: { holds: [], waitsFor: 'a' } },
    locks: {
      a: { kind: 'Lock', held: true, ownerKnown: false, owners: [], waiters: ['second'] },
      b: { kind: 'Lock', held: true, ownerKnown: false, owners: [], waiters: ['first'] },
    },
    cycles: [],
  },
  rlocks: {
    threads: { first: { holds: ['a'], waitsFor: 'b' }, second: { holds: ['b'], waitsFor: 'a' } },
    locks: {
      a: { kind: 'RLock', held: true, ownerKnown: true, owners: ['first'], waiters: ['second'], count: 1 },
      b: { kind: 'RLock', held: true, ownerKnown: true, owners: ['second'], waiters: ['first'], count: 1 },
    },
    cycles: [['first -> b', 'second -> a']],
  },
  mixed: {
    threads: { first: { holds: [], waitsFor: 'b' }, second: { holds: ['b'], waitsFor: 'a' } },
    locks: {
      a: { kind: 'Lock', held: true, ownerKnown: false, owners: [], waiters: ['second'] },
      b: { kind: 'RLock', held: true, ownerKnown: true, owners: ['second'], waiters: ['first'], count: 1 },
    },
    cycles: [],
  },
};

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
});

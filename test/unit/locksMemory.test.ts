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
    unnamed: [],
  },
  rlocks: {
    threads: { first: { holds: ['a'], waitsFor: 'b' }, second: { holds: ['b'], waitsFor: 'a' } },
    locks: {
      a: { kind: 'RLock', held: true, ownerKnown: true, owners: ['first'], waiters: ['second'], count: 1 },
      b: { kind: 'RLock', held: true, ownerKnown: true, owners: ['second'], waiters: ['first'], count: 1 },
    },
    cycles: [['first -> b', 'second -> a']],
    unnamed: [],
  },
  mixed: {
    threads: { first: { holds: [], waitsFor: 'b' }, second: { holds: ['b'], waitsFor: 'a' } },
    locks: {
      a: { kind: 'Lock', held: true, ownerKnown: false, owners: [], waiters: ['second'] },
      b: { kind: 'RLock', held: true, ownerKnown: true, owners: ['second'], waiters: ['first'], count: 1 },
    },
    cycles: [],
    unnamed: [],
  },
  // The waiter waits for the Condition (not its private waiter lock); the Condition's RLock is free meanwhile.
  condition: {
    threads: { waiter: { holds: [], waitsFor: 'cond' } },
    locks: { cond: { kind: 'Condition', held: false, ownerKnown: true, owners: [], waiters: ['waiter'] } },
    cycles: [],
    unnamed: [],
  },
  // Who took a Semaphore is not recorded: its value (0) is.
  semaphore: {
    threads: { holder: { holds: [] }, waiter: { holds: [], waitsFor: 'sem' } },
    locks: { sem: { kind: 'Semaphore', held: true, ownerKnown: false, owners: [], waiters: ['waiter'], count: 0 } },
    cycles: [],
    unnamed: [],
  },
  queue: {
    threads: { consumer: { holds: [], waitsFor: 'q' } },
    locks: { q: { kind: 'Queue', held: false, ownerKnown: true, owners: [], waiters: ['consumer'] } },
    cycles: [],
    unnamed: [],
  },
  // dict.update holds both dicts' critical sections while it compares keys; the writer parks on `shared`'s ob_mutex.
  dict: {
    threads: { updater: { holds: ['other', 'shared'] }, writer: { holds: [], waitsFor: 'shared' } },
    locks: {
      shared: { kind: 'critical-section', held: true, ownerKnown: true, owners: ['updater'], waiters: ['writer'] },
      other: { kind: 'critical-section', held: true, ownerKnown: true, owners: ['updater'], waiters: [] },
    },
    cycles: [],
    unnamed: [],
  },
  // The importer holds the module's import lock while its body waits for an Event; the second importer waits for that lock.
  import: {
    threads: { importer: { holds: ['module'], waitsFor: 'release' }, second: { holds: [], waitsFor: 'module' } },
    locks: {
      module: { kind: 'import-lock', held: true, ownerKnown: true, owners: ['importer'], waiters: ['second'] },
      release: { kind: 'Event', held: false, ownerKnown: true, owners: [], waiters: ['importer'] },
    },
    cycles: [],
    unnamed: [],
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

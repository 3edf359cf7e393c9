// Starts test/fixtures/locks_scenarios.py SCENARIO, waits for its READY line, and turns a
// lock report's ids back into the scenario's own names (roles for threads, names for locks),
// so that tests compare with what the program says about itself.
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { LockCycle, LockInfo, LockThreadInfo } from '../../runtime/model/locks';
import { findCycles } from '../../runtime/locks/waitForGraph';

export const SCENARIOS = path.join(__dirname, '..', 'fixtures', 'locks_scenarios.py');

export interface Scenario {
  child: ChildProcess;
  pid: number;
  /** threading ident by role */
  threads: Record<string, number>;
  /** id(lock) in hex by name */
  locks: Record<string, string>;
}

/** What a scenario says about itself on its READY line. */
export type ScenarioSaid = Pick<Scenario, 'threads' | 'locks'>;

/** The scenario's READY line in its output so far, parsed, or undefined before it printed it. */
export function readyLine(stdout: string): ScenarioSaid | undefined {
  const line = /^READY (.*)\r?\n/m.exec(stdout); // a whole line: output can arrive in pieces
  return line === null ? undefined : (JSON.parse(line[1] as string) as ScenarioSaid);
}

export async function startScenario(python: string, scenario: string): Promise<Scenario> {
  const child = spawn(python, ['-X', 'gil=0', SCENARIOS, scenario], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const ready = await new Promise<ScenarioSaid>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`scenario ${scenario} did not get ready: ${stderr}`)), 30_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const said = readyLine(stdout);
        if (said) {
          clearTimeout(timer);
          resolve(said);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`scenario ${scenario} exited with ${code}: ${stderr}`));
      });
    });
    return { child, pid: child.pid as number, ...ready };
  } catch (error) {
    stopScenario({ child });
    throw error;
  }
}

export function stopScenario(scenario: { child: ChildProcess } | undefined): void {
  const child = scenario?.child;
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** A lock report in the scenario's names: what the tests compare. Unnamed threads and locks are left out. */
export interface NamedLocks {
  threads: Record<string, { holds: string[]; waitsFor?: string }>;
  locks: Record<string, { kind: string; held: boolean; ownerKnown: boolean; owners: string[]; waiters: string[]; count?: number; ownerFrom?: string }>;
  cycles: string[][];
  /** Labels of the locks the scenario did not name (runtime internals; none for the threading scenarios). */
  unnamed: string[];
}

export function nameLocks(scenario: ScenarioSaid, report: { threads: LockThreadInfo[]; locks: LockInfo[] }): NamedLocks {
  const role = (id: number) => Object.keys(scenario.threads).find((name) => scenario.threads[name] === id) ?? `thread ${id}`;
  // Locks the scenario cannot name (runtime internals) go by their label.
  const lockName = (id: string) =>
    Object.keys(scenario.locks).find((name) => scenario.locks[name] === id) ?? report.locks.find((lock) => lock.id === id)?.label ?? id;
  const named: NamedLocks = { threads: {}, locks: {}, cycles: [], unnamed: [] };
  for (const thread of report.threads) {
    if (!Object.values(scenario.threads).includes(thread.threadId)) continue;
    named.threads[role(thread.threadId)] = {
      holds: thread.holds.map(lockName).sort(),
      ...(thread.waitsFor === undefined ? {} : { waitsFor: lockName(thread.waitsFor) }),
    };
  }
  for (const lock of report.locks) {
    if (!Object.values(scenario.locks).includes(lock.id)) {
      named.unnamed.push(lock.label);
      continue;
    }
    named.locks[lockName(lock.id)] = {
      kind: lock.kind,
      held: lock.held,
      ownerKnown: lock.ownerKnown,
      owners: lock.owners.map(role).sort(),
      waiters: lock.waiters.map(role).sort(),
      ...(lock.count === undefined ? {} : { count: lock.count }),
      ...(lock.ownerFrom === undefined ? {} : { ownerFrom: lock.ownerFrom }),
    };
  }
  named.unnamed.sort();
  named.cycles = findCycles(report.threads, report.locks).map((cycle: LockCycle) =>
    startAtSmallest(cycle.edges.map((edge) => `${role(edge.threadId)} -> ${lockName(edge.waitsFor)}`)),
  );
  return named;
}

/** A cycle has no first step: start it at its alphabetically smallest one, as the expectations do. */
function startAtSmallest(steps: string[]): string[] {
  const first = steps.indexOf([...steps].sort()[0]);
  return [...steps.slice(first), ...steps.slice(0, first)];
}

/**
 * Reads until the report equals `expected` (threads park a moment after the program says
 * READY) or `ms` pass; returns the last reading either way, for the test to compare.
 */
export async function settle<T>(read: () => T | Promise<T>, expected: T, ms = 10_000): Promise<T> {
  const same = (value: T) => isDeepStrictEqual(value, expected);
  let last = await read();
  for (const deadline = Date.now() + ms; !same(last) && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  return last;
}

/** What the memory reader must see for each scenario. */
export const EXPECTED: Record<string, NamedLocks> = {
  // Plain Locks record no owner: each holder is the thread whose frame is inside a `with` block on it.
  locks: {
    threads: { first: { holds: ['a'], waitsFor: 'b' }, second: { holds: ['b'], waitsFor: 'a' } },
    locks: {
      a: { kind: 'Lock', held: true, ownerKnown: true, owners: ['first'], waiters: ['second'], ownerFrom: 'with-block' },
      b: { kind: 'Lock', held: true, ownerKnown: true, owners: ['second'], waiters: ['first'], ownerFrom: 'with-block' },
    },
    cycles: [['first -> b', 'second -> a']],
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
    threads: { first: { holds: ['a'], waitsFor: 'b' }, second: { holds: ['b'], waitsFor: 'a' } },
    locks: {
      a: { kind: 'Lock', held: true, ownerKnown: true, owners: ['first'], waiters: ['second'], ownerFrom: 'with-block' },
      b: { kind: 'RLock', held: true, ownerKnown: true, owners: ['second'], waiters: ['first'], count: 1 },
    },
    cycles: [['first -> b', 'second -> a']],
    unnamed: [],
  },
  // Conditions on plain Locks, taken by `with condition:`: the Locks' holders, and the cycle.
  conditions: {
    threads: { first: { holds: ['a'], waitsFor: 'b' }, second: { holds: ['b'], waitsFor: 'a' } },
    locks: {
      a: { kind: 'Lock', held: true, ownerKnown: true, owners: ['first'], waiters: ['second'], ownerFrom: 'with-block' },
      b: { kind: 'Lock', held: true, ownerKnown: true, owners: ['second'], waiters: ['first'], ownerFrom: 'with-block' },
    },
    cycles: [['first -> b', 'second -> a']],
    unnamed: [],
  },
  // The waiter waits for the Condition (not its private waiter lock); the Condition's RLock is free meanwhile.
  condition: {
    threads: { waiter: { holds: [], waitsFor: 'cond' } },
    locks: { cond: { kind: 'Condition', held: false, ownerKnown: true, owners: [], waiters: ['waiter'] } },
    cycles: [],
    unnamed: [],
  },
  // The waiter's `with cond:` block does not hold the Lock while cond.wait() has let it go: the holder's does.
  'condition-lock': {
    threads: { holder: { holds: ['cond', 'lock'] }, waiter: { holds: [], waitsFor: 'cond' } },
    locks: {
      cond: { kind: 'Condition', held: true, ownerKnown: true, owners: ['holder'], waiters: ['waiter'], ownerFrom: 'with-block' },
      lock: { kind: 'Lock', held: true, ownerKnown: true, owners: ['holder'], waiters: [], ownerFrom: 'with-block' },
    },
    cycles: [],
    unnamed: [],
  },
  // An ended `with a:` block's __exit__ lingers in a stale stack slot: it makes no owner of `stale`;
  // `holder` took a by a bare acquire(), so a's holder is unknown.
  'stale-with': {
    threads: { holder: { holds: [] }, stale: { holds: [], waitsFor: 'b' } },
    locks: {
      a: { kind: 'Lock', held: true, ownerKnown: false, owners: [], waiters: [] },
      b: { kind: 'Lock', held: true, ownerKnown: false, owners: [], waiters: ['stale'] },
    },
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
  // The interpreter's own import lock (_imp.acquire_lock): its owner and hold count are in memory.
  'imp-lock': {
    threads: { holder: { holds: ['import lock'] }, waiter: { holds: [], waitsFor: 'import lock' } },
    locks: {},
    cycles: [],
    unnamed: ['import lock'],
  },
  // gc.collect() stops the world and waits for crunch (in C code, attached) to pause; the sleeper woke up suspended.
  'stop-the-world': {
    threads: {
      collector: { holds: ['stop-the-world pause (requested by collector)'], waitsFor: 'the interpreter stop-the-world event (waiting for threads to pause)' },
      crunch: { holds: [] },
      sleeper: { holds: [], waitsFor: 'stop-the-world pause (requested by collector)' },
    },
    locks: {},
    cycles: [],
    unnamed: ['stop-the-world pause (requested by collector)', 'the interpreter stop-the-world event (waiting for threads to pause)'],
  },
};

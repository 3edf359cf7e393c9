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

export async function startScenario(python: string, scenario: string): Promise<Scenario> {
  const child = spawn(python, ['-X', 'gil=0', SCENARIOS, scenario], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const ready = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`scenario ${scenario} did not get ready: ${stderr}`)), 30_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split('\n').find((text) => text.startsWith('READY '));
        if (line) {
          clearTimeout(timer);
          resolve(line.slice('READY '.length));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`scenario ${scenario} exited with ${code}: ${stderr}`));
      });
    });
    const said = JSON.parse(ready) as { threads: Record<string, number>; locks: Record<string, string> };
    return { child, pid: child.pid as number, ...said };
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
  locks: Record<string, { kind: string; held: boolean; ownerKnown: boolean; owners: string[]; waiters: string[]; count?: number }>;
  cycles: string[][];
  /** Labels of the locks the scenario did not name (none expected: nothing else is held or awaited). */
  unnamed: string[];
}

export function nameLocks(scenario: Scenario, report: { threads: LockThreadInfo[]; locks: LockInfo[] }): NamedLocks {
  const role = (id: number) => Object.keys(scenario.threads).find((name) => scenario.threads[name] === id) ?? `thread ${id}`;
  const lockName = (id: string) => Object.keys(scenario.locks).find((name) => scenario.locks[name] === id) ?? id;
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
    };
  }
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
  for (const deadline = Date.now() + ms; !same(last) && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  return last;
}

// 'ftpy/locks' for a launch session, and deadlock detection while the program runs.
// The agent's lock tracking says who holds which lock and since where; the process's memory
// adds what tracking cannot see (threads blocked in C, critical sections, the import lock);
// the wait-for graph (runtime/locks/waitForGraph.ts) finds the cycles.
import type { AgentLocks } from '../runtime/agent/protocol';
import { LockViews, mergeLockViews } from '../runtime/locks/mergeViews';
import { findCycles } from '../runtime/locks/waitForGraph';
import type { LockCycle, LocksResponseBody } from './protocol';

/**
 * How often the wait-for graph is checked while the program runs: with lock tracking, from the
 * agent (a cheap answer while no thread waits), which finds a cycle within a second; without it,
 * from memory (a read of the whole process, 10 to 100 ms of CPU), only once a thread has stayed
 * in one wait for LASTING_WAIT_MS (cheap: /proc), which finds it within about 1.5 s.
 */
export const DEADLOCK_POLL_MS = 250;

const TRACKING_OFF_NOTE =
  'Owners read from memory ("trackLocks": false): locks held in with blocks, RLocks, critical sections. A Lock taken by a bare acquire() leaves no owner in memory ("trackLocks": true tracks those).';

/** The locks response from the agent's view and the memory's (either may be missing). */
export function locksResponse(agentView: AgentLocks | undefined, memory: LockViews | string | undefined, trackLocks: boolean): LocksResponseBody {
  const merged = mergeLockViews(agentView, typeof memory === 'string' ? undefined : memory);
  const notes = [...(trackLocks ? [] : [TRACKING_OFF_NOTE]), ...(typeof memory === 'string' ? [memory] : []), ...merged.notes];
  return {
    source: trackLocks ? 'agent+memory' : 'memory',
    threads: merged.threads,
    locks: merged.locks,
    cycles: findCycles(merged.threads, merged.locks),
    notes,
  };
}

export interface DeadlockHandlers {
  /** Whether every thread is stopped (nothing can change: no need to look). */
  allStopped(): boolean;
  /** A cycle that was not there at the last look. */
  found(cycle: LockCycle, view: LocksResponseBody): void;
}

/** Checks the wait-for graph every DEADLOCK_POLL_MS while the program runs; cheap when no thread waits. */
export class DeadlockWatch {
  private readonly timer: NodeJS.Timeout;
  private looking = false;
  /** The cycles seen at the last look: a cycle is reported when it forms, not again while it lasts. */
  private known = new Set<string>();

  /**
   * `view` answers the current locks, or undefined when no thread waits; `confirm` reads them
   * again at once. A cycle is reported only when the second reading has it too: memory read
   * while the program runs can be torn (an owner read before a release, a waiter after).
   */
  constructor(
    private readonly view: () => Promise<LocksResponseBody | undefined>,
    private readonly confirm: () => Promise<LocksResponseBody | undefined>,
    periodMs: number,
    private readonly handlers: DeadlockHandlers,
  ) {
    this.timer = setInterval(() => void this.look(), periodMs);
    this.timer.unref();
  }

  dispose(): void {
    clearInterval(this.timer);
  }

  private async look(): Promise<void> {
    if (this.looking || this.handlers.allStopped()) return;
    this.looking = true;
    try {
      const first = await this.view();
      const fresh = (first?.cycles ?? []).filter((cycle) => !this.known.has(cycleKey(cycle)));
      const view = fresh.length > 0 ? await this.confirm() : first;
      const current = new Set<string>();
      for (const cycle of view?.cycles ?? []) {
        const key = cycleKey(cycle);
        current.add(key);
        if (view && !this.known.has(key) && fresh.some((seen) => cycleKey(seen) === key)) this.handlers.found(cycle, view);
      }
      this.known = current;
    } catch {
      // the program is ending: the session's exit handling reports that
    } finally {
      this.looking = false;
    }
  }
}

function cycleKey(cycle: LockCycle): string {
  return cycle.edges.map((edge) => `${edge.threadId}>${edge.waitsFor}`).join(' ');
}

/** The DAP thread id (native id) of the first thread of a cycle. */
export function cycleThread(cycle: LockCycle, view: LocksResponseBody): number {
  const first = cycle.edges[0]?.threadId;
  return view.threads.find((thread) => thread.threadId === first)?.nativeId ?? 0;
}

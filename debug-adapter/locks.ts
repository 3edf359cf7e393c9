// 'ftpy/locks' for a launch session, and deadlock detection while the program runs.
// The agent's lock tracking says who holds which lock and since where; the wait-for graph
// (runtime/locks/waitForGraph.ts) finds the cycles.
import type { AgentCommands, AgentLocks } from '../runtime/agent/protocol';
import { findCycles } from '../runtime/locks/waitForGraph';
import type { LockCycle, LockInfo, LocksResponseBody } from './protocol';

type AgentLocksRequest = (args: AgentCommands['locks'][0]) => Promise<AgentLocks>;

/** How often the wait-for graph is checked while the program runs: a cycle is found within this (plus a request). */
export const DEADLOCK_POLL_MS = 250;

const TRACKING_OFF_NOTE = 'Lock tracking is off ("trackLocks": false): owners and sites of threading locks are not recorded.';

/** The locks response from the agent's view. */
export function locksResponse(agentView: AgentLocks, trackLocks: boolean): LocksResponseBody {
  const locks: LockInfo[] = agentView.locks.map(({ aliases: _aliases, ...lock }) => lock);
  return {
    source: trackLocks ? 'agent+memory' : 'memory',
    threads: agentView.threads,
    locks,
    cycles: findCycles(agentView.threads, locks),
    notes: trackLocks ? [] : [TRACKING_OFF_NOTE],
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

  constructor(
    private readonly request: AgentLocksRequest,
    private readonly handlers: DeadlockHandlers,
  ) {
    this.timer = setInterval(() => void this.look(), DEADLOCK_POLL_MS);
    this.timer.unref();
  }

  dispose(): void {
    clearInterval(this.timer);
  }

  private async look(): Promise<void> {
    if (this.looking || this.handlers.allStopped()) return;
    this.looking = true;
    try {
      const view = locksResponse(await this.request({ ifWaiting: true }), true);
      const current = new Set<string>();
      for (const cycle of view.cycles) {
        const key = cycleKey(cycle);
        current.add(key);
        if (!this.known.has(key)) this.handlers.found(cycle, view);
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

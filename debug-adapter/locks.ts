// 'ftpy/locks' for a launch session, and deadlock detection while the program runs.
// The agent's lock tracking says who holds which lock and since where; the process's memory
// adds what tracking cannot see (threads blocked in C, critical sections, the import lock);
// the wait-for graph (runtime/locks/waitForGraph.ts) finds the cycles.
import { errorMessage } from '../runtime/errors';
import type { AgentLocks } from '../runtime/agent/protocol';
import { ProcessReader } from '../runtime/inspect';
import { readFutexWaits } from '../runtime/inspect/threadWaits';
import { LockViews, mergeLockViews } from '../runtime/locks/mergeViews';
import { AgentThreads } from '../runtime/debuggee/agentThreads';
import { findCycles } from '../runtime/locks/waitForGraph';
import { offsetsForProcess } from '../runtime/probe/cache';
import type { ProbeOffsets } from '../runtime/probe/offsets';
import type { LockCycle, LocksResponseBody } from './protocol';

/**
 * How often the wait-for graph is checked while the program runs: with lock tracking, from the
 * agent (a cheap answer while no thread waits); without it, from memory (a read of the whole
 * process, about 0.1 s), only once a thread has stayed in one wait since the last look (cheap:
 * /proc). Either finds a cycle within a second.
 */
export const DEADLOCK_POLL_MS = 250;

const TRACKING_OFF_NOTE =
  'Owners read from memory ("trackLocks": false): locks held in with blocks, RLocks, critical sections. A Lock taken by a bare acquire() leaves no owner in memory ("trackLocks": true tracks those).';

/** The locks response from the agent's view and the memory's (either may be missing). */
export function locksResponse(agentView: AgentLocks | undefined, memory: LockViews | string | undefined, trackLocks: boolean): LocksResponseBody {
  const merged = mergeLockViews(agentView, typeof memory === 'string' ? undefined : memory);
  const notes = [...(trackLocks ? [] : [TRACKING_OFF_NOTE]), ...(typeof memory === 'string' ? [memory] : []), ...merged.notes];
  return { source: trackLocks ? 'agent+memory' : 'memory', threads: merged.threads, locks: merged.locks, cycles: findCycles(merged.threads, merged.locks), notes };
}

/** The launched program's memory, opened once: its locks (a note saying why when they cannot be
 * read), whether a thread waits, and the reader itself for other views (threads started from C). */
export class DebuggeeMemory {
  private opened?: Promise<{ reader: ProcessReader; probe: ProbeOffsets } | string>;
  private waits = new Map<number, bigint>();
  /** The lasting waits when waitLasted() last said yes (the memory was read for them). */
  private readFor = new Map<number, bigint>();

  constructor(
    private readonly pid: number,
    private readonly python: string,
    private readonly agentThreads = new AgentThreads(),
  ) {}

  /** Opens the process (and finds its probe offsets) ahead of the first read. */
  prepare(): Promise<{ reader: ProcessReader; probe: ProbeOffsets } | string> {
    return (this.opened ??= this.open());
  }

  /** The program's locks and threads (the agent's own threads left out). */
  async locks(): Promise<LockViews | string> {
    const opened = await this.prepare();
    if (typeof opened === 'string') return opened;
    await this.agentThreads.ready;
    try {
      return this.agentThreads.fromLocks(opened.reader.locks(opened.probe));
    } catch (error) {
      return `The process's memory could not be read this time: ${errorMessage(error)}`;
    }
  }

  /**
   * Whether a program thread has been in the same futex wait since the last call, and that wait
   * is new since the last time this said yes. Every blocking wait of CPython (parking lot, RLock,
   * thread locks) is one, so a thread in a deadlock shows this without a read of the memory; a
   * cycle can only form when some thread enters a new wait, so threads that keep waiting where
   * they were (an idle pool, the agent's own threads) cost no read.
   */
  waitLasted(): boolean {
    const waits = readFutexWaits(this.pid);
    const lasting = new Map([...waits].filter(([thread, address]) => this.waits.get(thread) === address && !this.agentThreads.hasNative(thread)));
    this.waits = waits;
    const fresh = [...lasting].some(([thread, address]) => this.readFor.get(thread) !== address);
    if (fresh) this.readFor = lasting;
    return fresh;
  }

  close(): void {
    const opened = this.opened;
    this.opened = Promise.resolve('The program has ended.');
    void opened?.then((reader) => typeof reader !== 'string' && reader.reader.close());
  }

  private async open(): Promise<{ reader: ProcessReader; probe: ProbeOffsets } | string> {
    try {
      const probe = await offsetsForProcess(this.pid, this.python);
      return { reader: ProcessReader.attach(this.pid), probe };
    } catch (error) {
      return `Locks from memory are not available (threads blocked in C, critical sections and the import lock are not shown): ${errorMessage(error)}`;
    }
  }
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

// The agent's own threads in a launched program: the user sees their program, so these are left
// out of every view read from memory. The agent says how many it starts (in its hello) and each
// reports itself as it starts: readers wait until all are known, so no view ever shows one.
import type { LockViews } from '../locks/mergeViews';
import type { LockInfo } from '../model/locks';
import type { RuntimeSample, ThreadHeaps } from '../model/samples';

/** A file of the agent's own package (runtime/agent/ftpy_agent/). */
const AGENT_FILE = /[\\/]ftpy_agent[\\/][^\\/]+\.py$/;

export interface AgentThread {
  /** threading.get_ident() */
  threadId: number;
  nativeId: number;
}

export class AgentThreads {
  private readonly threadIds = new Set<number>();
  private readonly nativeIds = new Set<number>();
  private allKnown!: () => void;
  /** Settles once every agent thread is known (at once without an agent: a read-only attach). */
  readonly ready = new Promise<void>((resolve) => (this.allKnown = resolve));

  constructor(private readonly expected = 0) {
    if (expected === 0) this.allKnown();
  }

  add({ threadId, nativeId }: AgentThread): void {
    this.threadIds.add(threadId);
    this.nativeIds.add(nativeId);
    if (this.threadIds.size >= this.expected) this.allKnown();
  }

  hasNative(nativeId: number): boolean {
    return this.nativeIds.has(nativeId);
  }

  fromSample(sample: RuntimeSample): RuntimeSample {
    return { ...sample, threads: sample.threads.filter((thread) => !this.threadIds.has(thread.threadId)) };
  }

  fromHeaps(heaps: ThreadHeaps[]): ThreadHeaps[] {
    return heaps.filter((thread) => !this.threadIds.has(thread.threadId));
  }

  /**
   * The view without the agent's threads, nor its own locks: those only its threads hold or wait
   * for, and those every known waiter waits for inside the agent (a program thread running one
   * of the agent's callbacks).
   */
  fromLocks(view: LockViews): LockViews {
    const program = (ids: number[]) => ids.filter((id) => !this.threadIds.has(id));
    const inAgent = (lock: LockInfo) => {
      const sites = Object.values(lock.awaitedAt ?? {});
      return sites.length > 0 && sites.every((site) => AGENT_FILE.test(site.path));
    };
    const locks = view.locks
      .filter((lock) => !inAgent(lock))
      .filter((lock) => [...lock.owners, ...lock.waiters].length === 0 || program([...lock.owners, ...lock.waiters]).length > 0)
      .map((lock) => ({ ...lock, owners: program(lock.owners), waiters: program(lock.waiters) }));
    const kept = new Set(locks.map((lock) => lock.id));
    const threads = view.threads
      .filter((thread) => !this.threadIds.has(thread.threadId))
      .map(({ waitsFor, ...thread }) => ({
        ...thread,
        holds: thread.holds.filter((id) => kept.has(id)),
        ...(waitsFor !== undefined && kept.has(waitsFor) ? { waitsFor } : {}),
      }));
    return { ...view, threads, locks };
  }
}

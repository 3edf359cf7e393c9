// The debuggee's memory, opened once per session: one reader of /proc/PID/mem and one set of probe
// offsets, shared by everything that reads it (locks and the deadlock watch, threads started from
// C, the runtime panels' sampling, snapshots and refcounts, read-only attach).
import { errorMessage } from '../runtime/errors';
import type { ProcessReader } from '../runtime/inspect';
import { openRuntime } from '../runtime/inspect/openRuntime';
import { readFutexWaits } from '../runtime/inspect/threadWaits';
import { AgentThreads } from '../runtime/debuggee/agentThreads';
import type { LockViews } from '../runtime/locks/mergeViews';

/**
 * The reader when it has the probe's offsets, or why not (for what needs runtime internals).
 * Without them, threads and stacks are still read from the interpreter's own _Py_DebugOffsets.
 */
export function withProbe(opened: ProcessReader | string): ProcessReader | string {
  if (typeof opened === 'string') return opened;
  return typeof opened.probe === 'string' ? opened.probe : opened;
}

export class DebuggeeMemory {
  private opened?: Promise<ProcessReader | string>;
  private waits = new Map<number, bigint>();
  /** The lasting waits when waitLasted() last said yes (the memory was read for them). */
  private readFor = new Map<number, bigint>();

  /** `open` attaches the reader and finds the offsets, or says why it cannot; it runs once, at the first read. */
  private constructor(
    readonly pid: number,
    private readonly open: () => Promise<ProcessReader | string>,
    readonly agentThreads: AgentThreads,
  ) {}

  /** The memory of a program ftpy launched, running `python`. */
  static ofLaunch(pid: number, python: string, agentThreads: AgentThreads): DebuggeeMemory {
    return new DebuggeeMemory(pid, () => attach(pid, python), agentThreads);
  }

  /** The memory of a process attached to read-only, with the reader already open. */
  static ofReader(reader: ProcessReader): DebuggeeMemory {
    return new DebuggeeMemory(reader.pid, () => Promise.resolve(reader), new AgentThreads());
  }

  /** The reader with the probe's offsets (or why there are none), opened at the first call; a string says why it cannot be. */
  memory(): Promise<ProcessReader | string> {
    return (this.opened ??= this.open());
  }

  /** The program's locks and threads (the agent's own threads left out). */
  async locks(): Promise<LockViews | string> {
    const reader = withProbe(await this.memory());
    if (typeof reader === 'string')
      return `Locks from memory are not available (threads blocked in C, critical sections and the import lock are not shown): ${reader}`;
    await this.agentThreads.ready;
    try {
      return this.agentThreads.fromLocks(reader.locks().report);
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
    void opened?.then((reader) => typeof reader !== 'string' && reader.close());
  }
}

async function attach(pid: number, python: string): Promise<ProcessReader | string> {
  try {
    return await openRuntime(pid, { python });
  } catch (error) {
    return errorMessage(error);
  }
}

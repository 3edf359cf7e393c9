// The debuggee's memory, opened once per session: one reader of /proc/PID/mem and one set of probe
// offsets, shared by everything that reads it (locks and the deadlock watch, threads started from
// C, the runtime panels' sampling, read-only attach), and the memory requests of the session
// (locks, the runtime panel's snapshot, an object's refcount).
import { errorMessage, UserFacingError } from '../runtime/errors';
import { isInspectError } from '../runtime/inspect';
import type { ProcessReader } from '../runtime/inspect';
import { openRuntime } from '../runtime/inspect/openRuntime';
import { readFutexWaits } from '../runtime/inspect/threadWaits';
import { AgentThreads } from '../runtime/debuggee/agentThreads';
import type { LockViews } from '../runtime/locks/mergeViews';
import type { CensusEntry } from '../runtime/model/samples';
import type { RefcountArguments, RefcountResponseBody, RuntimeSnapshotResponseBody } from './protocol';

/**
 * The reader when it has the probe's offsets, or why not (for what needs runtime internals).
 * Without them, threads and stacks are still read from the interpreter's own _Py_DebugOffsets.
 */
export function withProbe(opened: ProcessReader | string): ProcessReader | string {
  if (typeof opened === 'string') return opened;
  return typeof opened.probe === 'string' ? opened.probe : opened;
}

/**
 * How long a thread must stay in one wait before the deadlock watch reads the memory for it. Most
 * waits are shorter and no deadlock (a join, a brief contention), and a read of the whole process
 * costs ten to a hundred ms of the adapter's CPU, taken from the program on a small machine.
 */
export const LASTING_WAIT_MS = 1000;

export class DebuggeeMemory {
  private opened?: Promise<ProcessReader | string>;
  /** The program threads in a futex wait at the last look: the address, and since when it was seen. */
  private waits = new Map<number, { address: bigint; since: number }>();
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

  /** The runtime panel's full snapshot; `census` asks the agent for its census (none without an agent). */
  async runtimeSnapshot(census?: () => Promise<CensusEntry[] | undefined>): Promise<RuntimeSnapshotResponseBody> {
    const reader = await this.panelsReader();
    const notes: string[] = [];
    const body: RuntimeSnapshotResponseBody = {
      sample: this.agentThreads.fromSample(reader.sampler().sample()),
      heaps: this.agentThreads.fromHeaps(reader.heaps()),
      abandoned: null,
      notes,
    };
    try {
      body.abandoned = reader.abandonedPool();
    } catch (error) {
      if (!isInspectError(error, 'torn-read') && !isInspectError(error, 'unsupported-build')) throw error;
      notes.push(`The abandoned pool could not be read: ${error.message}.`);
    }
    if (!census) {
      notes.push('No object census: it needs the agent (launch the program with ftpy).');
      return body;
    }
    try {
      const entries = await census();
      if (entries) body.census = entries;
      else notes.push('The object census is taken only while the program is stopped.');
    } catch (error) {
      notes.push(`No object census: ${errorMessage(error)}`);
    }
    return body;
  }

  /** The refcount anatomy of what `expression` evaluates to, its address found by evaluating id() in the frame. */
  async refcount(args: RefcountArguments | undefined, evaluate: (expression: string, frameId: number) => Promise<string>): Promise<RefcountResponseBody> {
    const expression = args?.expression?.trim();
    if (!expression || typeof args?.frameId !== 'number') throw new UserFacingError('Inspect Refcount needs a variable (an expression) of a stopped frame.');
    const reader = await this.panelsReader();
    const address = await evaluate(`id((${expression}))`, args.frameId);
    if (!/^\d+$/.test(address)) throw new UserFacingError(`Cannot inspect the refcount of ${expression}: id() gave ${address}.`);
    try {
      return reader.refcount(BigInt(address));
    } catch (error) {
      // E.g. a temporary object, freed once id() returned.
      if (isInspectError(error, 'torn-read')) throw new UserFacingError(`Cannot read the object ${expression} in memory: ${error.message}.`);
      throw error;
    }
  }

  /** The reader with the probe's offsets, for the runtime panel's requests. */
  private async panelsReader(): Promise<ProcessReader> {
    const reader = withProbe(await this.memory());
    if (typeof reader === 'string') throw new UserFacingError(`The runtime panels have no data: ${reader}.`);
    return reader;
  }

  /**
   * Whether a program thread has been in the same futex wait for LASTING_WAIT_MS (as seen by the
   * calls so far, `now` in ms), and that wait is new since the last time this said yes. Every
   * blocking wait of CPython (parking lot, RLock, thread locks) is one, so a thread in a deadlock
   * shows this without a read of the memory; a cycle can only form when some thread enters a new
   * wait, so threads that keep waiting where they were (an idle pool, the agent's own threads)
   * cost no read.
   */
  waitLasted(now = Date.now()): boolean {
    const waits = new Map<number, { address: bigint; since: number }>();
    for (const [thread, address] of readFutexWaits(this.pid)) {
      if (this.agentThreads.hasNative(thread)) continue;
      const seen = this.waits.get(thread);
      waits.set(thread, seen?.address === address ? seen : { address, since: now });
    }
    this.waits = waits;
    const lasting = new Map([...waits].filter(([, wait]) => now - wait.since >= LASTING_WAIT_MS).map(([thread, wait]) => [thread, wait.address]));
    const fresh = [...lasting].some(([thread, address]) => this.readFor.get(thread) !== address);
    if (fresh) this.readFor = lasting;
    return fresh;
  }

  close(): void {
    const opened = this.opened;
    this.opened = Promise.resolve('the program has ended');
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

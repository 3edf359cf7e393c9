// A read-only attach: DAP over a process's memory alone. No agent runs in the process and
// nothing is written to it; threads, stacks and locks (ftpy/locks) come from runtime/inspect.
// `pause` takes a snapshot and reports every thread stopped so the client shows the stacks,
// but the process keeps running: the snapshot is what it was doing at that moment; while
// "paused", threads and stackTrace answer from that snapshot, after `continue` threads reads afresh.
// The process is never ended or signalled: disconnect just lets go of it (whatever
// terminateDebuggee says) and terminate is refused with a message, since ftpy did not start it.
import * as fs from 'node:fs';
import { Event, OutputEvent, StoppedEvent, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { UserFacingError } from '../runtime/errors';
import { isInspectError, LocksReport, ProcessReader, RuntimeSnapshot, ThreadSnapshot } from '../runtime/inspect';
import { findCycles } from '../runtime/locks/waitForGraph';
import type { LockInfo, LockSite } from '../runtime/model/locks';
import { openRuntime } from '../runtime/inspect/openRuntime';
import { AttachArguments, launchAttributes } from './launchConfig';
import { memoryStackTrace } from './memoryFrames';
import { FTPY_EVENTS, FTPY_REQUESTS, LocksArguments, LocksResponseBody, type SessionInfoEventBody } from './protocol';
import { DebuggeeMemory } from './debuggeeMemory';
import { RuntimeSampling } from './runtimeSampling';
import { samplesShown, scalingWish } from './requestArguments';
import { ScalingRecording } from './scalingRecording';

const READ_ONLY = 'read-only attach';

/** The process id of an attach configuration, or a UserFacingError saying what to set. */
export function attachProcessId(args: AttachArguments | undefined): number {
  const value = args?.processId;
  const pid = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (value === undefined || value === '') {
    throw new UserFacingError(
      'Set "processId" in the attach configuration: the id of the Python process to attach to (or "${command:ftpy.pickProcess}" to pick it).',
    );
  }
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) {
    throw new UserFacingError(`"processId" must be a process id (a positive whole number), not ${JSON.stringify(value)}. Fix it in the attach configuration.`);
  }
  return pid;
}

type Body = object | undefined;

/** The attached process's interpreter, as its memory shows it now (none when it cannot be read). */
function sessionInfo(reader: ProcessReader, python: string | undefined): SessionInfoEventBody | undefined {
  try {
    const { version, freeThreaded, gilEnabled } = reader.snapshot().python;
    return { python: python ?? reader.location.binary, version, freeThreaded, gilEnabled };
  } catch (error) {
    if (isInspectError(error)) return undefined;
    throw error;
  }
}

export class ReadOnlyAttach {
  /** The snapshot the client is looking at while "paused"; none while "running". */
  private paused?: RuntimeSnapshot;
  private latest?: RuntimeSnapshot;
  /** Frame ids handed out since the last snapshot (no request needs to map them back: scopes are empty). */
  private frameIds = 0;

  private constructor(
    private readonly reader: ProcessReader,
    private readonly send: (event: DebugProtocol.Event) => void,
    /** The runtime panels' data (sampled at the default rate), when the interpreter is known. */
    private readonly runtime: { memory: DebuggeeMemory; sampling: RuntimeSampling; scaling: ScalingRecording } | undefined,
  ) {}

  /** Attaches to the configured process, or throws a UserFacingError saying why it cannot. */
  static async open(args: AttachArguments | undefined, send: (event: DebugProtocol.Event) => void): Promise<ReadOnlyAttach> {
    const pid = attachProcessId(args);
    let reader: ProcessReader;
    try {
      reader = await openRuntime(pid);
    } catch (error) {
      if (isInspectError(error)) throw new UserFacingError(`Cannot attach to process ${pid}: ${error.message}`);
      throw error;
    }
    if (typeof reader.probe === 'string') send(new OutputEvent(`ftpy: thread states are unknown: ${reader.probe}\n`, 'console'));
    send(
      new OutputEvent(
        `ftpy: ${READ_ONLY} to process ${pid}: threads, stacks, locks and runtime panels only, the process keeps running and is left untouched.\n`,
        'console',
      ),
    );
    const python = reader.interpreterPath();
    const info = sessionInfo(reader, python);
    if (info) send(new Event(FTPY_EVENTS.sessionInfo, info));
    const toConsole = (message: string) => send(new OutputEvent(`ftpy: ${message}\n`, 'console'));
    const memory = DebuggeeMemory.ofReader(reader);
    const runtime =
      python && typeof reader.probe !== 'string'
        ? {
            memory,
            sampling: new RuntimeSampling(memory, launchAttributes.runtimeSampling.default, send, toConsole),
            scaling: new ScalingRecording(memory, send),
          }
        : undefined;
    return new ReadOnlyAttach(reader, send, runtime);
  }

  /** Answers any request of the session (all but initialize and attach). */
  request(command: string, args: unknown): Body | Promise<Body> {
    switch (command) {
      case FTPY_REQUESTS.runtimeSnapshot:
        return this.readableRuntime().memory.runtimeSnapshot();
      case 'configurationDone':
      case 'setExceptionBreakpoints':
        return undefined;
      case 'setBreakpoints':
        return { breakpoints: ((args as DebugProtocol.SetBreakpointsArguments).breakpoints ?? []).map(unverified) };
      case 'setFunctionBreakpoints':
        return { breakpoints: (args as DebugProtocol.SetFunctionBreakpointsArguments).breakpoints.map(unverified) };
      case 'threads':
        return { threads: this.threads() };
      case 'pause':
        return this.pause();
      case 'continue':
        this.paused = undefined;
        return { allThreadsContinued: true };
      case 'stackTrace':
        return this.stackTrace(args as DebugProtocol.StackTraceArguments);
      case 'scopes':
        return { scopes: [] }; // no frame objects can be read safely from outside: see `variables`
      case FTPY_REQUESTS.locks:
        return this.locks((args ?? {}) as LocksArguments);
      case FTPY_REQUESTS.runtimeSampling:
        this.runtime?.sampling.sampling(samplesShown(args));
        return undefined;
      case FTPY_REQUESTS.scaling:
        return this.readableRuntime().scaling.record(scalingWish(args));
      case 'disconnect':
        this.runtime?.sampling.close();
        this.runtime?.scaling.close();
        this.reader.close(); // the process is never ended or signalled, whatever terminateDebuggee says
        return undefined;
      case 'terminate':
        throw new UserFacingError(`${READ_ONLY}: ftpy does not end a process it did not start. Use Disconnect (the process keeps running).`);
      case 'variables':
      case 'evaluate':
      case 'setVariable':
      case 'setExpression':
        throw new UserFacingError(`${READ_ONLY}: variables need the agent (launch the program with ftpy to inspect them).`);
      default:
        throw new UserFacingError(`${READ_ONLY}: "${command}" needs the agent (launch the program with ftpy to control it).`);
    }
  }

  /** The runtime's readers, or a clear refusal when the runtime cannot be read. */
  private readableRuntime(): NonNullable<ReadOnlyAttach['runtime']> {
    if (!this.runtime) throw new UserFacingError(`${READ_ONLY}: the runtime of process ${this.reader.pid} cannot be read (see the Debug Console).`);
    return this.runtime;
  }

  private pause(): Body {
    this.paused = this.snapshot();
    const stopped: DebugProtocol.StoppedEvent = new StoppedEvent('pause', this.paused.threads[0]?.nativeId);
    stopped.body.allThreadsStopped = true;
    stopped.body.description = 'Paused: a read-only snapshot (the process keeps running)';
    this.send(stopped);
    return undefined;
  }

  /** A fresh snapshot, unless the client is looking at a paused one. */
  private threads(): DebugProtocol.Thread[] {
    const snapshot = this.paused ?? this.snapshot();
    return snapshot.threads.map((thread) => ({ id: thread.nativeId, name: threadName(thread) }));
  }

  private stackTrace(args: DebugProtocol.StackTraceArguments): Body {
    const snapshot = this.paused ?? this.latest ?? this.snapshot();
    const thread = snapshot.threads.find((candidate) => candidate.nativeId === args.threadId);
    if (!thread) throw new UserFacingError(`${READ_ONLY}: thread ${args.threadId} is gone (pause again for a fresh snapshot).`);
    return memoryStackTrace(thread, args, () => ++this.frameIds);
  }

  private snapshot(): RuntimeSnapshot {
    return this.reading(() => {
      this.latest = this.reader.snapshot();
      this.frameIds = 0;
      return this.latest;
    });
  }

  /** Lock state read afresh (also while "paused": locks are about now), from memory alone. */
  private locks(args: LocksArguments): LocksResponseBody {
    if (typeof this.reader.probe === 'string')
      throw new UserFacingError(`${READ_ONLY}: lock state needs the offsets probe for this interpreter, which could not be built (see the Debug Console).`);
    const report: LocksReport = this.reading(() => this.reader.locks().report);
    const locks = args.stacks ? report.locks : report.locks.map(withoutStacks);
    return { source: 'memory', threads: report.threads, locks, cycles: findCycles(report.threads, locks), notes: report.notes };
  }

  /** Runs a read of the process; its failures become one message (and the end of the session when it exited). */
  private reading<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      // Reads of an exited process fail in several ways (EOF, ESRCH): /proc says which it was.
      if (!fs.existsSync(`/proc/${this.reader.pid}`)) {
        this.send(new TerminatedEvent());
        throw new UserFacingError(`${READ_ONLY}: process ${this.reader.pid} has exited.`);
      }
      if (isInspectError(error)) throw new UserFacingError(`${READ_ONLY}: cannot read process ${this.reader.pid}: ${error.message}`);
      throw error;
    }
  }
}

/** Sites without the stacks that led there (asked for with `stacks`). */
function withoutStacks(lock: LockInfo): LockInfo {
  const strip = (sites: Record<string, LockSite> | undefined) =>
    sites && Object.fromEntries(Object.entries(sites).map(([thread, { stack: _stack, ...site }]) => [thread, site]));
  return { ...lock, acquiredAt: strip(lock.acquiredAt), awaitedAt: strip(lock.awaitedAt) };
}

function unverified(): DebugProtocol.Breakpoint {
  return { verified: false, message: `${READ_ONLY}: breakpoints need the agent` };
}

/** "filler-1 (detached)": the threading name and, when known, the run state. */
function threadName(thread: ThreadSnapshot): string {
  const name = thread.name ?? `Thread ${thread.nativeId}`;
  const notes = [thread.state, thread.torn === undefined ? undefined : 'stack unreadable'].filter((note) => note);
  return notes.length > 0 ? `${name} (${notes.join(', ')})` : name;
}

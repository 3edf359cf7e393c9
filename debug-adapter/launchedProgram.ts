// A launched program: the twin of ReadOnlyAttach. The debuggee with the agent inside it, and
// what watches it from outside (its memory, the deadlock watch, the runtime panels' sampling,
// threads started from C); its events and its end go to the client through the session.
import { Event, ExitedEvent, logger, OutputEvent, TerminatedEvent, ThreadEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { UserFacingError } from '../runtime/errors';
import type { AgentCommand, AgentCommands, AgentEvent } from '../runtime/agent/protocol';
import { Debuggee, exitMessage, RunInTerminal, startDebuggee, startDebuggeeInTerminal } from '../runtime/debuggee/debuggee';
import { StackTraceBatcher } from './stackTraceBatch';
import type { LaunchArguments, ResolvedLaunch } from './launchConfig';
import { OutsideThreads } from './outsideThreads';
import { DebuggeeMemory } from './debuggeeMemory';
import { cycleThread, DEADLOCK_POLL_MS, DeadlockWatch, locksResponse } from './locks';
import { FTPY_EVENTS, FTPY_REQUESTS, type LocksResponseBody, type RefcountArguments } from './protocol';
import { RuntimeSampling } from './runtimeSampling';
import { ScalingRecording } from './scalingRecording';

/** What needs the program's memory: said once when it cannot be read (breakpoints, stepping, stacks and variables work without it). */
const MEMORY_VIEWS_OFF =
  'threads started from C, locks held in with blocks and critical sections, the deadlock watch without "trackLocks" and the runtime panels are off; breakpoints, stepping, stacks and variables work as ever.';
/** What needs the probe's offsets besides: said once when there are none for this build. */
const PROBE_VIEWS_OFF =
  'locks held in with blocks and critical sections, the deadlock watch without "trackLocks" and the runtime panels are off; threads started from C (from the interpreter\'s own debug offsets), breakpoints, stepping, stacks and variables work as ever.';

/** What a launched program needs of its session. */
export interface ProgramHost {
  sendEvent(event: DebugProtocol.Event): void;
  /** Runs a command in the client's terminal; undefined when the client cannot. */
  runInTerminal: RunInTerminal | undefined;
  /** The client's ids of the agent's breakpoint ids. */
  clientBreakpointIds(agentIds: number[]): number[];
}

export class LaunchedProgram {
  private readonly memory: DebuggeeMemory;
  private readonly deadlocks: DeadlockWatch;
  /** The runtime panels' data. */
  private readonly runtime: RuntimeSampling;
  /** The Scaling tab's recording. */
  private readonly scaling: ScalingRecording;
  /** Threads started from C that the agent does not know, shown from memory at a stop. */
  private readonly outside: OutsideThreads;
  private readonly stackTraces = new StackTraceBatcher(async (requests) => (await this.agent('stackTraces', { requests })).answers);
  /** Every thread is stopped (a stop-all stop, until the client resumes). */
  private allStopped = false;
  /** Threads announced by a 'started' event that have not yet said 'exited'. */
  private readonly startedThreads = new Set<number>();
  /** Ended for a restart: its events and its exit are no longer the session's. */
  private replaced = false;

  private constructor(
    /** The configuration it was launched with, for a restart. */
    readonly args: LaunchArguments,
    private readonly launch: ResolvedLaunch,
    private readonly debuggee: Debuggee,
    private readonly host: ProgramHost,
  ) {
    host.sendEvent(new Event(FTPY_EVENTS.sessionInfo, launch.interpreter));
    this.memory = DebuggeeMemory.ofLaunch(debuggee.pid, launch.spec.python, debuggee.channel.agentThreads);
    this.outside = new OutsideThreads(() => this.memory.memory());
    debuggee.channel.on('event', (event) => !this.replaced && this.onAgentEvent(event));
    this.deadlocks = this.watchForDeadlocks(launch.spec.options.trackLocks);
    const toConsole = (message: string) => host.sendEvent(new OutputEvent(`ftpy: ${message}\n`, 'console'));
    this.runtime = new RuntimeSampling(this.memory, launch.runtimeSampling, (event) => host.sendEvent(event), toConsole);
    this.scaling = new ScalingRecording(this.memory, (event) => host.sendEvent(event));
    void this.memory.memory().then((memory) => {
      if (this.replaced) return;
      if (typeof memory === 'string') toConsole(`${memory}: ${MEMORY_VIEWS_OFF}`);
      else if (typeof memory.probe === 'string') toConsole(`${memory.probe}: ${PROBE_VIEWS_OFF}`);
    });
    void debuggee.exit.then((exit) => {
      if (this.replaced) return;
      this.endWatches();
      const message = exitMessage(exit);
      if (message) host.sendEvent(new OutputEvent(`${message}\n`, 'console'));
      // A thread's last word comes as it ends, which may be after the program saw it end and exited.
      for (const threadId of this.startedThreads) host.sendEvent(new ThreadEvent('exited', threadId));
      this.startedThreads.clear();
      host.sendEvent(new ExitedEvent(exit.code));
      host.sendEvent(new TerminatedEvent());
    });
  }

  /** Starts the program; its events and its end are reported until it is replaced. */
  static async start(args: LaunchArguments, launch: ResolvedLaunch, host: ProgramHost): Promise<LaunchedProgram> {
    const log = (message: string) => logger.warn(message);
    let debuggee: Debuggee;
    if (launch.console === 'integratedTerminal') {
      if (!host.runInTerminal) throw new UserFacingError('This client cannot run programs in a terminal: set "console" to "internalConsole".');
      debuggee = await startDebuggeeInTerminal(launch.spec, host.runInTerminal, log);
    } else {
      const forward = (category: 'stdout' | 'stderr') => (text: string) => launch.redirectOutput && host.sendEvent(new OutputEvent(text, category));
      debuggee = await startDebuggee(launch.spec, { stdout: forward('stdout'), stderr: forward('stderr'), log });
    }
    return new LaunchedProgram(args, launch, debuggee, host);
  }

  agent<C extends AgentCommand>(command: C, args: AgentCommands[C][0]): Promise<AgentCommands[C][1]> {
    return this.debuggee.channel.request(command, args);
  }

  /** The client resumes: the stop-all stop and the stacks read from memory at it are over. */
  resuming(): void {
    this.allStopped = false;
    this.outside.forget();
    this.scaling.pause(false);
  }

  async threads(): Promise<DebugProtocol.ThreadsResponse['body']> {
    const { threads, outside } = await this.agent('threads', {}).catch(() => ({ threads: [], outside: { idents: [], hiddenFiles: [] } }));
    return { threads: [...threads, ...(await this.outside.list(outside).catch(() => []))] };
  }

  async stackTrace(args: DebugProtocol.StackTraceArguments): Promise<DebugProtocol.StackTraceResponse['body']> {
    return this.outside.stackTrace(args) ?? this.stackTraces.stackTrace(args);
  }

  /** The agent's and the memory's views of the locks, merged. */
  async locks(stacks: boolean): Promise<LocksResponseBody> {
    const [tracked, memory] = await Promise.all([this.agent('locks', { stacks }), this.memory.locks()]);
    return locksResponse(tracked, memory, this.launch.spec.options.trackLocks);
  }

  /** Samples the program's memory for the runtime panels while `on` (the client shows them). */
  showSamples(on: boolean): void {
    this.runtime.sampling(on);
  }

  /** Starts or stops the Scaling tab's recording. */
  recordScaling(wish: { record: boolean; rateHz: number }): Promise<void> {
    return this.scaling.record(wish);
  }

  /** The runtime panels' requests: a snapshot, or the refcount anatomy of an object. */
  runtimeRequest(command: string, args: unknown): Promise<DebugProtocol.Response['body']> {
    if (command === FTPY_REQUESTS.runtimeSnapshot) return this.memory.runtimeSnapshot(async () => (await this.agent('census', {})).census);
    return this.memory.refcount(
      args as RefcountArguments | undefined,
      async (expression, frameId) => (await this.agent('evaluate', { expression, frameId, context: 'watch' })).result,
    );
  }

  async terminate(): Promise<void> {
    this.endWatches();
    await this.debuggee.terminate();
  }

  /** Lets go of the program: ends it unless `terminate` is false (then the agent lets it run on). */
  async disconnect(terminate: boolean): Promise<void> {
    this.endWatches();
    if (terminate) await this.debuggee.terminate();
    else await this.agent('disconnect', {}).catch(() => undefined);
    this.debuggee.channel.close();
  }

  /** Ends the program for a restart: its threads are said to have exited, and nothing more of it is reported. */
  async replace(): Promise<void> {
    const { threads } = await this.agent('threads', {}).catch(() => ({ threads: [] }));
    this.replaced = true;
    this.endWatches();
    await this.debuggee.terminate();
    this.debuggee.channel.close();
    for (const thread of threads) this.host.sendEvent(new ThreadEvent('exited', thread.id));
  }

  private watchForDeadlocks(trackLocks: boolean): DeadlockWatch {
    const tracked = async () => {
      const agentView = await this.agent('locks', { ifWaiting: true });
      return agentView.threads.length > 0 ? locksResponse(agentView, undefined, true) : undefined;
    };
    // From memory alone: with tracking off the agent has nothing to add, and it need not answer at every look.
    const fromMemory = async () => locksResponse(undefined, await this.memory.locks(), false);
    const view = trackLocks ? tracked : async () => (this.memory.waitLasted() ? fromMemory() : undefined);
    const confirm = trackLocks ? tracked : fromMemory;
    if (!trackLocks) void this.memory.memory();
    return new DeadlockWatch(view, confirm, DEADLOCK_POLL_MS, {
      allStopped: () => this.allStopped,
      found: (cycle, view) => {
        if (this.launch.spec.options.stopAll) {
          void this.agent('stopAll', { reason: 'deadlock', threadId: cycleThread(cycle, view), description: cycle.description }).catch(() => undefined);
        } else {
          this.host.sendEvent(new OutputEvent(`ftpy: ${cycle.description}\n`, 'important'));
          this.host.sendEvent(new Event(FTPY_EVENTS.deadlock, { cycle }));
        }
      },
    });
  }

  /** Stops watching the program from outside (deadlocks, runtime samples, its memory). */
  private endWatches(): void {
    this.deadlocks.dispose();
    this.runtime.close();
    this.scaling.close();
    this.memory.close();
  }

  private onAgentEvent(event: AgentEvent): void {
    if (event.event === 'stopped') {
      if (event.body.allThreadsStopped) this.allStopped = true;
      this.scaling.pause(true);
    }
    if (event.event === 'thread') {
      if (event.body.reason === 'started') this.startedThreads.add(event.body.threadId);
      else this.startedThreads.delete(event.body.threadId);
    }
    if (event.event === 'gcCollection' || event.event === 'gilChange') this.runtime.record(event);
    else if (event.event === 'output') this.host.sendEvent(new OutputEvent(event.body.output, event.body.category));
    else if (event.event === 'stopped' && event.body.hitBreakpointIds)
      this.host.sendEvent(new Event('stopped', { ...event.body, hitBreakpointIds: this.host.clientBreakpointIds(event.body.hitBreakpointIds) }));
    else this.host.sendEvent(new Event(event.event, event.body));
  }
}

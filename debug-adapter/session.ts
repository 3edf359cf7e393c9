// The ftpy debug session: DAP on one side, the agent inside the debuggee on the other.
// Most requests are forwarded to the agent unchanged (its bodies are DAP-shaped); errors are
// turned into failed responses in one place (`answer`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BreakpointEvent,
  Event,
  ExitedEvent,
  InitializedEvent,
  Logger,
  logger,
  LoggingDebugSession,
  OutputEvent,
  Response,
  TerminatedEvent,
  ThreadEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { errorMessage, UserFacingError } from '../runtime/errors';
import { openPrivateLog } from '../runtime/privateLog';
import { ftpyHome } from '../runtime/provision/home';
import type { AgentCommand, AgentCommands, AgentEvent } from '../runtime/agent/protocol';
import { AgentError } from '../runtime/debuggee/agentChannel';
import { Debuggee, exitMessage, RunInTerminal, startDebuggee, startDebuggeeInTerminal } from '../runtime/debuggee/debuggee';
import { ClientConfiguration, SendToAgent } from './clientConfiguration';
import { StackTraceBatcher } from './stackTraceBatch';
import { AttachArguments, launchAttributes, LaunchArguments, ResolvedLaunch, resolveLaunch } from './launchConfig';
import { isMemoryFrame, OutsideThreads } from './outsideThreads';
import { DebuggeeMemory } from './debuggeeMemory';
import { cycleThread, DEADLOCK_POLL_MS, DeadlockWatch, locksResponse } from './locks';
import { ErrorId, FIX_ACTION_COMMANDS, FTPY_EVENTS, FTPY_REQUESTS, type LocksArguments, type LocksResponseBody, type RefcountArguments } from './protocol';
import { ReadOnlyAttach } from './readOnlyAttach';
import { RuntimeSampling } from './runtimeSampling';
import { checkArguments } from './requestArguments';

/** What needs the program's memory: said once when it cannot be read (breakpoints, stepping, stacks and variables work without it). */
const MEMORY_VIEWS_OFF =
  'threads started from C, locks held in with blocks and critical sections, the deadlock watch without "trackLocks" and the runtime panels are off; breakpoints, stepping, stacks and variables work as ever.';

export const capabilities: DebugProtocol.Capabilities = {
  supportsConfigurationDoneRequest: true,
  supportsConditionalBreakpoints: true,
  supportsFunctionBreakpoints: true,
  supportsCompletionsRequest: true,
  supportsHitConditionalBreakpoints: true,
  supportsLogPoints: true,
  supportsEvaluateForHovers: true,
  supportsClipboardContext: true,
  supportsSetVariable: true,
  supportsSetExpression: true,
  supportsExceptionInfoRequest: true,
  supportsTerminateRequest: true,
  supportsRestartRequest: true,
  supportsSingleThreadExecutionRequests: true,
  supportsDelayedStackTraceLoading: true,
  supportsSteppingGranularity: true,
  supportsDisassembleRequest: true,
  supportsInstructionBreakpoints: true,
  exceptionBreakpointFilters: [
    { filter: 'raised', label: 'Raised Exceptions', description: 'Stop where an exception is raised in your code.', default: false },
    { filter: 'uncaught', label: 'Uncaught Exceptions', description: 'Stop when an exception ends a thread or the program.', default: true },
    {
      filter: 'userUnhandled',
      label: 'User Uncaught Exceptions',
      description: 'Stop when an exception leaves your code for library code that called it.',
      default: false,
    },
  ],
};

const FORWARDED: readonly AgentCommand[] = [
  'configurationDone',
  'scopes',
  'variables',
  'evaluate',
  'setVariable',
  'setExpression',
  'completions',
  'source',
  'exceptionInfo',
  'continue',
  'next',
  'stepIn',
  'stepOut',
  'pause',
  'disassemble',
  'setInstructionBreakpoints',
];

const RESUMING: readonly string[] = ['continue', 'next', 'stepIn', 'stepOut'];

function isForwarded(command: string): command is AgentCommand {
  return (FORWARDED as readonly string[]).includes(command);
}

export class FtpyDebugSession extends LoggingDebugSession {
  private debuggee?: Debuggee;
  /** The configuration of the running program, for a restart. */
  private launched?: LaunchArguments;
  private readonly configuration = new ClientConfiguration();
  private readonly stackTraces = new StackTraceBatcher(async (requests) => (await this.agent('stackTraces', { requests })).answers);
  private clientRunsInTerminal = false;
  /** No request but initialize is served before it (DAP's order; a stray client gets nothing done). */
  private initialized = false;
  /** The launch request's work, until it has answered. */
  private launching?: Promise<boolean>;
  private starting = false;
  /** Set by an attach: it then answers every request. */
  private readOnly?: ReadOnlyAttach;
  private launch?: ResolvedLaunch;
  private deadlocks?: DeadlockWatch;
  private debuggeeMemory?: DebuggeeMemory;
  /** Every thread is stopped (a stop-all stop, until the client resumes). */
  private allStopped = false;
  /** Threads announced by a 'started' event that have not yet said 'exited'. */
  private readonly startedThreads = new Set<number>();
  /** The runtime panels' data. */
  private runtime?: RuntimeSampling;
  /** Threads started from C that the agent does not know, shown from memory at a stop. */
  private readonly outside = new OutsideThreads(() => this.debuggeeMemory?.memory() ?? Promise.resolve('The program is not running.'));

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.clientRunsInTerminal = args.supportsRunInTerminalRequest === true;
    this.initialized = true;
    response.body = capabilities;
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArguments): Promise<void> {
    this.setUpLog(args.logToFile ?? launchAttributes.logToFile.default);
    const launching = this.answer(response, async () => {
      this.startOnce();
      await this.run(await resolveLaunch(args));
      this.launched = args;
    });
    this.launching = launching;
    const launched = await launching;
    this.starting = false;
    if (launched) this.sendEvent(new InitializedEvent());
  }

  /** With logToFile, every DAP message goes to a new 0600 file in ftpy's 0700 log folder (the logger names it in the Debug Console). */
  private setUpLog(toFile: boolean): void {
    if (!toFile) return logger.setup(Logger.LogLevel.Warn, false);
    const log = openPrivateLog(path.join(ftpyHome(), 'logs'), `debug-adapter-${process.pid}.log`);
    fs.closeSync(log.fd); // the logger opens it again, by name, in a folder only we can change
    logger.setup(Logger.LogLevel.Warn, log.path);
  }

  /** Starts the program; its events and its end are reported while it is the session's program. */
  private async run(launch: ResolvedLaunch): Promise<void> {
    const debuggee = await this.startProgram(launch);
    this.debuggee = debuggee;
    this.launch = launch;
    const agentThreads = debuggee.channel.agentThreads;
    this.debuggeeMemory = DebuggeeMemory.ofLaunch(debuggee.pid, launch.spec.python, agentThreads);
    debuggee.channel.on('event', (event) => this.debuggee === debuggee && this.onAgentEvent(event));
    this.watchForDeadlocks(launch.spec.options.trackLocks);
    const toConsole = (message: string) => this.sendEvent(new OutputEvent(`ftpy: ${message}\n`, 'console'));
    this.runtime = new RuntimeSampling(this.debuggeeMemory, launch.runtimeSampling, (event) => this.sendEvent(event), toConsole);
    void this.debuggeeMemory.memory().then((memory) => {
      if (typeof memory === 'string' && this.debuggee === debuggee) toConsole(`${memory}: ${MEMORY_VIEWS_OFF}`);
    });
    void debuggee.exit.then((exit) => {
      if (this.debuggee !== debuggee) return; // ended by a restart
      this.endWatches();
      const message = exitMessage(exit);
      if (message) this.sendEvent(new OutputEvent(`${message}\n`, 'console'));
      // A thread's last word comes as it ends, which may be after the program saw it end and exited.
      for (const threadId of this.startedThreads) this.sendEvent(new ThreadEvent('exited', threadId));
      this.startedThreads.clear();
      this.sendEvent(new ExitedEvent(exit.code));
      this.sendEvent(new TerminatedEvent());
    });
  }

  /** Ends the program and starts it again with the same configuration, or the one the client sends; the breakpoints stay. */
  protected override async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments | undefined): Promise<void> {
    await this.answer(response, async () => {
      const previous = this.debuggee;
      if (!previous || !this.launched) throw new UserFacingError('Only a launched program can be restarted: start a new session instead.');
      const next = (args?.arguments as LaunchArguments | undefined) ?? this.launched;
      const launch = await resolveLaunch(next); // a configuration in error leaves the program running
      const threads = await this.agent('threads', {}).catch(() => ({ threads: [] }));
      this.debuggee = undefined;
      this.endWatches();
      this.allStopped = false;
      this.outside.forget();
      await previous.terminate();
      previous.channel.close();
      for (const thread of threads.threads) this.sendEvent(new ThreadEvent('exited', thread.id));
      await this.run(launch).catch((error: unknown) => {
        this.sendEvent(new TerminatedEvent()); // the program is gone and no new one runs
        throw error;
      });
      this.launched = next;
      for (const breakpoint of await this.configuration.replay(this.sendToAgent)) this.sendEvent(new BreakpointEvent('changed', breakpoint));
      await this.agent('configurationDone', {});
      return undefined;
    });
  }

  protected override async attachRequest(response: DebugProtocol.AttachResponse, args: AttachArguments): Promise<void> {
    const attached = await this.answer(response, async () => {
      this.startOnce();
      this.readOnly = await ReadOnlyAttach.open(args, (event) => this.sendEvent(event));
      return undefined;
    });
    this.starting = false;
    if (attached) this.sendEvent(new InitializedEvent());
  }

  /** One program per session: a second launch or attach (while one starts, or after) would leave the first one unwatched. */
  private startOnce(): void {
    if (this.starting || this.debuggee || this.readOnly)
      throw new UserFacingError('This debug session already has a program: start another debug session for another one.');
    this.starting = true;
  }

  private startProgram(launch: ResolvedLaunch): Promise<Debuggee> {
    const log = (message: string) => logger.warn(message);
    if (launch.console === 'integratedTerminal') {
      if (!this.clientRunsInTerminal) throw new UserFacingError('This client cannot run programs in a terminal: set "console" to "internalConsole".');
      return startDebuggeeInTerminal(launch.spec, this.runInClientTerminal, log);
    }
    const forward = (category: 'stdout' | 'stderr') => (text: string) => launch.redirectOutput && this.sendEvent(new OutputEvent(text, category));
    return startDebuggee(launch.spec, { stdout: forward('stdout'), stderr: forward('stderr'), log });
  }

  private readonly runInClientTerminal: RunInTerminal = (command, cwd, env) =>
    new Promise((resolve, reject) => {
      this.runInTerminalRequest({ kind: 'integrated', title: 'Free-Threaded Python', cwd, args: command, env }, 10_000, (response) => {
        if (response.success) resolve();
        else reject(new Error(response.message ?? 'runInTerminal failed'));
      });
    });

  private watchForDeadlocks(trackLocks: boolean): void {
    const tracked = async () => {
      const agentView = await this.agent('locks', { ifWaiting: true });
      return agentView.threads.length > 0 ? locksResponse(agentView, undefined, true) : undefined;
    };
    // From memory alone: with tracking off the agent has nothing to add, and it need not answer at every look.
    const fromMemory = async () => locksResponse(undefined, await this.debuggeeMemory?.locks(), false);
    const view = trackLocks ? tracked : async () => (this.debuggeeMemory?.waitLasted() ? fromMemory() : undefined);
    const confirm = trackLocks ? tracked : fromMemory;
    if (!trackLocks) void this.debuggeeMemory?.memory();
    this.deadlocks = new DeadlockWatch(view, confirm, DEADLOCK_POLL_MS, {
      allStopped: () => this.allStopped,
      found: (cycle, view) => {
        if (this.launch?.spec.options.stopAll) {
          void this.agent('stopAll', { reason: 'deadlock', threadId: cycleThread(cycle, view), description: cycle.description }).catch(() => undefined);
        } else {
          this.sendEvent(new OutputEvent(`ftpy: ${cycle.description}\n`, 'important'));
          this.sendEvent(new Event(FTPY_EVENTS.deadlock, { cycle }));
        }
      },
    });
  }

  /** The 'ftpy/…' requests: locks, runtime snapshot, refcount. */
  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (command === FTPY_REQUESTS.locks) void this.answer(response, () => this.locks((args as LocksArguments | undefined)?.stacks ?? false));
    else if (command === FTPY_REQUESTS.runtimeSnapshot || command === FTPY_REQUESTS.refcount)
      void this.answer(response, () => this.runtimeRequest(command, args));
    else super.customRequest(command, response, args);
  }

  /** The agent's and the memory's views of the locks, merged. */
  private async locks(stacks: boolean): Promise<LocksResponseBody> {
    const [tracked, memory] = await Promise.all([this.agent('locks', { stacks }), this.debuggeeMemory?.locks()]);
    return locksResponse(tracked, memory, this.launch?.spec.options.trackLocks ?? false);
  }

  /** Stops watching the program from outside (deadlocks, runtime samples). */
  private endWatches(): void {
    this.deadlocks?.dispose();
    this.runtime?.close();
    this.debuggeeMemory?.close();
  }

  private noteThread({ reason, threadId }: { reason: string; threadId: number }): void {
    if (reason === 'started') this.startedThreads.add(threadId);
    else this.startedThreads.delete(threadId);
  }

  private onAgentEvent(event: AgentEvent): void {
    if (event.event === 'stopped' && event.body.allThreadsStopped) this.allStopped = true;
    if (event.event === 'thread') this.noteThread(event.body);
    if (event.event === 'gcCollection' || event.event === 'gilChange') this.runtime?.record(event);
    else if (event.event === 'output') this.sendEvent(new OutputEvent(event.body.output, event.body.category));
    else if (event.event === 'stopped' && event.body.hitBreakpointIds)
      this.sendEvent(new Event('stopped', { ...event.body, hitBreakpointIds: this.configuration.clientIds(event.body.hitBreakpointIds) }));
    else this.sendEvent(new Event(event.event, event.body));
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    void this.answer(response, () => {
      const file = args?.source?.path;
      if (typeof file !== 'string' || !file) throw new UserFacingError('Breakpoints need a source file with a path.');
      return this.configuration.setBreakpoints(this.sendToAgent, { path: file, breakpoints: args.breakpoints ?? [] });
    });
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    void this.answer(response, async () => this.outside.stackTrace(args) ?? this.stackTraces.stackTrace(args));
  }

  protected override setFunctionBreakPointsRequest(
    response: DebugProtocol.SetFunctionBreakpointsResponse,
    args: DebugProtocol.SetFunctionBreakpointsArguments,
  ): void {
    void this.answer(response, () => this.configuration.setFunctionBreakpoints(this.sendToAgent, args));
  }

  protected override setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): void {
    void this.answer(response, async () => {
      await this.configuration.setExceptionBreakpoints(this.sendToAgent, args);
      return undefined;
    });
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    void this.answer(response, async () => {
      if (!this.debuggee) return { threads: [] };
      const { threads, outside } = await this.agent('threads', {}).catch(() => ({ threads: [], outside: { idents: [], hiddenFiles: [] } }));
      return { threads: [...threads, ...(await this.outside.list(outside).catch(() => []))] };
    });
  }

  /** Requests the agent answers as they come (its bodies are DAP-shaped); the others have methods here. */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const command = request.command;
    if (!this.initialized && command !== 'initialize') {
      void this.answer(new Response(request), () =>
        Promise.reject(new UserFacingError(`'${command}' before 'initialize': a DAP client starts with 'initialize'.`)),
      );
      return;
    }
    try {
      checkArguments(command, request.arguments);
    } catch (error) {
      void this.answer(new Response(request), () => Promise.reject(error));
      return;
    }
    const readOnly = this.readOnly;
    if (readOnly) {
      void this.answer(new Response(request), async () => readOnly.request(command, request.arguments));
      return;
    }
    if (!isForwarded(command)) {
      super.dispatchRequest(request);
      return;
    }
    logger.verbose(`From client: ${command}(${JSON.stringify(request.arguments)})`);
    if (isMemoryFrame((request.arguments as { frameId?: unknown } | undefined)?.frameId)) {
      void this.answer(new Response(request), async () => OutsideThreads.frameRequest(command));
      return;
    }
    if (RESUMING.includes(command)) {
      this.allStopped = false;
      this.outside.forget();
    }
    void this.answer(new Response(request), async () => {
      await this.launching; // a client that does not wait for 'initialized' (configurationDone early) must not be lost
      return this.agent(command, request.arguments ?? {});
    });
  }

  private async runtimeRequest(command: string, args: unknown): Promise<DebugProtocol.Response['body']> {
    const runtime = this.runtime;
    if (!runtime) throw new UserFacingError('The program is not running.');
    if (command === FTPY_REQUESTS.runtimeSnapshot) return runtime.snapshot(async () => (await this.agent('census', {})).census);
    return runtime.refcount(
      args as RefcountArguments | undefined,
      async (expression, frameId) => (await this.agent('evaluate', { expression, frameId, context: 'watch' })).result,
    );
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.endWatches();
    void this.answer(response, async () => {
      await this.debuggee?.terminate();
      return undefined;
    });
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments | undefined): void {
    this.endWatches();
    void this.answer(response, async () => {
      if (args?.terminateDebuggee === false) await this.agent('disconnect', {}).catch(() => undefined);
      else await this.debuggee?.terminate();
      this.debuggee?.channel.close();
      return undefined;
    });
  }

  private agent<C extends AgentCommand>(command: C, args: AgentCommands[C][0]): Promise<AgentCommands[C][1]> {
    if (!this.debuggee) throw new UserFacingError('The program is not running.');
    return this.debuggee.channel.request(command, args);
  }

  private readonly sendToAgent: SendToAgent = (command, args) => this.agent(command, args);

  /** Runs a request's work and answers it: the body on success, a failed response otherwise. */
  private async answer<R extends DebugProtocol.Response>(response: R, work: () => Promise<R['body'] | undefined>): Promise<boolean> {
    try {
      const body = await work();
      if (body) response.body = body;
      this.sendResponse(response);
      return true;
    } catch (error) {
      if (error instanceof UserFacingError) {
        const fix = error.action && FIX_ACTION_COMMANDS[error.action];
        this.sendErrorResponse(response, {
          id: ErrorId.User,
          format: error.message,
          showUser: true,
          ...(fix && { url: `command:${fix.command}`, urlLabel: fix.label }),
        });
      } else if (error instanceof AgentError) {
        this.sendErrorResponse(response, { id: ErrorId.Agent, format: error.message, showUser: false });
      } else {
        logger.error(`${response.command}: ${error instanceof Error ? error.stack : String(error)}`);
        this.sendErrorResponse(response, { id: ErrorId.Internal, format: `Internal error in ftpy's debug adapter: ${errorMessage(error)}`, showUser: true });
      }
      return false;
    }
  }
}

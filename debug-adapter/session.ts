// The ftpy debug session: DAP on one side, the agent inside the debuggee on the other.
// Most requests are forwarded to the agent unchanged (its bodies are DAP-shaped); errors are
// turned into failed responses in one place (`answer`).
import * as os from 'node:os';
import * as path from 'node:path';
import { Event, ExitedEvent, InitializedEvent, Logger, logger, LoggingDebugSession, OutputEvent, Response, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { errorMessage, UserFacingError } from '../runtime/errors';
import type { AgentCommand, AgentCommands, AgentEvent } from '../runtime/agent/protocol';
import { AgentError } from '../runtime/debuggee/agentChannel';
import { Debuggee, exitMessage, RunInTerminal, startDebuggee, startDebuggeeInTerminal } from '../runtime/debuggee/debuggee';
import { AttachArguments, LaunchArguments, ResolvedLaunch, resolveLaunch } from './launchConfig';
import { ReadOnlyAttach } from './readOnlyAttach';
import { checkArguments } from './requestArguments';

const USER_ERROR = 1001;
const AGENT_ERROR = 1002;
const INTERNAL_ERROR = 1003;

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
  supportsSingleThreadExecutionRequests: true,
  supportsDelayedStackTraceLoading: true,
  exceptionBreakpointFilters: [
    { filter: 'raised', label: 'Raised Exceptions', description: 'Stop where an exception is raised in your code.', default: false },
    { filter: 'uncaught', label: 'Uncaught Exceptions', description: 'Stop when an exception ends a thread or the program.', default: true },
    { filter: 'userUnhandled', label: 'User Uncaught Exceptions', description: 'Stop when an exception leaves your code for library code that called it.', default: false },
  ],
};

const FORWARDED: readonly AgentCommand[] = [
  'setExceptionBreakpoints',
  'setFunctionBreakpoints',
  'configurationDone',
  'stackTrace',
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
];

function isForwarded(command: string): command is AgentCommand {
  return (FORWARDED as readonly string[]).includes(command);
}

export class FtpyDebugSession extends LoggingDebugSession {
  private debuggee?: Debuggee;
  private clientRunsInTerminal = false;
  private starting = false;
  /** Set by an attach: it then answers every request. */
  private readOnly?: ReadOnlyAttach;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.clientRunsInTerminal = args.supportsRunInTerminalRequest === true;
    response.body = capabilities;
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArguments): Promise<void> {
    const launched = await this.answer(response, async () => {
      this.startOnce();
      const launch = await resolveLaunch(args);
      logger.setup(Logger.LogLevel.Warn, launch.logToFile ? path.join(os.tmpdir(), `ftpy-debug-adapter-${process.pid}.log`) : false);
      this.debuggee = await this.startProgram(launch);
      this.debuggee.channel.on('event', (event) => this.onAgentEvent(event));
      void this.debuggee.exit.then((exit) => {
        const message = exitMessage(exit);
        if (message) this.sendEvent(new OutputEvent(`${message}\n`, 'console'));
        this.sendEvent(new ExitedEvent(exit.code));
        this.sendEvent(new TerminatedEvent());
      });
    });
    this.starting = false;
    if (launched) this.sendEvent(new InitializedEvent());
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
    if (this.starting || this.debuggee || this.readOnly) throw new UserFacingError('This debug session already has a program: start another debug session for another one.');
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

  private onAgentEvent(event: AgentEvent): void {
    if (event.event === 'output') this.sendEvent(new OutputEvent(event.body.output, event.body.category));
    else if (event.event !== 'exiting') this.sendEvent(new Event(event.event, event.body));
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    void this.answer(response, () => {
      const file = args?.source?.path;
      if (typeof file !== 'string' || !file) throw new UserFacingError('Breakpoints need a source file with a path.');
      return this.agent('setBreakpoints', { path: file, breakpoints: args.breakpoints ?? [] });
    });
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    void this.answer(response, async () => (this.debuggee ? this.agent('threads', {}).catch(() => ({ threads: [] })) : { threads: [] }));
  }

  /** Requests the agent answers as they come (its bodies are DAP-shaped); the others have methods here. */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const command = request.command;
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
    void this.answer(new Response(request), () => this.agent(command, request.arguments ?? {}));
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    void this.answer(response, async () => {
      await this.debuggee?.terminate();
      return undefined;
    });
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments | undefined): void {
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

  /** Runs a request's work and answers it: the body on success, a failed response otherwise. */
  private async answer<R extends DebugProtocol.Response>(response: R, work: () => Promise<R['body'] | undefined>): Promise<boolean> {
    try {
      const body = await work();
      if (body) response.body = body;
      this.sendResponse(response);
      return true;
    } catch (error) {
      if (error instanceof UserFacingError) {
        this.sendErrorResponse(response, { id: USER_ERROR, format: error.message, showUser: true });
      } else if (error instanceof AgentError) {
        this.sendErrorResponse(response, { id: AGENT_ERROR, format: error.message, showUser: false });
      } else {
        logger.error(`${response.command}: ${error instanceof Error ? error.stack : String(error)}`);
        this.sendErrorResponse(response, { id: INTERNAL_ERROR, format: `Internal error in ftpy's debug adapter: ${errorMessage(error)}`, showUser: true });
      }
      return false;
    }
  }
}

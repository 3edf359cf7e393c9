// The ftpy debug session: DAP on one side, the agent inside the debuggee on the other.
// Most requests are forwarded to the agent unchanged (its bodies are DAP-shaped); errors are
// turned into failed responses in one place (`answer`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BreakpointEvent, InitializedEvent, Logger, logger, LoggingDebugSession, Response, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { errorMessage, UserFacingError } from '../runtime/errors';
import { openPrivateLog } from '../runtime/privateLog';
import { ftpyHome } from '../runtime/provision/home';
import type { AgentCommand, AgentCommands } from '../runtime/agent/protocol';
import { AgentError } from '../runtime/debuggee/agentChannel';
import type { RunInTerminal } from '../runtime/debuggee/debuggee';
import { ClientConfiguration, SendToAgent } from './clientConfiguration';
import { AttachArguments, launchAttributes, LaunchArguments, resolveLaunch } from './launchConfig';
import { LaunchedProgram, type ProgramHost } from './launchedProgram';
import { isMemoryFrame, OutsideThreads } from './outsideThreads';
import { ErrorId, FIX_ACTION_COMMANDS, FTPY_REQUESTS, type LocksArguments } from './protocol';
import { ReadOnlyAttach } from './readOnlyAttach';
import { checkArguments, samplesShown, scalingWish } from './requestArguments';

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

function isFtpyRequest(command: string): boolean {
  return (Object.values(FTPY_REQUESTS) as string[]).includes(command);
}

function isForwarded(command: string): command is AgentCommand {
  return (FORWARDED as readonly string[]).includes(command);
}

/** A DAP router over the session's one program: launched (with the agent inside it) or attached read-only. */
export class FtpyDebugSession extends LoggingDebugSession {
  /** Set by a launch (a restart replaces it). */
  private program?: LaunchedProgram;
  /** The client shows the runtime samples ('ftpy/runtimeSampling'): the program's memory is sampled. */
  private samplesShown = false;
  /** Set by an attach: it then answers every request. */
  private readOnly?: ReadOnlyAttach;
  /** The breakpoints and filters the client set; they outlive a restart's program. */
  private readonly configuration = new ClientConfiguration();
  private clientRunsInTerminal = false;
  /** No request but initialize is served before it (DAP's order; a stray client gets nothing done). */
  private initialized = false;
  /** The launch request's work, until it has answered. */
  private launching?: Promise<boolean>;
  private starting = false;

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
      this.program = await LaunchedProgram.start(args, await resolveLaunch(args), this.programHost());
      this.program.showSamples(this.samplesShown);
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

  /** Ends the program and starts it again with the same configuration, or the one the client sends; the breakpoints stay. */
  protected override async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments | undefined): Promise<void> {
    await this.answer(response, async () => {
      const previous = this.program;
      if (!previous) throw new UserFacingError('Only a launched program can be restarted: start a new session instead.');
      const next = (args?.arguments as LaunchArguments | undefined) ?? previous.args;
      const launch = await resolveLaunch(next); // a configuration in error leaves the program running
      this.program = undefined;
      await previous.replace();
      this.program = await LaunchedProgram.start(next, launch, this.programHost()).catch((error: unknown) => {
        this.sendEvent(new TerminatedEvent()); // the program is gone and no new one runs
        throw error;
      });
      this.program.showSamples(this.samplesShown);
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
    if (this.starting || this.program || this.readOnly)
      throw new UserFacingError('This debug session already has a program: start another debug session for another one.');
    this.starting = true;
  }

  /** What a launched program needs of this session. */
  private programHost(): ProgramHost {
    return {
      sendEvent: (event) => this.sendEvent(event),
      runInTerminal: this.clientRunsInTerminal ? this.runInClientTerminal : undefined,
      clientBreakpointIds: (ids) => this.configuration.clientIds(ids),
    };
  }

  private readonly runInClientTerminal: RunInTerminal = (command, cwd, env) =>
    new Promise((resolve, reject) => {
      this.runInTerminalRequest({ kind: 'integrated', title: 'Free-Threaded Python', cwd, args: command, env }, 10_000, (response) => {
        if (response.success) resolve();
        else reject(new Error(response.message ?? 'runInTerminal failed'));
      });
    });

  /** The 'ftpy/…' requests: locks, runtime snapshot, refcount, whether the runtime samples are shown. */
  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (command === FTPY_REQUESTS.locks) void this.answer(response, () => this.launched().locks((args as LocksArguments | undefined)?.stacks ?? false));
    else if (command === FTPY_REQUESTS.runtimeSampling)
      void this.answer(response, async () => {
        // The session's, not the program's: it may come before the launch has answered, and it outlives a restart.
        this.samplesShown = samplesShown(args);
        this.program?.showSamples(this.samplesShown);
        return undefined;
      });
    else if (command === FTPY_REQUESTS.scaling) void this.answer(response, () => this.launched().recordScaling(scalingWish(args)));
    else if (command === FTPY_REQUESTS.runtimeSnapshot || command === FTPY_REQUESTS.refcount)
      void this.answer(response, () => this.launched().runtimeRequest(command, args));
    else super.customRequest(command, response, args);
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    void this.answer(response, () => {
      const file = args?.source?.path;
      if (typeof file !== 'string' || !file) throw new UserFacingError('Breakpoints need a source file with a path.');
      return this.configuration.setBreakpoints(this.sendToAgent, { path: file, breakpoints: args.breakpoints ?? [] });
    });
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    void this.answer(response, async () => this.launched().stackTrace(args));
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
      return this.program ? this.program.threads() : { threads: [] };
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
    if (RESUMING.includes(command)) this.program?.resuming();
    void this.answer(new Response(request), async () => {
      await this.launching; // a client that does not wait for 'initialized' (configurationDone early) must not be lost
      return this.agent(command, request.arguments ?? {});
    });
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    void this.answer(response, async () => {
      await this.program?.terminate();
      return undefined;
    });
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments | undefined): void {
    void this.answer(response, async () => {
      await this.program?.disconnect(args?.terminateDebuggee !== false);
      return undefined;
    });
  }

  /** The launched program, or a UserFacingError when there is none (yet, or any more). */
  private launched(): LaunchedProgram {
    if (!this.program) throw new UserFacingError('The program is not running.');
    return this.program;
  }

  private agent<C extends AgentCommand>(command: C, args: AgentCommands[C][0]): Promise<AgentCommands[C][1]> {
    return this.launched().agent(command, args);
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
          // ftpy's own requests come from its views, which show a failure where they asked.
          showUser: !isFtpyRequest(response.command),
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

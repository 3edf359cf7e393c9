// The private channel between the debug adapter and the agent inside the debuggee
// (runtime/agent/ftpy_agent, started by runtime/agent/start/sitecustomize.py): JSON lines both ways, typed here once.
// Bodies are DAP-shaped, so the adapter forwards most of them unchanged.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { LockInfo, LockThreadInfo } from '../model/locks';
import type { CensusEntry, GcCollection, GilChange } from '../model/samples';

/** What python is told to run (agentStart.ts), and how the agent debugs it. */
export type AgentTarget = { program: string } | { module: string } | { code: string };
export type AgentOptions = AgentTarget & {
  stopAll: boolean;
  justMyCode: boolean;
  stopOnEntry: boolean;
  showReturnValue: boolean;
  trackLocks: boolean;
  /** Where the interpreter keeps its GC state, from the probe of its binary, when known: the agent
   * leaves immortalization to the program's first thread, as without a debugger, after checking
   * that the interpreter is the one these offsets are for (ftpy_agent/immortal.py). */
  gcState?: GcStateLayout;
};

/** Offsets of the interpreter's GC state (in PyInterpreterState) and of three of its fields, for the interpreter of `hexversion`. */
export interface GcStateLayout {
  hexversion: number;
  gc: number;
  immortalize: number;
  garbage: number;
  callbacks: number;
}

export interface OutsideThreadsInfo {
  idents: number[];
  hiddenFiles: string[];
}

/** The agent's first line: the one-time token it was given, the debuggee's process id, and how many threads of its own it starts (each then sends an agentThread event). */
export interface AgentHello {
  type: 'hello';
  token: string;
  pid: number;
  agentThreads: number;
}

type Empty = Record<string, never>;

export interface StackTraceBody {
  stackFrames: DebugProtocol.StackFrame[];
  totalFrames: number;
}
/** One answer of a `stackTraces` batch: the stack, or why the thread has none (it exited). */
export type StackTraceAnswer = { body: StackTraceBody } | { error: string };

/** A lock as lock tracking sees it, with the ids of the inner lock objects memory sees parked on. */
export type TrackedLockInfo = LockInfo & { aliases: string[] };

/** Lock tracking's view (launch attribute trackLocks). */
export interface AgentLocks {
  threads: LockThreadInfo[];
  locks: TrackedLockInfo[];
}

/** Each request the agent answers: [arguments, response body]. */
export interface AgentCommands {
  setBreakpoints: [{ path: string; breakpoints: DebugProtocol.SourceBreakpoint[] }, { breakpoints: DebugProtocol.Breakpoint[] }];
  setExceptionBreakpoints: [{ filters: string[] }, Empty];
  setFunctionBreakpoints: [DebugProtocol.SetFunctionBreakpointsArguments, { breakpoints: DebugProtocol.Breakpoint[] }];
  source: [DebugProtocol.SourceArguments, { content: string }];
  completions: [DebugProtocol.CompletionsArguments, { targets: DebugProtocol.CompletionItem[] }];
  configurationDone: [Empty, Empty];
  /** `outside`: at a stop-all, threads started from C that the agent does not know (threading.get_ident()), and the files of their frames it hides. */
  threads: [Empty, { threads: DebugProtocol.Thread[]; outside: OutsideThreadsInfo }];
  /** Several stackTrace requests in one message (see debug-adapter/stackTraceBatch.ts). */
  stackTraces: [{ requests: DebugProtocol.StackTraceArguments[] }, { answers: StackTraceAnswer[] }];
  scopes: [DebugProtocol.ScopesArguments, { scopes: DebugProtocol.Scope[] }];
  variables: [DebugProtocol.VariablesArguments, { variables: DebugProtocol.Variable[] }];
  evaluate: [DebugProtocol.EvaluateArguments, DebugProtocol.EvaluateResponse['body']];
  setVariable: [DebugProtocol.SetVariableArguments, DebugProtocol.SetVariableResponse['body']];
  setExpression: [DebugProtocol.SetExpressionArguments, DebugProtocol.SetExpressionResponse['body']];
  exceptionInfo: [DebugProtocol.ExceptionInfoArguments, DebugProtocol.ExceptionInfoResponse['body']];
  continue: [DebugProtocol.ContinueArguments, { allThreadsContinued: boolean }];
  next: [DebugProtocol.NextArguments, Empty];
  stepIn: [DebugProtocol.StepInArguments, Empty];
  stepOut: [DebugProtocol.StepOutArguments, Empty];
  pause: [DebugProtocol.PauseArguments, Empty];
  setInstructionBreakpoints: [DebugProtocol.SetInstructionBreakpointsArguments, { breakpoints: DebugProtocol.Breakpoint[] }];
  disassemble: [DebugProtocol.DisassembleArguments, { instructions: DebugProtocol.DisassembledInstruction[] }];
  disconnect: [Empty, Empty];
  /** The tracked locks; with `ifWaiting`, empty lists unless some thread waits (a cheap poll). */
  locks: [{ stacks?: boolean; ifWaiting?: boolean }, AgentLocks];
  /** Stops every thread now, reported as one stop of `threadId` (threads blocked in C stay blocked). */
  stopAll: [{ reason: string; threadId: number; description: string }, Empty];
  /** Objects by type; answered only while a thread is stopped (else an empty body). */
  census: [Empty, { census?: CensusEntry[] }];
}
export type AgentCommand = keyof AgentCommands;

export interface AgentRequest<C extends AgentCommand = AgentCommand> {
  type: 'request';
  id: number;
  command: C;
  arguments: AgentCommands[C][0];
}

export type AgentResponse = { type: 'response'; id: number; ok: true; body: unknown } | { type: 'response'; id: number; ok: false; message: string };

/** Events the agent sends on its own: [name, body]. */
export interface AgentEvents {
  stopped: DebugProtocol.StoppedEvent['body'];
  thread: DebugProtocol.ThreadEvent['body'];
  output: DebugProtocol.OutputEvent['body'];
  /** A finished garbage collection (from gc.callbacks). */
  gcCollection: GcCollection;
  /** An extension module that asked for the GIL was imported. */
  gilChange: GilChange;
  /** One of the agent's own threads started: never shown to the user. */
  agentThread: { threadId: number; nativeId: number };
}
export type AgentEvent = { [E in keyof AgentEvents]: { type: 'event'; event: E; body: AgentEvents[E] } }[keyof AgentEvents];

export type AgentMessage = AgentHello | AgentResponse | AgentEvent;

// The `ftpy` launch attributes, defined once: their schema (package.json's
// configurationAttributes is checked against it by test/dap/launchAttributes.test.ts),
// their defaults, and their resolution into a debuggee to start.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { parse as parseEnv } from 'dotenv';
import { UserFacingError } from '../runtime/errors';
import { describeInterpreter, type InterpreterInfo, requireFreeThreaded } from '../runtime/provision/interpreters';
import { readyRuntime } from '../runtime/provision/runtime';
import { knownOffsets } from '../runtime/probe/cache';
import type { AgentTarget } from '../runtime/agent/protocol';
import type { DebuggeeSpec, GilMode } from '../runtime/debuggee/debuggee';
import type { SessionInfoEventBody } from './protocol';

interface AttributeSchema {
  type: string | string[];
  description: string;
  default?: unknown;
  enum?: readonly string[];
  enumDescriptions?: readonly string[];
  items?: { type: string };
  additionalProperties?: { type: string[] };
}

export const launchAttributes = {
  program: { type: 'string', description: 'The Python file to debug (one of program, module, code).' },
  module: { type: 'string', description: 'A module to run as `python -m MODULE` (one of program, module, code).' },
  code: { type: 'string', description: 'Python source to run as `python -c CODE` (one of program, module, code).' },
  args: { type: 'array', items: { type: 'string' }, description: 'Command line arguments of the program.', default: [] },
  cwd: { type: 'string', description: "The program's working directory (default: the program's folder, else the adapter's).", default: '${workspaceFolder}' },
  env: { type: 'object', additionalProperties: { type: ['string', 'null'] }, description: 'Environment variables to set (null removes one).', default: {} },
  envFile: { type: 'string', description: 'A .env file (NAME=VALUE lines, read as dotenv reads them) added to the environment (env wins).' },
  python: { type: 'string', description: 'The free-threaded interpreter (default: the one chosen with "Select Interpreter", else ftpy\'s embedded runtime).' },
  gil: {
    type: 'string',
    enum: ['off', 'on', 'default'],
    enumDescriptions: ['Run with -X gil=0: the GIL stays off, even for modules that ask for it.', 'Run with -X gil=1.', 'Let the interpreter decide.'],
    description: 'The GIL of the debuggee.',
    default: 'off',
  },
  console: {
    type: 'string',
    enum: ['internalConsole', 'integratedTerminal'],
    description: "Where the program's output goes.",
    default: 'internalConsole',
  },
  stopOnEntry: { type: 'boolean', description: "Stop at the program's first line.", default: false },
  stopAll: { type: 'boolean', description: 'When one thread stops, stop all threads.', default: true },
  justMyCode: { type: 'boolean', description: 'Hide the standard library and installed packages in stacks and never step into them.', default: true },
  showReturnValue: { type: 'boolean', description: 'Show the value a function returned after stepping out of it.', default: true },
  trackLocks: {
    type: 'boolean',
    description:
      "Opt-in: also track owners of locks taken by bare acquire() calls, by replacing threading's and queue's lock objects with Python wrappers (their types, reprs and pickling change; lock-heavy code runs up to 1.25x slower). Off: the program's locks are untouched; owners of locks held in with blocks, RLocks and critical sections are read from memory.",
    default: false,
  },
  redirectOutput: { type: 'boolean', description: "Show the program's output in the Debug Console.", default: true },
  logToFile: {
    type: 'boolean',
    description:
      "Write the debug adapter's log (every DAP message, with environment values and evaluate results) to debug-adapter-PID.log in ftpy's log folder ($FTPY_HOME/logs, default ~/.cache/ftpy/logs), readable by you only; its path is shown in the Debug Console.",
    default: false,
  },
  runtimeSampling: {
    type: 'number',
    description:
      'Samples a second of threads, GC, refcount merges and eval-breaker signals for the runtime panel while it is visible, read from outside the program (0 = off; fewer for large programs).',
    default: 50,
  },
} as const satisfies Record<string, AttributeSchema>;

/** A read-only attach by process id (debug-adapter/readOnlyAttach.ts). */
export const attachAttributes = {
  processId: {
    type: ['number', 'string'],
    description: 'The id of the Python process to attach to, read-only: threads and stacks from its memory, nothing written to it.',
    default: '${command:ftpy.pickProcess}',
  },
} as const satisfies Record<string, AttributeSchema>;

const MAX_SAMPLING_HZ = 1000;

export type AttachArguments = DebugProtocol.AttachRequestArguments & { processId?: number | string };

type Schema = typeof launchAttributes;
type ValueOf<A> = A extends { enum: readonly (infer E)[] }
  ? E
  : A extends { type: 'boolean' }
    ? boolean
    : A extends { type: 'number' }
      ? number
      : A extends { type: 'array' }
        ? string[]
        : A extends { type: 'object' }
          ? Record<string, string | null>
          : string;

export type LaunchArguments = DebugProtocol.LaunchRequestArguments & { [K in keyof Schema]?: ValueOf<Schema[K]> };

/** package.json's `contributes.debuggers[0].configurationAttributes`. */
export function configurationAttributes(): { launch: { properties: Schema }; attach: { properties: typeof attachAttributes } } {
  return { launch: { properties: launchAttributes }, attach: { properties: attachAttributes } };
}

function withDefaults(args: LaunchArguments) {
  const value = <K extends keyof Schema>(name: K, fallback: ValueOf<Schema[K]>): ValueOf<Schema[K]> => (args[name] ?? fallback) as ValueOf<Schema[K]>;
  return {
    args: value('args', []),
    gil: value('gil', launchAttributes.gil.default) as GilMode,
    console: value('console', launchAttributes.console.default),
    stopOnEntry: value('stopOnEntry', launchAttributes.stopOnEntry.default),
    stopAll: value('stopAll', launchAttributes.stopAll.default),
    justMyCode: value('justMyCode', launchAttributes.justMyCode.default),
    showReturnValue: value('showReturnValue', launchAttributes.showReturnValue.default),
    trackLocks: value('trackLocks', launchAttributes.trackLocks.default),
    redirectOutput: value('redirectOutput', launchAttributes.redirectOutput.default),
    runtimeSampling: value('runtimeSampling', launchAttributes.runtimeSampling.default),
  };
}

export interface ResolvedLaunch {
  spec: DebuggeeSpec;
  /** The interpreter, as the client is told ('ftpy/sessionInfo'). */
  interpreter: SessionInfoEventBody;
  console: 'internalConsole' | 'integratedTerminal';
  redirectOutput: boolean;
  /** Runtime samples a second (0 = off). */
  runtimeSampling: number;
}

const JSON_TYPES: Record<string, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  boolean: (value) => typeof value === 'boolean',
  number: (value) => typeof value === 'number',
  null: (value) => value === null,
  array: Array.isArray,
  object: (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
};

function hasType(value: unknown, type: string | readonly string[]): boolean {
  return (typeof type === 'string' ? [type] : type).some((name) => JSON_TYPES[name]?.(value));
}

/** Checks the launch attributes that are set against their schema (types, enums, list items, object values). */
function checkAttributes(args: unknown): asserts args is LaunchArguments {
  if (!JSON_TYPES.object(args)) throw new UserFacingError('The launch configuration must be an object of attributes.');
  const given = args as Record<string, unknown>;
  for (const [name, schema] of Object.entries(launchAttributes) as [string, AttributeSchema][]) {
    const value = given[name];
    if (value === undefined) continue;
    const wrong = (what: string) =>
      new UserFacingError(`"${name}" must be ${what}, not ${JSON.stringify(value)?.slice(0, 80)}. Fix it in the launch configuration.`);
    if (!hasType(value, schema.type)) throw wrong(`a ${String(schema.type)}`);
    if (schema.enum && !schema.enum.includes(value as string)) throw wrong(`one of ${schema.enum.join(', ')}`);
    const items = schema.items;
    if (items && !(value as unknown[]).every((item) => hasType(item, items.type))) throw wrong(`a list of ${items.type}s`);
    const values = schema.additionalProperties;
    if (values && !Object.values(value as object).every((item) => hasType(item, values.type))) throw wrong(`an object of ${values.type.join(' or ')} values`);
  }
}

/** Checks a launch configuration and resolves it, or throws a UserFacingError saying what to fix. */
export async function resolveLaunch(args: LaunchArguments): Promise<ResolvedLaunch> {
  checkAttributes(args);
  const settings = withDefaults(args);
  const targets = (['program', 'module', 'code'] as const).filter((name) => args[name] !== undefined && args[name] !== '');
  if (targets.length === 0) throw new UserFacingError('Nothing to debug: set "program" (a Python file), "module" or "code" in the launch configuration.');
  if (targets.length > 1)
    throw new UserFacingError(`Set only one of "program", "module" and "code" in the launch configuration (it has ${targets.join(', ')}).`);
  if (!(settings.runtimeSampling >= 0 && settings.runtimeSampling <= MAX_SAMPLING_HZ)) {
    throw new UserFacingError(
      `"runtimeSampling" is ${JSON.stringify(args.runtimeSampling)}: set it to a number of samples a second from 0 (off) to ${MAX_SAMPLING_HZ}.`,
    );
  }
  const cwd = path.resolve(args.cwd ?? (args.program ? path.dirname(path.resolve(args.program)) : process.cwd()));
  if (!isDirectory(cwd)) throw new UserFacingError(`The working directory does not exist: ${cwd}. Fix "cwd" in the launch configuration.`);
  let target: AgentTarget;
  if (args.program) {
    const program = path.resolve(cwd, args.program);
    if (!isFile(program)) throw new UserFacingError(`Program not found: ${program}. Fix "program" in the launch configuration.`);
    target = { program };
  } else if (args.module) {
    target = { module: args.module };
  } else {
    target = { code: args.code ?? '' };
  }
  const info = await interpreter(args.python, settings.gil);
  const python = info.path;
  const offsets = knownOffsets(python);
  return {
    interpreter: {
      python,
      version: info.version,
      freeThreaded: info.freeThreaded,
      gilEnabled: settings.gil === 'on' || (settings.gil === 'default' && info.gilEnabledByDefault),
    },
    spec: {
      python,
      gil: settings.gil,
      cwd,
      env: environment(args, cwd),
      args: settings.args,
      options: {
        ...target,
        stopAll: settings.stopAll,
        justMyCode: settings.justMyCode,
        stopOnEntry: settings.stopOnEntry,
        showReturnValue: settings.showReturnValue,
        trackLocks: settings.trackLocks,
        gcState: offsets && {
          hexversion: offsets.python.hexversion,
          gc: offsets.interpreter_state.gc,
          immortalize: offsets.gc.immortalize,
          garbage: offsets.gc.garbage,
          callbacks: offsets.gc.callbacks,
        },
      },
    },
    console: settings.console,
    redirectOutput: settings.redirectOutput,
    runtimeSampling: settings.runtimeSampling,
  };
}

async function interpreter(chosen: string | undefined, gil: GilMode): Promise<InterpreterInfo> {
  const python = chosen ?? readyRuntime()?.python;
  if (!python) {
    throw new UserFacingError(
      'ftpy\'s embedded runtime is not installed yet: run "Install Embedded Runtime", or set "python" to a free-threaded interpreter (python3.13t).',
      'installRuntime',
    );
  }
  const info = await describeInterpreter(python);
  if (gil === 'off') requireFreeThreaded(info);
  else if (info.hexversion < 0x030c0000)
    throw new UserFacingError(`${python} is Python ${info.version}; the debugger needs Python 3.12 or later (sys.monitoring).`, 'selectInterpreter');
  return info;
}

function environment(args: LaunchArguments, cwd: string): NodeJS.ProcessEnv {
  const fromFile = args.envFile ? readEnvFile(path.resolve(cwd, args.envFile)) : {};
  const merged: Record<string, string | null | undefined> = { ...process.env, ...fromFile, ...args.env };
  return Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** The file as dotenv reads it: `export`, comments, quoted values with escapes, values on several lines. */
function readEnvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UserFacingError(`The env file does not exist: ${file}. Fix "envFile" in the launch configuration.`);
  }
  return parseEnv(text);
}

function isDirectory(file: string): boolean {
  return fs.statSync(file, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function isFile(file: string): boolean {
  return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}

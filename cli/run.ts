import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { UserFacingError } from '../runtime/errors';
import { agentStartEnvironment, type GilMode, pythonArguments } from '../runtime/agent/agentStart';
import { parseOptionsBeforeProgram } from './options';
import { programInterpreter } from './runtimeCommand';
import { UsageError } from './usage';

interface RunRequest {
  python: string | undefined;
  gil: GilMode;
  file: string;
  args: string[];
}

const RUN_USAGE = 'usage: ftpy run [--python PATH] [--gil off|on|default] FILE [ARGS...]';

export function parseRunArgs(args: string[]): RunRequest {
  const { values, program } = parseOptionsBeforeProgram('run', RUN_USAGE, args, { python: { type: 'string' }, gil: { type: 'string', default: 'off' } });
  const gil = values.gil;
  if (gil !== 'off' && gil !== 'on' && gil !== 'default') throw new UsageError(`ftpy run: --gil must be off, on or default, not '${gil}'`);
  const [file, ...programArgs] = program;
  if (file === undefined) throw new UsageError(`ftpy run: which file? (${RUN_USAGE})`);
  return { python: values.python, gil, file, args: programArgs };
}

/** `ftpy run`: runs the file with stdio, exit code and Ctrl-C passed through. */
export async function runCommand(args: string[]): Promise<number> {
  const request = parseRunArgs(args);
  const file = path.resolve(request.file);
  if (!fs.existsSync(file)) throw new UsageError(`ftpy run: ${request.file}: no such file`);
  if (!fs.statSync(file).isFile()) throw new UsageError(`ftpy run: ${request.file} is not a file`);
  const python = await programInterpreter(request.python);

  const child = spawn(python, pythonArguments(request.gil, { program: request.file }, request.args), {
    stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
    env: agentStartEnvironment(process.env, { mode: 'run', reportFd: 3 }),
  });
  const gilEvents: GilEvent[] = [];
  readline.createInterface({ input: child.stdio[3] as NodeJS.ReadableStream }).on('line', (line) => {
    try {
      gilEvents.push(JSON.parse(line) as GilEvent);
    } catch {
      // not ours
    }
  });
  const forward = (signal: NodeJS.Signals) => () => {
    // Ctrl-C in a terminal reaches the whole process group, python included: pass on
    // only what was sent to ftpy alone.
    if (signal !== 'SIGINT' || !process.stdin.isTTY) child.kill(signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const handlers = signals.map((signal) => [signal, forward(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);

  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', (error) => reject(new UserFacingError(`ftpy run: could not start ${python}: ${error.message}`)));
    child.on('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  });
  for (const [name, handler] of handlers) process.off(name, handler);
  const notice = gilNotice(gilEvents);
  if (notice) process.stderr.write(`${notice}\n`);
  if (signal) {
    process.kill(process.pid, signal); // die the same way, so the shell sees it
    return 128;
  }
  return code ?? 1;
}

export interface GilEvent {
  module: string;
  origin: string | null;
  importer: string | null;
  gil: 'enabled' | 'forced-off';
}

/** One line naming the module(s) that needed the GIL, or undefined. */
export function gilNotice(events: readonly GilEvent[]): string | undefined {
  const enabled = events.find((event) => event.gil === 'enabled');
  if (enabled) {
    return `ftpy: the GIL was re-enabled by importing '${enabled.module}'${at(enabled)}: it does not declare that it can run without the GIL (Py_mod_gil), so the rest of the run held the GIL.`;
  }
  const forced = events.filter((event) => event.gil === 'forced-off');
  if (forced.length === 0) return undefined;
  const names = forced.map((event) => `'${event.module}'${at(event)}`).join(', ');
  return `ftpy: ${names} ${forced.length === 1 ? 'does' : 'do'} not declare that ${forced.length === 1 ? 'it' : 'they'} can run without the GIL (Py_mod_gil) and would have re-enabled it; the GIL stayed off because ftpy runs with -X gil=0 (use --gil default to let it turn on).`;
}

function at(event: GilEvent): string {
  return event.importer ? ` (imported at ${event.importer})` : '';
}

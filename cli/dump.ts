// `ftpy dump [--json] [--offsets FILE] PID`: every thread's Python stack of a
// running free-threaded CPython, read from outside without stopping it.
// --offsets: the offsets probe's JSON to use instead of the interpreter's own.
import { isInspectError, ProcessReader, RuntimeSnapshot, ThreadSnapshot } from '../runtime/inspect';
import { offsetsFor } from '../runtime/probe/cache';
import { loadProbeOffsets, ProbeOffsets } from '../runtime/probe/offsets';

const USAGE = 'usage: ftpy dump [--json] [--offsets PROBE_JSON] PID';
const EXIT_ERROR = 2;

interface DumpArgs {
  pid: number;
  json: boolean;
  offsets?: string;
}

function parseArgs(args: string[]): DumpArgs | string {
  let json = false;
  let offsets: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--json') json = true;
    else if (arg === '--offsets') {
      offsets = args[++i];
      if (offsets === undefined) return '--offsets needs a file (the offsets probe JSON)';
    } else if (arg.startsWith('-')) return `unknown option ${arg}`;
    else positional.push(arg);
  }
  if (positional.length !== 1) return positional.length === 0 ? 'missing PID' : 'expected exactly one PID';
  if (!/^[1-9][0-9]{0,9}$/.test(positional[0])) return `PID must be a positive integer, not "${positional[0]}"`;
  return { pid: Number(positional[0]), json, offsets };
}

export async function dumpCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`ftpy dump: ${parsed} (${USAGE})\n`);
    return EXIT_ERROR;
  }
  const given = parsed.offsets === undefined ? undefined : loadProbeOffsets(parsed.offsets);
  if (parsed.offsets !== undefined && !given) {
    process.stderr.write(`ftpy dump: ${parsed.offsets} is not an offsets probe JSON file\n`);
    return EXIT_ERROR;
  }
  let snapshot: RuntimeSnapshot;
  try {
    const reader = ProcessReader.attach(parsed.pid);
    try {
      const probe = given ?? (await interpreterOffsets(reader));
      snapshot = reader.snapshot({ probe: typeof probe === 'string' ? undefined : probe });
      if (typeof probe === 'string') snapshot.unavailable.state = `thread states and eval-breaker unknown: ${probe}`;
    } finally {
      reader.close();
    }
  } catch (error) {
    if (!isInspectError(error)) throw error;
    process.stderr.write(`ftpy dump: ${error.message}\n`);
    return EXIT_ERROR;
  }
  process.stdout.write(parsed.json ? `${JSON.stringify(toJson(parsed.pid, snapshot))}\n` : toText(parsed.pid, snapshot));
  return 0;
}

/**
 * The probe's offsets for the target's interpreter (prebuilt for the embedded
 * runtime, else built once and cached), or why there are none: the dump works
 * without them, thread states and eval-breaker bits are then unknown.
 */
async function interpreterOffsets(reader: ProcessReader): Promise<ProbeOffsets | string> {
  const python = reader.interpreterPath();
  if (!python) return 'the process does not run a python executable the offsets probe can be built for';
  try {
    return await offsetsFor(python);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The documented `--json` shape (snake_case, frames innermost first). */
export function toJson(pid: number, snapshot: RuntimeSnapshot): object {
  return {
    pid,
    python: {
      version: snapshot.python.version,
      free_threaded: snapshot.python.freeThreaded,
      gil_enabled: snapshot.python.gilEnabled,
    },
    threads: snapshot.threads.map((thread) => ({
      thread_id: thread.threadId,
      native_id: thread.nativeId,
      name: thread.name,
      state: thread.state,
      eval_breaker: thread.evalBreaker,
      frames: thread.frames,
      ...(thread.torn === undefined ? {} : { torn: thread.torn }),
    })),
  };
}

function toText(pid: number, snapshot: RuntimeSnapshot): string {
  const { version, freeThreaded, gilEnabled } = snapshot.python;
  const build = `${freeThreaded ? 'free-threaded' : 'default build'}, GIL ${gilEnabled ? 'enabled' : 'disabled'}`;
  const lines = [`Process ${pid}: Python ${version} (${build}), ${snapshot.threads.length} threads`];
  for (const note of Object.values(snapshot.unavailable)) lines.push(`note: ${note}`);
  for (const thread of snapshot.threads) lines.push('', ...threadText(thread));
  return `${lines.join('\n')}\n`;
}

function threadText(thread: ThreadSnapshot): string[] {
  const name = thread.name === null ? '' : ` "${thread.name}"`;
  const state = thread.state === null ? '' : ` (${thread.state})`;
  const breaker = thread.evalBreaker.length === 0 ? '' : ` eval_breaker: ${thread.evalBreaker.join(', ')}`;
  const header = `Thread ${thread.nativeId} [0x${thread.threadId.toString(16)}]${name}${state}${breaker}`;
  const frames = thread.frames.map((frame) => `    ${frame.function} (${frame.file}:${frame.line ?? '?'})`);
  if (thread.torn !== undefined) frames.push(`    ... stack incomplete: ${thread.torn}`);
  return [header, ...frames];
}

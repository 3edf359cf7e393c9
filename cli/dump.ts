// `ftpy dump [--json] [--offsets FILE] PID`: every thread's Python stack of a
// running free-threaded CPython, read from outside without stopping it.
// --offsets: the offsets probe's JSON to use instead of the interpreter's own.
// --locks: also who holds and who waits for which lock, and the deadlocks among them.
import { isFtpyAgentThread, isInspectError, LocksReport, ProcessReader, RuntimeSnapshot, ThreadSnapshot } from '../runtime/inspect';
import { findCycles } from '../runtime/locks/waitForGraph';
import type { LockCycle } from '../runtime/model/locks';
import { openRuntime } from '../runtime/inspect/openRuntime';
import { loadProbeOffsets } from '../runtime/probe/offsets';
import { parseOptions } from './options';
import { UsageError } from './usage';

const USAGE = 'usage: ftpy dump [--json] [--locks] [--offsets PROBE_JSON] PID';
const EXIT_ERROR = 2;

interface DumpArgs {
  pid: number;
  json: boolean;
  locks: boolean;
  offsets?: string;
}

function parseDumpArgs(args: string[]): DumpArgs {
  const options = { json: { type: 'boolean', default: false }, locks: { type: 'boolean', default: false }, offsets: { type: 'string' } } as const;
  const { values, positionals } = parseOptions('dump', USAGE, args, options);
  const mistake =
    positionals.length !== 1
      ? positionals.length === 0
        ? 'missing PID'
        : 'expected exactly one PID'
      : !/^[1-9][0-9]{0,9}$/.test(positionals[0])
        ? `PID must be a positive integer, not "${positionals[0]}"`
        : undefined;
  if (mistake) throw new UsageError(`ftpy dump: ${mistake} (${USAGE})`);
  return { pid: Number(positionals[0]), json: values.json, locks: values.locks, offsets: values.offsets };
}

export async function dumpCommand(args: string[]): Promise<number> {
  const parsed = parseDumpArgs(args);
  const given = parsed.offsets === undefined ? undefined : loadProbeOffsets(parsed.offsets);
  if (parsed.offsets !== undefined && !given) {
    process.stderr.write(`ftpy dump: ${parsed.offsets} is not an offsets probe JSON file\n`);
    return EXIT_ERROR;
  }
  let snapshot: RuntimeSnapshot;
  let locks: DumpedLocks | undefined;
  try {
    const reader = await openRuntime(parsed.pid, { probe: given });
    try {
      ({ snapshot, locks } = parsed.locks ? readWithLocks(reader) : { snapshot: reader.snapshot(), locks: undefined });
    } finally {
      reader.close();
    }
  } catch (error) {
    if (!isInspectError(error)) throw error;
    process.stderr.write(`ftpy dump: ${error.message}\n`);
    return EXIT_ERROR;
  }
  const json = { ...toJson(parsed.pid, snapshot), ...(locks ? { locks } : {}) };
  process.stdout.write(parsed.json ? `${JSON.stringify(json)}\n` : toText(parsed.pid, snapshot) + (locks ? locksText(locks) : ''));
  return 0;
}

type DumpedLocks = (LocksReport & { cycles: LockCycle[] }) | { unknown: string };

/** The stacks with the locks and their deadlock cycles, or why the locks cannot be read (the stacks are printed all the same). */
function readWithLocks(reader: ProcessReader): { snapshot: RuntimeSnapshot; locks: DumpedLocks } {
  try {
    const { report, snapshot } = reader.locks();
    return { snapshot, locks: { ...report, cycles: findCycles(report.threads, report.locks) } };
  } catch (error) {
    if (!isInspectError(error)) throw error;
    return { snapshot: reader.snapshot(), locks: { unknown: `lock state unknown: ${error.message}` } };
  }
}

function locksText(dumped: DumpedLocks): string {
  if ('unknown' in dumped) return `\nnote: ${dumped.unknown}\n`;
  const threadName = (id: number) => {
    const thread = dumped.threads.find((candidate) => candidate.threadId === id);
    return thread ? `${thread.nativeId}${thread.name === null ? '' : ` "${thread.name}"`}` : `0x${id.toString(16)}`;
  };
  const lines = ['', `Locks (${dumped.locks.length} held or awaited):`];
  for (const lock of dumped.locks) {
    const owner = !lock.held
      ? 'free'
      : !lock.ownerKnown
        ? 'held, owner unknown'
        : lock.owners.length > 0
          ? `held by ${lock.owners.map(threadName).join(', ')}`
          : 'held';
    const count = lock.count === undefined ? '' : ` (count ${lock.count})`;
    const waiters = lock.waiters.length > 0 ? `; waiting: ${lock.waiters.map(threadName).join(', ')}` : '';
    lines.push(`  ${lock.label} [${lock.kind}]: ${owner}${count}${waiters}`);
  }
  for (const cycle of dumped.cycles) lines.push(cycle.description);
  for (const note of dumped.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The probe's offsets for the target's interpreter (prebuilt for the embedded
 * runtime, else built once and cached), or why there are none: the dump works
 * without them, thread states and eval-breaker bits are then unknown.
 */
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
      ...(isFtpyAgentThread(thread) ? { ftpy_agent: true } : {}),
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
  const name = `${thread.name === null ? '' : ` "${thread.name}"`}${isFtpyAgentThread(thread) ? ' [ftpy agent]' : ''}`;
  const state = thread.state === null ? '' : ` (${thread.state})`;
  const breaker = thread.evalBreaker.length === 0 ? '' : ` eval_breaker: ${thread.evalBreaker.join(', ')}`;
  const header = `Thread ${thread.nativeId} [0x${thread.threadId.toString(16)}]${name}${state}${breaker}`;
  const frames = thread.frames.map((frame) => `    ${frame.function} (${frame.file}:${frame.line ?? '?'})`);
  if (thread.torn !== undefined) frames.push(`    ... stack incomplete: ${thread.torn}`);
  return [header, ...frames];
}

// Benchmark: a full stack snapshot of a 64-thread x ~30-frame free-threaded process
// by our out-of-process reader vs gdb + CPython's own libpython.py (`py-bt`).
//
//   npx tsx bench/dump.ts [--python PYTHON] [--libpython PATH] [--rounds N]
//
// PYTHON: the free-threaded interpreter (default: $FTPY_TEST_PYTHON, else the embedded runtime).
// PATH: gdb's libpython.py of that same runtime (default: $FTPY_GDB_LIBPYTHON, else the
// embedded runtime's copy). Prints medians and the ratio measured in this run.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { promisify } from 'node:util';
import { snapshotProcess } from '../runtime/inspect';
import { openRuntime } from '../runtime/inspect/openRuntime';
import { readyRuntime } from '../runtime/provision/runtime';
import { startParked, stopProcess } from '../test/support/inspectFixture';

const run = promisify(execFile);

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function fail(message: string): never {
  process.stderr.write(`bench/dump: ${message}\n`);
  process.exit(2);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

interface Timing {
  wall: number;
  cpu: number;
}

/** Wall-clock and CPU (user + system) milliseconds of `action`; CPU time suffers less from a busy machine. */
function timed(action: () => void): Timing {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  action();
  const used = process.cpuUsage(cpu);
  return { wall: Number(process.hrtime.bigint() - start) / 1e6, cpu: (used.user + used.system) / 1000 };
}

/** Median timings of each action, run alternately so that neither profits from going second. */
function compare(rounds: number, actions: (() => void)[]): Timing[] {
  for (let i = 0; i < 5; i++) actions.forEach((action) => action()); // warm up the JIT
  const timings = actions.map((): Timing[] => []);
  for (let i = 0; i < rounds; i++) actions.forEach((action, which) => timings[which].push(timed(action)));
  return timings.map((list) => ({ wall: median(list.map((t) => t.wall)), cpu: median(list.map((t) => t.cpu)) }));
}

async function main(): Promise<void> {
  const python = option('--python') ?? process.env.FTPY_TEST_PYTHON ?? readyRuntime()?.python;
  if (!python) fail('no free-threaded interpreter: pass --python PATH, set FTPY_TEST_PYTHON, or provision the runtime (ftpy runtime)');
  const libpython = option('--libpython') ?? process.env.FTPY_GDB_LIBPYTHON ?? readyRuntime()?.gdbSupport;
  if (!libpython || !fs.statSync(libpython, { throwIfNoEntry: false })?.isFile()) {
    fail(
      `gdb's libpython.py of the runtime not found (${libpython ?? 'none given'}): pass --libpython PATH or set FTPY_GDB_LIBPYTHON (it is Tools/gdb/libpython.py of the CPython source the runtime was built from)`,
    );
  }
  const rounds = Number(option('--rounds') ?? 50);
  const gdbRounds = Number(option('--gdb-rounds') ?? 3);

  const parked = await startParked(python, 'deep');
  try {
    const frames = parked.reported.reduce((sum, thread) => sum + thread.frames.length, 0);
    process.stdout.write(`target: pid ${parked.pid}, ${parked.reported.length} threads, ${frames} Python frames\n`);

    // A long-lived reader (as the debug adapter keeps one): attach once, snapshot repeatedly.
    // And what `ftpy dump` does: attach (maps, ELF headers, /proc/PID/mem) + snapshot.
    const reader = await openRuntime(parked.pid);
    const probe = typeof reader.probe === 'string' ? undefined : reader.probe;
    if (!probe) process.stdout.write(`(thread states not read: ${reader.probe as string})\n`);
    let read = 0;
    const [warm, cold] = compare(rounds, [
      () => (read = reader.snapshot().threads.reduce((sum, t) => sum + t.frames.length, 0)),
      () => snapshotProcess(parked.pid, probe),
    ]);
    reader.close();
    if (read !== frames) fail(`our reader saw ${read} frames, the process reports ${frames}`);

    const gdb: number[] = [];
    let gdbFrames = 0;
    for (let i = 0; i < gdbRounds; i++) {
      const start = process.hrtime.bigint();
      const { stdout } = await run('gdb', ['-p', String(parked.pid), '-batch', '-nx', '-ex', `source ${libpython}`, '-ex', 'thread apply all py-bt'], {
        maxBuffer: 256 << 20,
      });
      gdb.push(Number(process.hrtime.bigint() - start) / 1e6);
      gdbFrames = stdout.split('\n').filter((line) => /^\s+File "/.test(line)).length;
    }

    const row = (name: string, wall: number, cpu?: number) =>
      `${name.padEnd(52)} ${wall.toFixed(2).padStart(10)} ms${cpu === undefined ? '' : `  (cpu ${cpu.toFixed(2)} ms)`}\n`;
    process.stdout.write(`median wall time (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)\n`);
    process.stdout.write(row(`ours, snapshot of an attached process (x${rounds})`, warm.wall, warm.cpu));
    process.stdout.write(row(`ours, attach + snapshot, as ftpy dump (x${rounds})`, cold.wall, cold.cpu));
    process.stdout.write(row(`gdb + libpython.py py-bt (x${gdbRounds}, ${gdbFrames} frames)`, median(gdb)));
    process.stdout.write(`ratio gdb / ours (attach + snapshot): ${(median(gdb) / cold.wall).toFixed(0)}x  (targets: ours < 10 ms, >= 20x faster)\n`);
  } finally {
    stopProcess(parked.child);
  }
}

main().catch((error: unknown) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));

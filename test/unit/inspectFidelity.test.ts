// `ftpy dump --json` against what real free-threaded processes report about
// themselves (sys._current_frames(), threading): thread for thread, frame for frame.
import * as assert from 'node:assert/strict';
import { testPython } from '../support/runtime';
import { runDump } from './dumpCli';
import { ParkedMode, ParkedProcess, probeFor, startParked, stopProcess } from '../support/inspectFixture';

interface DumpedThread {
  thread_id: number;
  native_id: number;
  name: string | null;
  state: string | null;
  eval_breaker: string[];
  frames: { function: string; file: string; line: number | null; offset: number }[];
  torn?: string;
}

interface Dump {
  pid: number;
  python: { version: string; free_threaded: boolean; gil_enabled: boolean };
  threads: DumpedThread[];
}

async function dumpJson(pid: number, extra: string[] = []): Promise<Dump> {
  const outcome = await runDump(['--json', ...extra, String(pid)]);
  assert.equal(outcome.code, 0, outcome.stderr);
  return JSON.parse(outcome.stdout) as Dump;
}

suite('inspect: ftpy dump matches the process itself', () => {
  let probeFile: string;
  let parked: ParkedProcess | undefined;

  suiteSetup(async function () {
    this.timeout(180_000);
    probeFile = (await probeFor(testPython())).file;
  });

  teardown(() => {
    stopProcess(parked?.child);
    parked = undefined;
  });

  async function checkFidelity(mode: ParkedMode, threadCount: number): Promise<Dump> {
    parked = await startParked(testPython(), mode);
    const dump = await dumpJson(parked.pid, ['--offsets', probeFile]);
    assert.equal(dump.pid, parked.pid);
    assert.equal(dump.python.free_threaded, true);
    assert.equal(dump.python.gil_enabled, false);
    assert.match(dump.python.version, /^3\.13\.\d+$/);
    assert.equal(parked.reported.length, threadCount);
    const byNativeId = new Map(dump.threads.map((thread) => [thread.native_id, thread]));
    assert.deepEqual([...byNativeId.keys()].sort(), parked.reported.map((thread) => thread.native_id).sort());
    for (const reported of parked.reported) {
      const dumped = byNativeId.get(reported.native_id) as DumpedThread;
      assert.equal(dumped.torn, undefined, `thread ${reported.name} torn`);
      assert.equal(dumped.thread_id, reported.thread_id);
      assert.equal(dumped.name, reported.name);
      assert.deepEqual(
        dumped.frames.map(({ function: fn, file, line }) => ({ function: fn, file, line })),
        reported.frames,
        `stack of thread ${reported.name}`,
      );
      // Every parked thread waits in C with its thread state detached.
      assert.equal(dumped.state, 'detached', `state of ${reported.name}`);
      assert.ok(Array.isArray(dumped.eval_breaker));
    }
    // Runtime order is newest first: the main thread, created first, comes last.
    assert.equal(dump.threads[dump.threads.length - 1].name, 'MainThread');
    return dump;
  }

  test('a few threads parked on an Event, a Lock, sleep, a Condition, in a generator, 400 calls deep', async () => {
    const dump = await checkFidelity('few', 8);
    assert.ok(dump.threads.some((thread) => thread.name === 'ünïcode-名前'));
  });

  test('the same with sys.monitoring LINE events on (instrumented bytecode)', async () => {
    await checkFidelity('monitored', 8);
  });

  test('64 threads', async () => {
    await checkFidelity('many', 65);
  });

  test('every thread deadlocked (AB-BA on two Locks)', async () => {
    await checkFidelity('deadlock', 4);
  });
});

// A free-threaded CPython that ftpy has no offsets probe for (no headers to build it against, no
// compiler on PATH, nothing cached): threads and stacks come from the interpreter's own
// _Py_DebugOffsets; what needs runtime internals says in one line that it is off and why; a probe
// measured for another build is refused, not used.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { FTPY_EVENTS, FTPY_REQUESTS, type LocksResponseBody, type RuntimeSampleEventBody } from '../../debug-adapter/protocol';
import { readyRuntime } from '../../runtime/provision/runtime';
import { AdapterProcess } from '../support/adapterProcess';
import { runFtpy } from '../support/cli';
import { defined, fixture, launchArgs, launchWithBreakpoints, marker, ProgramOutput, Stops, topFrames } from '../support/dap';
import { ParkedProcess, startParked, stopProcess } from '../support/inspectFixture';
import { testPython } from '../support/runtime';

const NO_PROBE = /the offsets probe for \S+ could not be built/;

/** A copy of the test interpreter without what the probe needs: its binary and standard library only. */
function bareInterpreter(dir: string): string {
  const real = fs.realpathSync(testPython());
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  const python = path.join(dir, 'bin', path.basename(real));
  fs.copyFileSync(real, python);
  fs.chmodSync(python, 0o755);
  fs.symlinkSync(path.join(path.dirname(path.dirname(real)), 'lib'), path.join(dir, 'lib'));
  return python;
}

suite('an interpreter ftpy has no offsets probe for', () => {
  let dir: string;
  let python: string;
  /** No cached probe (a fresh FTPY_HOME) and no compiler (PATH holds nothing). */
  let env: NodeJS.ProcessEnv;
  let parked: ParkedProcess | undefined;

  suiteSetup(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-bare-'));
    python = bareInterpreter(path.join(dir, 'python'));
    for (const folder of ['home', 'empty']) fs.mkdirSync(path.join(dir, folder));
    env = { FTPY_HOME: path.join(dir, 'home'), PATH: path.join(dir, 'empty') };
  });
  suiteTeardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  teardown(() => stopProcess(parked?.child));

  test('a debug session stops at breakpoints and shows a thread started from C; the views that need the probe say once why they are off', async () => {
    const adapter = new AdapterProcess(env);
    try {
      const client = adapter.client;
      const program = fixture('dap_c_thread.py');
      const stops = new Stops(client);
      const output = new ProgramOutput(client);
      // The batch that says why the panels stay empty (others may carry the agent's collections).
      const unavailable = new Promise<string>((resolve) =>
        client.on(FTPY_EVENTS.runtimeSample, (event: DebugProtocol.Event) => {
          const why = (event.body as RuntimeSampleEventBody).unavailable;
          if (why) resolve(why);
        }),
      );
      await launchWithBreakpoints(client, launchArgs(program, { python }), [{ path: program, lines: [marker(program, 'main_stops')] }]);
      const main = defined((await stops.expect('breakpoint')).body.threadId, 'the main thread');
      const fromC = (await client.threadsRequest()).body.threads.filter((thread) => thread.id !== main);
      assert.equal(fromC.length, 1, JSON.stringify(fromC));
      const [top] = await topFrames(client, defined(fromC[0], 'the C thread').id);
      assert.deepEqual([top?.name, top?.line], ['from_c', marker(program, 'c_waits')]);

      const locks = (await client.customRequest(FTPY_REQUESTS.locks, {})).body as LocksResponseBody;
      assert.match(locks.notes.join('\n'), /Locks from memory are not available .*the offsets probe for/);
      await assert.rejects(
        client.customRequest(FTPY_REQUESTS.runtimeSnapshot, {}),
        /The runtime panels have no data: the offsets probe for \S+ could not be built/,
      );
      assert.match(await unavailable, /^No samples of the program's memory .*: the offsets probe for \S+ could not be built/, 'the panels are told why');
      const said = output.console.split('\n').filter((line) => NO_PROBE.test(line));
      assert.equal(said.length, 1, output.console);
      assert.match(said[0] ?? '', /the runtime panels are off; threads started from C .* work as ever/);

      await client.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
      await client.continueRequest({ threadId: main });
      assert.equal(await output.exitCode, 0);
    } finally {
      await adapter.stop();
    }
  });

  test('ftpy dump prints every thread stack as sys._current_frames() has it, and says thread states are unknown', async () => {
    parked = await startParked(python, 'few');
    const dumped = await runFtpy(['dump', '--json', String(parked.pid)], { env: { ...process.env, ...env } });
    assert.equal(dumped.code, 0, dumped.stderr);
    const threads = (
      JSON.parse(dumped.stdout) as { threads: { native_id: number; state: string | null; frames: { function: string; file: string; line: number }[] }[] }
    ).threads;
    assert.deepEqual(threads.map((thread) => thread.native_id).sort(), parked.reported.map((thread) => thread.native_id).sort());
    for (const reported of parked.reported) {
      const thread = defined(
        threads.find((candidate) => candidate.native_id === reported.native_id),
        `thread ${reported.name}`,
      );
      assert.deepEqual(
        thread.frames.map(({ function: name, file, line }) => ({ function: name, file, line })),
        reported.frames,
      );
      assert.equal(thread.state, null);
    }
    const text = await runFtpy(['dump', String(parked.pid)], { env: { ...process.env, ...env } });
    assert.match(text.stdout, /note: thread states and eval-breaker unknown: the offsets probe for \S+ could not be built \(cannot build the offsets probe/);
  });

  test('a probe measured for another build is refused, not used: ftpy dump says so and reads the stacks without it', async () => {
    parked = await startParked(python, 'few');
    const measured = JSON.parse(fs.readFileSync(defined(readyRuntime(), 'the embedded runtime').offsets, 'utf8')) as { python: { hexversion: number } };
    const wrong = path.join(dir, 'wrong-offsets.json');
    fs.writeFileSync(wrong, JSON.stringify({ ...measured, python: { ...measured.python, version: '3.13.0', hexversion: 0x30d00f0 } }));
    const text = await runFtpy(['dump', '--locks', '--offsets', wrong, String(parked.pid)], { env: { ...process.env, ...env } });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /note: thread states and eval-breaker unknown: the probe offsets are for Python 3\.13\.0, not for the target's 3\.13\.\d+/);
    assert.match(text.stdout, /note: lock state unknown: the probe offsets are for Python 3\.13\.0/);
    assert.match(text.stdout, /sleep_long \(\S+inspect_parked\.py:\d+\)/);
    assert.doesNotMatch(text.stdout, /\((attached|detached|suspended)\)/, 'no thread state read with the wrong offsets');
  });
});

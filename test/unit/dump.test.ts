// `ftpy dump`: its human format and its one-line errors (exit code 2).
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { testPython } from '../support/runtime';
import { DumpOutcome, runDump } from './dumpCli';
import { ParkedProcess, startParked, stopProcess } from '../support/inspectFixture';

const dump = runDump;

function assertOneLineError(outcome: DumpOutcome, pattern: RegExp): void {
  assert.equal(outcome.code, 2, outcome.stderr);
  assert.equal(outcome.stdout, '');
  assert.equal(outcome.stderr.trimEnd().split('\n').length, 1, outcome.stderr);
  assert.match(outcome.stderr.trimEnd(), pattern);
}

/** A python of pyenv, or undefined when this machine has none of that version. */
function pyenvPython(version: string): string | undefined {
  const root = process.env.PYENV_ROOT ?? path.join(process.env.HOME ?? '/root', '.pyenv');
  const python = path.join(root, 'versions', version, 'bin', `python${version.split('.').slice(0, 2).join('.')}`);
  return fs.existsSync(python) ? python : undefined;
}

/** Starts `command` and waits until it has mapped its interpreter (its maps name `mapped`). */
async function startWaiting(command: string, args: string[], mapped: string): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: 'ignore' });
  for (let i = 0; i < 250; i++) {
    const maps = fs.existsSync(`/proc/${child.pid}/maps`) ? fs.readFileSync(`/proc/${child.pid}/maps`, 'utf8') : '';
    if (maps.includes(mapped)) return child;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  throw new Error(`${command} did not start`);
}

suite('ftpy dump', () => {
  let child: ChildProcess | undefined;
  let parked: ParkedProcess | undefined;

  teardown(() => {
    stopProcess(child);
    stopProcess(parked?.child);
    child = parked = undefined;
  });

  test("prints every thread stack, py-spy style, with states from the interpreter's own offsets", async () => {
    parked = await startParked(testPython(), 'few');
    const outcome = await dump([String(parked.pid)]);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stdout, new RegExp(`^Process ${parked.pid}: Python 3\\.13\\.\\d+ \\(free-threaded, GIL disabled\\), 8 threads`));
    for (const thread of parked.reported) {
      assert.ok(outcome.stdout.includes(`Thread ${thread.native_id} [0x${thread.thread_id.toString(16)}] "${thread.name}" (detached)`), thread.name);
    }
    assert.match(outcome.stdout, /\n {4}sleep_long \(\S+inspect_parked\.py:\d+\)\n/);
  });

  test('a free-threaded build run with the GIL on (-X gil=1) says so', async () => {
    child = spawn(testPython(), ['-X', 'gil=1', '-c', 'import time; print("ready", flush=True); time.sleep(60)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise((resolve) => child?.stdout?.once('data', resolve));
    const outcome = await dump(['--json', String(child.pid)]);
    assert.equal(outcome.code, 0, outcome.stderr);
    const { python } = JSON.parse(outcome.stdout) as { python: { free_threaded: boolean; gil_enabled: boolean } };
    assert.deepEqual(python, { ...python, free_threaded: true, gil_enabled: true });
  });

  for (const [args, pattern] of [
    [[], /missing PID.*usage: ftpy dump/],
    [['abc'], /PID must be a positive integer, not "abc".*usage/],
    [['-5'], /unknown option '-5'.*usage/],
    [['0'], /positive integer/],
    [['1', '2'], /exactly one PID/],
    [['--jsn', '1'], /unknown option '--jsn'/],
    [['--offsets'], /--offsets needs a value \(usage: ftpy dump .*--offsets PROBE_JSON/],
    [['--json=yes', '1'], /--json takes no value/],
  ] as [string[], RegExp][]) {
    test(`bad arguments ${JSON.stringify(args)}: usage, exit 2`, async () => {
      assertOneLineError(await dump(args), pattern);
    });
  }

  test('an offsets file that is not probe output is refused', async () => {
    assertOneLineError(await dump(['--offsets', __filename, '1']), /is not an offsets probe JSON file/);
  });

  test('a PID that does not exist', async () => {
    const pidMax = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
    assertOneLineError(await dump([String(pidMax + 1)]), /^ftpy dump: no such process: \d+$/);
  });

  test('a process that is not Python', async () => {
    child = spawn('sleep', ['60'], { stdio: 'ignore' });
    assertOneLineError(await dump([String(child.pid)]), /not a Python process: no python executable or libpython is mapped/);
  });

  test('a GIL build of CPython 3.13 is refused, naming what is supported', async function () {
    const python = pyenvPython('3.13.0');
    if (!python) return this.skip();
    child = await startWaiting(python, ['-c', 'import time; time.sleep(60)'], 'libpython3.13');
    assertOneLineError(
      await dump([String(child.pid)]),
      /CPython 3\.13\.0 with the GIL .* not supported: this reader supports free-threaded CPython 3\.13 \(python3\.13t\)/,
    );
  });

  test('CPython 3.12 is refused as an unsupported version', async function () {
    const python = pyenvPython('3.12.1');
    if (!python) return this.skip();
    child = await startWaiting(python, ['-c', 'import time; time.sleep(60)'], 'libpython3.12');
    assertOneLineError(await dump([String(child.pid)]), /CPython 3\.12 .*not supported: this reader supports free-threaded CPython 3\.13/);
  });

  test("another user's process: permission denied, naming the ptrace permission", async function () {
    if (process.getuid?.() !== 0) return this.skip(); // needs root to run the dump as another user
    parked = await startParked(testPython(), 'few');
    const nobody = 65534;
    assertOneLineError(await dump([String(parked.pid)], nobody), /permission denied .*ptrace.*(CAP_SYS_PTRACE)/);
  });
});

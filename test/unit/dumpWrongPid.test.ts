// `ftpy dump` on more kinds of wrong PID: a zombie, a process that is not Python (this test
// runner), a thread id instead of a process id, processes caught while starting up.
// Each gets a dump or one clear line (exit 2), never an internal error.
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { testPython } from '../support/runtime';
import { DumpOutcome, runDump } from './dumpCli';

function oneLineError(outcome: DumpOutcome, pattern: RegExp): void {
  assert.equal(outcome.code, 2, outcome.stderr);
  assert.equal(outcome.stderr.trimEnd().split('\n').length, 1, outcome.stderr);
  assert.match(outcome.stderr, pattern);
}

/** Starts python with `code`, which prints one line once ready; resolves with that line. */
async function startPython(code: string): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(testPython(), ['-X', 'gil=0', '-c', code], { stdio: ['ignore', 'pipe', 'ignore'] });
  const line = await new Promise<string>((resolve) => child.stdout?.once('data', (data: Buffer) => resolve(data.toString().trim())));
  return { child, line };
}

suite('ftpy dump: wrong PIDs', () => {
  const children: ChildProcess[] = [];
  teardown(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  test('a zombie (exited, not yet reaped)', async () => {
    const parent = await startPython('import os, time\npid = os.fork()\nif pid == 0: os._exit(0)\nprint(pid, flush=True)\ntime.sleep(60)');
    children.push(parent.child);
    oneLineError(await runDump([parent.line]), /^ftpy dump: (no such process|not a Python process|process \d+ has exited)/);
  });

  test('a process that is not Python: the test runner itself', async () => {
    oneLineError(await runDump([String(process.pid)]), /not a Python process/);
  });

  test("a thread id of a Python process: the process's threads", async () => {
    const python = await startPython(
      'import threading, time\nt = threading.Thread(target=time.sleep, args=(60,))\nt.start()\nprint(t.native_id, flush=True)\nt.join()',
    );
    children.push(python.child);
    const outcome = await runDump([python.line]);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stdout, new RegExp(`Thread ${python.line} `));
  });

  test('processes caught while they start up or end: a dump or one clear line, never an internal error', async () => {
    for (let i = 0; i < 8; i++) {
      const child = spawn(testPython(), ['-X', 'gil=0', '-c', 'pass'], { stdio: 'ignore' });
      children.push(child);
      await new Promise((resolve) => setTimeout(resolve, i * 15));
      const outcome = await runDump([String(child.pid)]);
      assert.ok(
        outcome.code === 0 || (outcome.code === 2 && outcome.stderr.trimEnd().split('\n').length === 1),
        `run ${i}: code ${outcome.code}: ${outcome.stderr}`,
      );
    }
  });
});

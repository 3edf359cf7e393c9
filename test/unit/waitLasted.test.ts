// Memory-only deadlock detection reads the whole process only once a thread has stayed in one
// wait for LASTING_WAIT_MS (DebuggeeMemory.waitLasted, from /proc): checked on real processes,
// the looks' instants given.
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { DebuggeeMemory, LASTING_WAIT_MS } from '../../debug-adapter/debuggeeMemory';
import { AgentThreads } from '../../runtime/debuggee/agentThreads';
import { readFutexWaits } from '../../runtime/inspect/threadWaits';
import { testPython } from '../support/runtime';

function startPython(code: string): Promise<ChildProcess> {
  const child = spawn(testPython(), ['-X', 'gil=0', '-c', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout.once('data', () => resolve(child)));
}

/** Resolves once the process's main thread sleeps in a futex wait (printing "ready" comes just before it). */
async function inFutexWait(pid: number): Promise<void> {
  while (!readFutexWaits(pid).has(pid)) await new Promise((resolve) => setImmediate(resolve));
}

suite('deadlock watch without lock tracking: the cheap look', () => {
  let child: ChildProcess | undefined;
  teardown(() => child?.kill('SIGKILL'));

  test('a thread blocked on a lock is seen once its wait has lasted LASTING_WAIT_MS, and only once', async () => {
    child = await startPython('import threading\nlock = threading.Lock(); lock.acquire()\nprint("ready", flush=True)\nlock.acquire()');
    const pid = child.pid ?? 0;
    await inFutexWait(pid);
    const memory = DebuggeeMemory.ofLaunch(pid, testPython(), new AgentThreads());
    assert.equal(memory.waitLasted(0), false, 'the wait is seen for the first time');
    assert.equal(memory.waitLasted(LASTING_WAIT_MS - 1), false, 'not long enough yet');
    assert.equal(memory.waitLasted(LASTING_WAIT_MS), true, 'it has lasted');
    assert.equal(memory.waitLasted(2 * LASTING_WAIT_MS), false, 'the same wait again: already read for');
    memory.close();
  });

  test('threads that only compute are never read', async () => {
    const code =
      'import threading\ndef spin():\n    while True: pass\nfor _ in range(2): threading.Thread(target=spin, daemon=True).start()\nprint("ready", flush=True)\nspin()';
    child = await startPython(code);
    const memory = DebuggeeMemory.ofLaunch(child.pid ?? 0, testPython(), new AgentThreads());
    for (let look = 0; look < 5; look++) assert.equal(memory.waitLasted(look * LASTING_WAIT_MS), false);
    memory.close();
  });
});

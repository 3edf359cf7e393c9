// Memory-only deadlock detection reads the whole process only once a thread has stayed in one
// wait since the last look (DebuggeeMemory.waitLasted, from /proc): checked on real processes.
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { DebuggeeMemory } from '../../debug-adapter/debuggeeMemory';
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

  test('a thread blocked on a lock is seen at the second look, once there is a first to compare with', async () => {
    child = await startPython('import threading\nlock = threading.Lock(); lock.acquire()\nprint("ready", flush=True)\nlock.acquire()');
    const pid = child.pid ?? 0;
    await inFutexWait(pid);
    const memory = DebuggeeMemory.ofLaunch(pid, testPython(), new AgentThreads());
    assert.equal(memory.waitLasted(), false, 'nothing to compare with yet');
    assert.equal(memory.waitLasted(), true, 'seen at the second look');
    memory.close();
  });

  test('threads that only compute are never read', async () => {
    const code =
      'import threading\ndef spin():\n    while True: pass\nfor _ in range(2): threading.Thread(target=spin, daemon=True).start()\nprint("ready", flush=True)\nspin()';
    child = await startPython(code);
    const memory = DebuggeeMemory.ofLaunch(child.pid ?? 0, testPython(), new AgentThreads());
    for (let look = 0; look < 5; look++) assert.equal(memory.waitLasted(), false);
    memory.close();
  });
});

import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { listPythonProcesses } from '../../runtime/inspect';
import { testPython } from '../support/runtime';

function started(command: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    // Both print once running, so their maps are those of the final program, not of a fork.
    child.stdout?.once('data', () => resolve(child));
  });
}

suite('listPythonProcesses (ftpy.pickProcess)', () => {
  const children: ChildProcess[] = [];
  teardown(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  test('lists a running Python with its command line and interpreter binary, not other programs', async () => {
    const python = await started(testPython(), ['-X', 'gil=0', '-c', 'import time; print("ready", flush=True); time.sleep(60)  # pick-me']);
    const shell = await started('sh', ['-c', 'echo ready; exec sleep 60']);
    children.push(python, shell);
    const processes = listPythonProcesses();
    const found = processes.find((entry) => entry.pid === python.pid);
    assert.ok(found, `pid ${python.pid} listed`);
    assert.match(found.commandLine, /^\S*python\S* -X gil=0 -c .*# pick-me$/);
    assert.equal(found.binary, fs.realpathSync(testPython()));
    assert.ok(!processes.some((entry) => entry.pid === shell.pid), 'sleep is not listed');
    assert.ok(!processes.some((entry) => entry.pid === process.pid), 'the caller is not listed');
    assert.deepEqual(
      processes.map((entry) => entry.pid),
      [...processes.map((entry) => entry.pid)].sort((a, b) => a - b),
    );
  });
});

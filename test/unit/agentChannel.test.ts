// The agent's channel (runtime/agent/ftpy_agent/channel.py) in the real interpreter: program code
// that runs inside a send and waits for another thread that sends must not deadlock the two.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { agentDir } from '../../runtime/packageRoot';
import { fixtures } from '../support/cli';
import { testPython } from '../support/runtime';

suite('the agent channel', () => {
  test('a thread that finds another sending queues its message instead of waiting (the sender may be waiting for it)', async () => {
    const printed = await new Promise<string>((resolve, reject) =>
      execFile(testPython(), ['-X', 'gil=0', `${fixtures}/channel_reentry.py`, agentDir()], { timeout: 30_000 }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    );
    assert.deepEqual(printed.trim().split('\n'), ['hello', '"first"', '"second"']);
  });
});

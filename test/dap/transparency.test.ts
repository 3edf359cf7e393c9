import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { testPython } from '../support/runtime';
import { fixture, launchArgs, launchWithBreakpoints, ProgramOutput, startClient } from './support';

/** The program's stdout under a debug session with default settings; every stop is continued. */
async function debuggedOutput(client: DebugClient, program: string, breakpoints: { path: string; lines: number[] }[] = []): Promise<string> {
  const output = new ProgramOutput(client);
  client.on('stopped', (event: DebugProtocol.StoppedEvent) => void client.continueRequest({ threadId: event.body.threadId ?? 0 }));
  await launchWithBreakpoints(client, launchArgs(program), breakpoints);
  assert.equal(await output.exitCode, 0, output.text);
  return output.text;
}

function plainOutput(program: string): string {
  return execFileSync(testPython(), ['-X', 'gil=0', '-W', 'ignore::DeprecationWarning', program], { encoding: 'utf8' });
}

suite('DAP: the program sees nothing of ftpy (default settings)', () => {
  let client: DebugClient;
  setup(async () => (client = await startClient()));
  teardown(() => client.stop());

  test('thread start functions, hooks, lock types, thread stacks, unraisable and excepthook arguments are as under python', async () => {
    const program = fixture('transparency.py');
    assert.equal(await debuggedOutput(client, program), plainOutput(program));
  });

  test('a child forked while other threads start new code runs at once, never waiting for the agent', async () => {
    const program = fixture('fork_while_threads_run.py');
    const text = await debuggedOutput(client, program);
    assert.match(text, /^40 of 40 children exited cleanly$/m, text);
  });
});

import * as assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { censusIn, immortalParity, plainCensus } from '../support/immortality';
import { testPython } from '../support/runtime';
import {
  defined,
  evaluate,
  fixture,
  isAlive,
  launchArgs,
  launchWithBreakpoints,
  marker,
  ProgramOutput,
  Stops,
  startClient,
  threadNamed,
  topFrames,
} from '../support/dap';

const blocked = fixture('dap_blocked.py');

suite('DAP: blocked threads, terminate, exit code, output', () => {
  let client: DebugClient;
  setup(async () => (client = await startClient()));
  teardown(() => client.stop());

  test('a thread blocked in lock.acquire is shown with its stack, marked blocked; terminate leaves no process', async () => {
    const stops = new Stops(client);
    await launchWithBreakpoints(client, launchArgs(blocked), [{ path: blocked, lines: [marker(blocked, 'main_stop')] }]);
    const stop = await stops.expect('breakpoint');
    assert.equal(stop.body.allThreadsStopped, true);
    const main = defined(stop.body.threadId, 'a thread');
    const waiter = await threadNamed(client, 'waiter');
    const frames = await topFrames(client, waiter);
    assert.equal(frames[0]?.presentationHint, 'label');
    assert.match(defined(frames[0], 'a label').name, /blocked outside Python/);
    assert.deepEqual([frames[1]?.name, frames[1]?.line], ['wait_for_lock', marker(blocked, 'blocked_wait')]);

    const top = defined((await topFrames(client, main))[0], 'a frame');
    const [pid, childPid] = JSON.parse(await evaluate(client, top.id, 'list((os.getpid(), child.pid))')) as number[];
    assert.ok(isAlive(defined(pid, 'pid')) && isAlive(defined(childPid, 'child pid')));
    const terminated = client.waitForEvent('terminated');
    await client.terminateRequest({});
    await terminated;
    assert.ok(!isAlive(defined(pid, 'pid')), 'the debuggee is gone');
    assert.ok(!isAlive(defined(childPid, 'child pid')), "the debuggee's child is gone");
  });

  test('the program and its children end when the adapter dies', async () => {
    const doomed = await startClient(); // its adapter is killed, so teardown cannot stop it
    const stops = new Stops(doomed);
    await launchWithBreakpoints(doomed, launchArgs(blocked), [{ path: blocked, lines: [marker(blocked, 'main_stop')] }]);
    const top = defined((await topFrames(doomed, defined((await stops.expect('breakpoint')).body.threadId, 'a thread')))[0], 'a frame');
    const [pid, childPid, adapterPid] = JSON.parse(await evaluate(doomed, top.id, 'list((os.getpid(), child.pid, os.getppid()))')) as number[];
    process.kill(defined(adapterPid, 'the adapter pid'), 'SIGKILL');
    for (let waited = 0; waited < 5000 && (isAlive(defined(pid, 'pid')) || isAlive(defined(childPid, 'child pid'))); waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(!isAlive(defined(pid, 'pid')) && !isAlive(defined(childPid, 'child pid')), 'no process left');
  });

  test('configurationDone sent before the launch has answered (no wait for initialized) still starts the program', async () => {
    const output = new ProgramOutput(client);
    await client.initializeRequest();
    const launched = client.launchRequest(launchArgs(undefined, { code: "print('ran')" }));
    await client.configurationDoneRequest();
    await launched;
    assert.equal(await output.exitCode, 0);
    assert.match(output.text, /^ran$/m);
  });

  test('threads started with _thread are listed, with started and exited events', async () => {
    const program = fixture('dap_raw_thread.py');
    const stops = new Stops(client);
    const events: string[] = [];
    client.on('thread', (event: { body: { reason: string; threadId: number } }) => events.push(`${event.body.reason} ${event.body.threadId}`));
    await launchWithBreakpoints(client, launchArgs(program), [{ path: program, lines: [marker(program, 'raw_alive')] }]);
    const main = defined((await stops.expect('breakpoint')).body.threadId, 'a thread');
    const threads = (await client.threadsRequest()).body.threads;
    assert.equal(threads.length, 2);
    const raw = defined(
      threads.find((thread) => thread.id !== main),
      'the _thread thread',
    );
    assert.match(raw.name, new RegExp(`\\[${raw.id}\\]$`));
    const frames = await topFrames(client, raw.id);
    assert.ok(frames.some((frame) => frame.name === 'raw'));
    const exited = client.waitForEvent('exited');
    await client.continueRequest({ threadId: main });
    await exited;
    assert.deepEqual(events, [`started ${raw.id}`, `exited ${raw.id}`]);
  });

  test('the exit code is reported after all output; the token and the agent do not leak into the program', async () => {
    const output = new ProgramOutput(client);
    const lines = 2000;
    const code = [
      'import os, subprocess, sys',
      `for i in range(${lines}): print('line', i)`,
      "child = subprocess.run([sys.executable, '-c', 'import os; print(os.environ.get(\"FTPY_AGENT_TOKEN\"))'], capture_output=True, text=True)",
      "print('token', os.environ.get('FTPY_AGENT_TOKEN'), child.stdout.strip(), 'argv', sys.argv, 'path0', repr(sys.path[0]))",
      "print('to stderr', file=sys.stderr)",
      'sys.exit(7)',
    ].join('\n');
    await launchWithBreakpoints(client, launchArgs(undefined, { code, args: ['a1'] }));
    assert.equal(await output.exitCode, 7);
    assert.equal(output.text.split('\n').filter((text) => text.startsWith('line ')).length, lines);
    assert.match(output.text, /line 1999\n/);
    assert.match(output.text, /to stderr\n/);
    assert.match(output.text, /token None None argv \['-c', 'a1'\] path0 ''\n/);
  });

  test("the program's functions and constants are as immortal as under plain python, despite the agent's threads", async () => {
    const output = new ProgramOutput(client);
    await launchWithBreakpoints(client, launchArgs(immortalParity));
    assert.equal(await output.exitCode, 0, output.text);
    const expected = plainCensus(testPython());
    assert.equal(expected.after["imported function's code"], true, 'the ground truth itself: the first thread immortalizes code');
    assert.deepEqual(censusIn(output.text), expected);
  });

  test('stopOnEntry stops at the first line of the program', async () => {
    const stops = new Stops(client);
    await launchWithBreakpoints(client, launchArgs(blocked, { stopOnEntry: true }));
    const stop = await stops.expect('entry');
    const top = defined((await topFrames(client, defined(stop.body.threadId, 'a thread')))[0], 'a frame');
    assert.deepEqual([top.name, top.line, top.source?.path], ['<module>', marker(blocked, 'first'), blocked]);
  });
});

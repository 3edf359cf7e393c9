import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { defined, evaluate, fixture, isAlive, launchArgs, launchWithBreakpoints, marker, ProgramOutput, Stops, startClient, topFrames } from '../support/dap';

const program = fixture('dap_conditions.py');

suite('DAP: restart, logToFile', () => {
  let client: DebugClient;
  setup(async () => (client = await startClient()));
  teardown(() => client.stop());

  /** The debuggee's pid and its sys.argv[1:] (as Python shows it), evaluated where the thread stopped. */
  async function programAt(stop: DebugProtocol.StoppedEvent): Promise<{ pid: number; args: string }> {
    const top = defined((await topFrames(client, defined(stop.body.threadId, 'a thread')))[0], 'a frame');
    return { pid: Number(await evaluate(client, top.id, "__import__('os').getpid()")), args: await evaluate(client, top.id, "__import__('sys').argv[1:]") };
  }

  test('restart runs the program again with its breakpoints, then with the configuration the client sends', async () => {
    const stops = new Stops(client);
    const ended: string[] = [];
    for (const event of ['exited', 'terminated']) client.on(event, () => ended.push(event));
    const [placed] = await launchWithBreakpoints(client, launchArgs(program, { args: ['first'] }), [{ path: program, lines: [marker(program, 'first_code')] }]);
    const breakpointId = defined(defined(placed, 'a breakpoint').id, 'a breakpoint id');
    const first = await stops.expect('breakpoint');
    assert.deepEqual(first.body.hitBreakpointIds, [breakpointId]);
    const before = await programAt(first);

    await client.restartRequest({});
    const again = await stops.expect('breakpoint');
    assert.deepEqual(again.body.hitBreakpointIds, [breakpointId], 'the breakpoint keeps the id the client knows');
    const restarted = await programAt(again);
    assert.notEqual(restarted.pid, before.pid);
    assert.ok(!isAlive(before.pid), 'the first program is gone');
    assert.equal(restarted.args, "['first']");

    await client.restartRequest({ arguments: launchArgs(program, { args: ['second'] }) });
    const third = await stops.expect('breakpoint');
    assert.deepEqual(third.body.hitBreakpointIds, [breakpointId]);
    assert.equal((await programAt(third)).args, "['second']", 'the new configuration is used');
    assert.deepEqual(ended, [], 'the session went on through the restarts');

    const output = new ProgramOutput(client);
    await client.continueRequest({ threadId: defined(third.body.threadId, 'a thread') });
    assert.equal(await output.exitCode, 0);
  });

  test('a restart with a configuration in error is refused and the program runs on', async () => {
    const stops = new Stops(client);
    await launchWithBreakpoints(client, launchArgs(program), [{ path: program, lines: [marker(program, 'first_code')] }]);
    const stop = await stops.expect('breakpoint');
    const missing = `${program}.missing.py`;
    await assert.rejects(client.restartRequest({ arguments: launchArgs(missing) }), /Program not found/);
    assert.ok(isAlive((await programAt(stop)).pid), 'the program still runs');
  });

  test('logToFile writes the adapter log to the file it names in the Debug Console', async () => {
    let shown = '';
    client.on('output', (event: DebugProtocol.OutputEvent) => event.body.category === 'console' && (shown += event.body.output));
    const stops = new Stops(client);
    await launchWithBreakpoints(client, launchArgs(program, { logToFile: true }), [{ path: program, lines: [marker(program, 'first_code')] }]);
    await stops.expect('breakpoint');
    const file = defined(/Verbose logs are written to:\s*(\S+)/.exec(shown)?.[1], `the log's path in ${JSON.stringify(shown)}`);
    let log = '';
    for (let waited = 0; waited < 5000 && !log.includes('"command":"configurationDone"'); waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      log = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    }
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'the log is readable by its user only');
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700, 'in a folder only its user can list');
    fs.rmSync(file, { force: true });
    assert.match(log, /From client: launch\(/);
    assert.match(log, /"command":"configurationDone"/);
  });
});

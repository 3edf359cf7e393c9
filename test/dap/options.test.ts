import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { defined, evaluate, fixture, launchArgs, launchWithBreakpoints, marker, ProgramOutput, Stops, startClient, topFrames } from '../support/dap';

const threads = fixture('dap_threads.py');
const values = fixture('dap_variables.py');

suite('DAP: launch options, paging, setExpression', () => {
  let client: DebugClient;
  setup(async () => (client = await startClient()));
  teardown(() => client.stop());

  /** Stops at the leaf breakpoint of the first worker; returns its thread id. */
  async function stopAtLeaf(extra: Parameters<typeof launchArgs>[1] = {}): Promise<number> {
    const stops = new Stops(client);
    await launchWithBreakpoints(client, launchArgs(threads, extra), [{ path: threads, lines: [marker(threads, 'leaf')] }]);
    return defined((await stops.expect('breakpoint')).body.threadId, 'a thread');
  }

  for (const [gil, enabled] of [
    ['on', 'True'],
    ['default', 'False'],
  ] as const) {
    test(`gil "${gil}" runs the debuggee with the GIL ${enabled === 'True' ? 'on' : 'as the build says (off)'}`, async () => {
      const threadId = await stopAtLeaf({ gil });
      const top = defined((await topFrames(client, threadId))[0], 'a frame');
      assert.equal(await evaluate(client, top.id, 'sys._is_gil_enabled()'), enabled);
    });
  }

  test('justMyCode hides the standard library; stack frames page with startFrame and levels', async () => {
    const threadId = await stopAtLeaf();
    const all = (await client.stackTraceRequest({ threadId })).body;
    assert.deepEqual(
      all.stackFrames.map((frame) => frame.name),
      ['leaf', 'worker'],
    );
    const page = (await client.stackTraceRequest({ threadId, startFrame: 1, levels: 1 })).body;
    assert.deepEqual([page.stackFrames.map((frame) => frame.name), page.totalFrames], [['worker'], 2]);
  });

  test('justMyCode false shows the standard library frames too', async () => {
    const threadId = await stopAtLeaf({ justMyCode: false });
    const frames = (await client.stackTraceRequest({ threadId })).body.stackFrames;
    assert.deepEqual(
      frames.slice(0, 3).map((frame) => frame.name),
      ['leaf', 'worker', 'Thread.run'],
    );
    assert.ok(
      frames.every((frame) => !frame.source?.path?.includes(`${path.sep}runtime${path.sep}agent${path.sep}`)),
      'agent frames stay hidden',
    );
  });

  test('setExpression assigns through an expression in the chosen frame', async () => {
    const stops = new Stops(client);
    const output = new ProgramOutput(client);
    await launchWithBreakpoints(client, launchArgs(values), [{ path: values, lines: [marker(values, 'inner')] }]);
    const threadId = defined((await stops.expect('breakpoint')).body.threadId, 'a thread');
    const middle = defined((await topFrames(client, threadId))[1], 'the caller frame');
    const set = await client.send('setExpression', { expression: 'data["name"]', value: '"changed"', frameId: middle.id });
    assert.equal((set.body as { value: string }).value, "'changed'");
    await client.continueRequest({ threadId });
    assert.equal(await output.exitCode, 0);
    assert.match(output.text, /scaled 500 changed/);
  });

  test('envFile is read as dotenv reads it (export, comments, quotes, escapes, lines); env wins over it', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-envfile-'));
    const envFile = path.join(folder, '.env');
    fs.writeFileSync(
      envFile,
      [
        '# a comment',
        'export EXPORTED=yes',
        'PLAIN=a b c   # a comment after the value',
        "SINGLE='no $expansion # kept'",
        'DOUBLE="line1\\nline2"',
        'MULTI="first',
        'second"',
        'EQUALS=a=b',
        'OVERRIDDEN=from the file',
        '',
      ].join('\n'),
    );
    const names = ['EXPORTED', 'PLAIN', 'SINGLE', 'DOUBLE', 'MULTI', 'EQUALS', 'OVERRIDDEN'];
    const output = new ProgramOutput(client);
    const code = `import json, os; print(json.dumps({name: os.environ.get(name) for name in ${JSON.stringify(names)}}))`;
    await launchWithBreakpoints(client, launchArgs(undefined, { code, envFile, env: { OVERRIDDEN: 'from env' } }));
    assert.equal(await output.exitCode, 0);
    fs.rmSync(folder, { recursive: true });
    const seen = JSON.parse(
      defined(
        output.text.split('\n').find((line) => line.startsWith('{')),
        'the program printed its environment',
      ),
    ) as Record<string, string>;
    assert.deepEqual(seen, {
      EXPORTED: 'yes',
      PLAIN: 'a b c',
      SINGLE: 'no $expansion # kept',
      DOUBLE: 'line1\nline2',
      MULTI: 'first\nsecond',
      EQUALS: 'a=b',
      OVERRIDDEN: 'from env',
    });
  });

  test('module runs a module as python -m does', async () => {
    const output = new ProgramOutput(client);
    await launchWithBreakpoints(client, launchArgs(undefined, { module: 'dap_conditions', cwd: path.dirname(threads) }));
    assert.equal(await output.exitCode, 0);
    assert.match(output.text, /total 45/);
  });
});

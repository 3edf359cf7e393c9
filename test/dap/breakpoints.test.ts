import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { defined, evaluate, fixture, launchArgs, launchWithBreakpoints, marker, ProgramOutput, Stops, startClient, topFrames } from '../support/dap';

const loop = fixture('dap_conditions.py');
const loopLine = marker(loop, 'loop');

suite('DAP: breakpoint kinds and placement', () => {
  let client: DebugClient;
  setup(async () => (client = await startClient()));
  teardown(() => client.stop());

  /** Runs the loop fixture with one breakpoint; returns the values of i at each stop. */
  async function stopsAt(breakpoint: { condition?: string; hitCondition?: string; logMessage?: string }): Promise<{ values: number[]; output: string }> {
    const stops = new Stops(client);
    const output = new ProgramOutput(client);
    await launchWithBreakpoints(client, launchArgs(loop), [{ path: loop, lines: [{ line: loopLine, ...breakpoint }] }]);
    const values: number[] = [];
    const exited = output.exitCode.then(() => undefined);
    for (;;) {
      const stop = await Promise.race([stops.next(), exited]);
      if (!stop) break;
      const threadId = defined(stop.body.threadId, 'a thread');
      values.push(Number(await evaluate(client, defined((await topFrames(client, threadId))[0], 'a frame').id, 'i')));
      await client.continueRequest({ threadId });
    }
    assert.equal(await output.exitCode, 0);
    assert.match(output.text, /total 45/);
    return { values, output: output.console };
  }

  test('a conditional breakpoint stops only when its condition holds', async () => {
    assert.deepEqual((await stopsAt({ condition: 'i % 4 == 3' })).values, [3, 7]);
  });

  test('a hit-count breakpoint stops from the Nth hit on', async () => {
    assert.deepEqual((await stopsAt({ hitCondition: '8' })).values, [7, 8, 9]);
  });

  test('a logpoint prints with its expressions and never stops', async () => {
    const { values, output } = await stopsAt({ logMessage: 'i={i} twice={i * 2}' });
    assert.deepEqual(values, []);
    assert.match(output, /i=0 twice=0\n[^]*i=9 twice=18\n/);
  });

  test('breakpoints on lines without code move to the next line with code; bad files are unverified with a reason', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-dap-'));
    try {
      const broken = path.join(dir, 'broken.py');
      fs.writeFileSync(broken, 'def f(:\n    pass\n');
      await Promise.all([client.waitForEvent('initialized'), client.launch(launchArgs(loop, { stopOnEntry: true }))]);
      const moved = (
        await client.setBreakpointsRequest({ source: { path: loop }, breakpoints: [{ line: marker(loop, 'comment') }, { line: loopLine }, { line: 999 }] })
      ).body.breakpoints;
      assert.deepEqual(
        moved.map((bp) => [bp.verified, bp.line]),
        [
          [true, marker(loop, 'first_code')],
          [true, loopLine],
          [false, 999],
        ],
      );
      assert.match(defined(moved[2]?.message, 'a reason'), /No code at or after line 999/);
      const missing = (await client.setBreakpointsRequest({ source: { path: path.join(dir, 'missing.py') }, breakpoints: [{ line: 1 }] })).body.breakpoints;
      assert.equal(missing[0]?.verified, false);
      assert.match(defined(missing[0]?.message, 'a reason'), /File not found/);
      const syntax = (await client.setBreakpointsRequest({ source: { path: broken }, breakpoints: [{ line: 2 }] })).body.breakpoints;
      assert.equal(syntax[0]?.verified, false);
      assert.match(defined(syntax[0]?.message, 'a reason'), /does not compile \(line 1\)/);
      const invalid = (await client.setBreakpointsRequest({ source: { path: loop }, breakpoints: [{ line: loopLine, condition: 'i ==' }] })).body.breakpoints;
      assert.equal(invalid[0]?.verified, false);
      assert.match(defined(invalid[0]?.message, 'a reason'), /Invalid breakpoint/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

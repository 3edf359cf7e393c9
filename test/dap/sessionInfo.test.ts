// 'ftpy/sessionInfo': the interpreter a launched program runs and whether the GIL is on at its
// start, what the extension's GIL status item shows (it no longer runs the interpreter to know).
import * as assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { FTPY_EVENTS, type SessionInfoEventBody } from '../../debug-adapter/protocol';
import { fixture, launchArgs, launchWithBreakpoints, ProgramOutput, startClient } from '../support/dap';
import { testPython, testPythonVersion } from '../support/runtime';

const program = fixture('dap_threads.py');

suite('DAP: the session says which interpreter it runs', () => {
  let client: DebugClient;
  setup(async () => (client = await startClient()));
  teardown(() => client.stop());

  for (const [gil, gilEnabled] of [
    ['off', false],
    ['on', true],
  ] as const) {
    test(`gil ${gil}: the interpreter, its version, free-threaded, the GIL ${gil} at the start`, async () => {
      const info = client.waitForEvent(FTPY_EVENTS.sessionInfo);
      const output = new ProgramOutput(client);
      await launchWithBreakpoints(client, launchArgs(program, { gil }));
      assert.deepEqual((await info).body as SessionInfoEventBody, { python: testPython(), version: testPythonVersion(), freeThreaded: true, gilEnabled });
      assert.equal(await output.exitCode, 3);
    });
  }
});

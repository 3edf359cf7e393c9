import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { LaunchArguments } from '../../debug-adapter/launchConfig';
import { fixture, isAlive, launchArgs, rawResponse, startClient } from '../support/dap';
import { testPython } from '../support/runtime';

const program = fixture('dap_conditions.py');

/** A GIL build of CPython (pyenv's 3.13.0), if this machine has one. */
function gilPython(): string | undefined {
  try {
    const candidate = path.join(execFileSync('pyenv', ['root'], { encoding: 'utf8' }).trim(), 'versions', '3.13.0', 'bin', 'python');
    return fs.existsSync(candidate) ? candidate : undefined;
  } catch {
    return undefined;
  }
}

suite('DAP: launch errors have one clear message and leave no process', () => {
  let client: DebugClient;
  let dir: string;
  setup(async () => {
    client = await startClient();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-dap-errors-'));
  });
  teardown(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A stand-in interpreter: the real one for everything but the debuggee's start, where it runs `start`. */
  function wrappedPython(start: string): string {
    const wrapper = path.join(dir, 'python3.13t');
    fs.writeFileSync(wrapper, `#!/bin/sh\nif [ -n "$FTPY_AGENT_START" ]; then ${start}; else exec "${testPython()}" "$@"; fi\n`, { mode: 0o755 });
    return wrapper;
  }

  async function launchFails(args: LaunchArguments, message: RegExp): Promise<void> {
    await client.initializeRequest();
    await assert.rejects(client.launchRequest(args), (error: Error) => {
      assert.match(error.message, message);
      return true;
    });
  }

  test('no program', () => launchFails({ python: testPython() }, /^Nothing to debug: set "program"/));

  test('program not found', () => launchFails(launchArgs(path.join(dir, 'missing.py')), /^Program not found: .*missing\.py\. Fix "program"/));

  test('working directory missing', () =>
    launchFails(launchArgs(program, { cwd: path.join(dir, 'nowhere') }), /^The working directory does not exist: .*nowhere/));

  test('interpreter not found', () => launchFails(launchArgs(program, { python: path.join(dir, 'python3.13t') }), /^Python interpreter not found: /));

  test('an interpreter with the GIL while gil is "off"', function () {
    const python = gilPython();
    if (!python) return this.skip();
    return launchFails(launchArgs(program, { python }), /built with the GIL; ftpy needs a free-threaded build/);
  });

  test('a failure with a fix names the command that fixes it (DAP url), one without has none', async () => {
    const launch = async (args: LaunchArguments) => (await rawResponse(client, 'launch', args)) as DebugProtocol.ErrorResponse;
    await client.initializeRequest();
    const missing = (await launch(launchArgs(program, { python: path.join(dir, 'python3.13t') }))).body.error;
    assert.equal(missing?.url, 'command:ftpy.selectInterpreter');
    assert.equal(missing?.urlLabel, 'Select Interpreter');
    assert.equal(missing?.showUser, true);
    const noProgram = (await launch({ python: testPython() })).body.error;
    assert.match(noProgram?.format ?? '', /^Nothing to debug/);
    assert.equal(noProgram?.url, undefined);
  });

  test('the debuggee dies at start', () =>
    launchFails(
      launchArgs(program, { python: wrappedPython('echo "cannot start: no memory" >&2; exit 7') }),
      /^The program exited \(code 7\) before the debugger could attach:\ncannot start: no memory/,
    ));

  test('the agent never connects', async () => {
    const pidFile = path.join(dir, 'pid');
    const python = wrappedPython(`echo $$ > ${pidFile}; exec sleep 60`);
    await launchFails(launchArgs(program, { python }), /^The debugger's agent did not connect within 2 s/);
    assert.ok(!isAlive(Number(fs.readFileSync(pidFile, 'utf8'))), 'the stuck debuggee was killed');
  });
});

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describeInterpreter, discoverInterpreters, requireFreeThreaded } from '../../runtime/provision/interpreters';
import { testPython } from '../support/runtime';

suite('interpreters', () => {
  test('the free-threaded runtime is described by running it', async () => {
    const info = await describeInterpreter(testPython());
    assert.equal(info.freeThreaded, true);
    assert.match(info.version, /^3\.1[3-9]\.\d+$/);
    assert.equal(info.gilEnabledByDefault, false);
    assert.equal(requireFreeThreaded(info), info);
  });

  test('python3.13t on PATH is discovered; GIL builds on PATH are not offered', async () => {
    const found = await discoverInterpreters([path.dirname(testPython()), '/usr/bin'].join(path.delimiter));
    assert.ok(
      found.some((info) => info.executable === testPython() || info.path.startsWith(path.dirname(testPython()))),
      JSON.stringify(found),
    );
    assert.ok(found.every((info) => info.freeThreaded));
  });

  test('something that is not Python is refused with a message saying what to choose', async () => {
    await assert.rejects(describeInterpreter('/bin/true'), /\/bin\/true is not a Python interpreter ftpy understands/);
    await assert.rejects(describeInterpreter('/etc/passwd'), /\/etc\/passwd is not executable/);
  });
});

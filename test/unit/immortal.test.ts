// The agent's one write into the interpreter's memory (ftpy_agent/immortal.py): made only into
// the interpreter its offsets are for, checked at the moment of writing.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { GcStateLayout } from '../../runtime/agent/protocol';
import { agentDir } from '../../runtime/packageRoot';
import { offsetsFor } from '../../runtime/probe/cache';
import { testPython } from '../support/runtime';

/** Starts a thread (python sets gc.immortalize to 1), calls leave_to_program with `layout`, and
 * returns what it reported and the field's value after, read at the true offsets. */
function leaveToProgram(layout: GcStateLayout, truth: GcStateLayout): { reports: string[]; after: number } {
  const script = `
import ctypes, json, os, sys, threading
sys.path.insert(0, ${JSON.stringify(agentDir())})
from ftpy_agent import immortal
threading.Thread(target=lambda: None).start()
reports = []
immortal.leave_to_program(json.loads(sys.argv[1]), reports.append)
get = ctypes.pythonapi.PyInterpreterState_Get
get.restype = ctypes.c_void_p
truth = json.loads(sys.argv[2])
print(json.dumps({"reports": reports, "after": ctypes.c_int.from_address(get() + truth["gc"] + truth["immortalize"]).value}))
`;
  return JSON.parse(execFileSync(testPython(), ['-X', 'gil=0', '-c', script, JSON.stringify(layout), JSON.stringify(truth)], { encoding: 'utf8' }));
}

suite('the agent writes into the interpreter only when it is the one the offsets are for', () => {
  let truth: GcStateLayout;
  suiteSetup(async () => {
    const offsets = await offsetsFor(testPython());
    truth = {
      hexversion: offsets.python.hexversion,
      gc: offsets.interpreter_state.gc,
      immortalize: offsets.gc.immortalize,
      garbage: offsets.gc.garbage,
      callbacks: offsets.gc.callbacks,
    };
  });

  test("the interpreter's own offsets: immortalization is left to the program's first thread", () => {
    assert.deepEqual(leaveToProgram(truth, truth), { reports: [], after: 0 });
  });

  test("another build's offsets (gc.garbage and gc.callbacks are not where they say): nothing written, and said", () => {
    const { reports, after } = leaveToProgram({ ...truth, garbage: truth.garbage + 8, callbacks: truth.callbacks + 8 }, truth);
    assert.equal(after, 1);
    assert.deepEqual(reports, ["immortalization left to the interpreter: its GC state is not where ftpy's offsets say (they were computed for another build)"]);
  });

  test("another version's offsets: nothing read or written, and said", () => {
    const { reports, after } = leaveToProgram({ ...truth, hexversion: truth.hexversion + 1 }, truth);
    assert.equal(after, 1);
    assert.match(reports[0] ?? '', /^immortalization left to the interpreter: ftpy's offsets are for Python 0x[0-9a-f]+, free-threaded, not this one/);
  });

  test('an address nowhere in memory: an error, said, not a crash', () => {
    const { reports, after } = leaveToProgram({ ...truth, gc: 2 ** 46 }, truth);
    assert.equal(after, 1);
    assert.match(reports[0] ?? '', /^immortalization left to the interpreter: its memory could not be read/);
  });
});

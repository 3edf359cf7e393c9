// Lock state read from memory alone (runtime/inspect/locks) on the real runtime: each
// scenario's owners, waiters and cycles, compared with what the program says it set up.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { locateRuntime, ProcessMemory, ProcessReader, readProcMaps } from '../../runtime/inspect';
import { FrameObjects, WithBlock } from '../../runtime/inspect/locks/frameObjects';
import { PyObjects } from '../../runtime/inspect/locks/pyObjects';
import { ObjectReader } from '../../runtime/inspect/objects';
import { readDebugOffsets } from '../../runtime/inspect/debugOffsets';
import { interpreterList, threadList } from '../../runtime/inspect/walk';
import type { ProbeOffsets } from '../../runtime/probe/offsets';
import { EXPECTED, nameLocks, Scenario, settle, startScenario, stopScenario } from '../support/lockScenarios';
import { testPython } from '../support/runtime';
import { probeFor } from '../support/inspectFixture';

suite('inspect: lock state from memory', () => {
  let scenario: Scenario | undefined;

  teardown(() => {
    stopScenario(scenario);
    scenario = undefined;
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    test(`${name}: owners, waiters and cycles`, async () => {
      const { offsets } = await probeFor(testPython());
      scenario = await startScenario(testPython(), name);
      const reader = ProcessReader.attach(scenario.pid);
      reader.useProbe(offsets);
      try {
        const running = scenario;
        const seen = await settle(() => nameLocks(running, reader.locks().report), expected);
        assert.deepEqual(seen, expected);
      } finally {
        reader.close();
      }
    });
  }

  // RLocks record their owner: the `with` blocks read from the stacks must name the same threads.
  test("`with` blocks read from the value stacks agree with the RLocks' own owners", async () => {
    const { offsets } = await probeFor(testPython());
    const running = (scenario = await startScenario(testPython(), 'rlocks'));
    const reader = ProcessReader.attach(running.pid);
    reader.useProbe(offsets);
    try {
      assert.deepEqual(await settle(() => nameLocks(running, reader.locks().report), EXPECTED.rlocks), EXPECTED.rlocks);
    } finally {
      reader.close();
    }
    // Each thread holds its first lock in a `with` block and waits to enter the second: only the first is live.
    const blocks = withBlocksByThread(running.pid, offsets);
    assert.deepEqual(blocks.get(running.threads.first), [{ manager: BigInt(running.locks.a), exit: 'c-method' }]);
    assert.deepEqual(blocks.get(running.threads.second), [{ manager: BigInt(running.locks.b), exit: 'c-method' }]);
  });

  test("the interpreter's import lock: owner and hold count", async () => {
    const { offsets } = await probeFor(testPython());
    const running = (scenario = await startScenario(testPython(), 'imp-lock'));
    const reader = ProcessReader.attach(running.pid);
    reader.useProbe(offsets);
    try {
      const importLock = () =>
        reader
          .locks()
          .report.locks.filter((lock) => lock.kind === 'import-lock')
          .map(({ owners, count, waiters, held }) => ({ owners, count, waiters, held }));
      const expected = [{ owners: [running.threads.holder], count: 2, waiters: [running.threads.waiter], held: true }];
      assert.deepEqual(await settle(importLock, expected), expected);
    } finally {
      reader.close();
    }
  });
});

suite('inspect: type names', () => {
  test("an object's type name is read one way everywhere: UTF-8, as CPython writes tp_name", async () => {
    const code = 'import time\nclass Café: pass\nobj = Café()\nprint(id(obj), flush=True)\ntime.sleep(60)';
    const child = spawn(testPython(), ['-c', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const address = BigInt(String(await new Promise((resolve) => child.stdout.once('data', resolve))).trim());
      const pid = child.pid ?? 0;
      const memory = ProcessMemory.open(pid);
      try {
        const reader = new ObjectReader(memory, readDebugOffsets(memory, locateRuntime(readProcMaps(pid)).address));
        assert.equal(reader.typeName(reader.typeOf(address)), 'Café');
        assert.equal(new PyObjects(reader).typeName(address), 'Café', 'as the lock reader names what a waiter waits on');
      } finally {
        memory.close();
      }
    } finally {
      child.kill('SIGKILL');
    }
  });
});

/** Each thread's live `with` blocks, all its frames' together (innermost frame's first). */
function withBlocksByThread(pid: number, probe: ProbeOffsets): Map<number, WithBlock[]> {
  const memory = ProcessMemory.open(pid);
  try {
    const runtime = locateRuntime(readProcMaps(pid)).address;
    const reader = new ObjectReader(memory, readDebugOffsets(memory, runtime));
    const frames = new FrameObjects(new PyObjects(reader), probe);
    const layout = reader.offsets.thread_state;
    const blocks = new Map<number, WithBlock[]>();
    for (const interpreter of interpreterList(reader, runtime)) {
      for (const { raw } of threadList(reader, interpreter)) {
        const stack = frames.frames(raw.readBigUInt64LE(layout.current_frame));
        blocks.set(
          Number(raw.readBigUInt64LE(layout.thread_id)),
          stack.flatMap((frame) => frame.withBlocks),
        );
      }
    }
    return blocks;
  } finally {
    memory.close();
  }
}

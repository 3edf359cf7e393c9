// Reading a process whose threads run truly in parallel with the reader: frames
// are pushed and popped during the read. Every snapshot must come back, with
// stacks that are either consistent or marked torn, never an exception or a hang.
import * as assert from 'node:assert/strict';
import { ProcessReader } from '../../runtime/inspect';
import { testPython } from '../support/runtime';
import { ParkedProcess, probeFor, startParked, stopProcess } from '../support/inspectFixture';

suite('inspect: snapshots of threads that keep running', () => {
  let parked: ParkedProcess | undefined;

  teardown(() => {
    stopProcess(parked?.child);
    parked = undefined;
  });

  test('100 snapshots while 4 threads call and return', async () => {
    const { offsets } = await probeFor(testPython());
    parked = await startParked(testPython(), 'busy');
    const reader = ProcessReader.attach(parked.pid);
    reader.useProbe(offsets);
    const states = new Set<string | null>();
    let torn = 0;
    let frames = 0;
    try {
      for (let i = 0; i < 100; i++) {
        const snapshot = reader.snapshot();
        assert.equal(snapshot.threads.length, 5);
        for (const thread of snapshot.threads) {
          if (thread.torn !== undefined) torn++;
          else if (thread.name !== 'MainThread') {
            // A consistent stack of a churning thread: bootstrap at the bottom, recursion above.
            assert.deepEqual(
              thread.frames.slice(-3).map((frame) => frame.function),
              ['Thread.run', 'Thread._bootstrap_inner', 'Thread._bootstrap'],
            );
            assert.ok(thread.frames.every((frame) => frame.line === null || frame.line > 0));
            frames += thread.frames.length;
            states.add(thread.state);
          }
        }
      }
    } finally {
      reader.close();
    }
    assert.ok(frames > 0, 'some running stacks were read');
    assert.ok(states.has('attached'), `running threads seen attached (states seen: ${[...states].join(', ')})`);
    assert.ok([...states].every((state) => state === 'attached' || state === 'detached' || state === 'suspended'));
    // Torn stacks are allowed (and counted), but they must stay the exception.
    assert.ok(torn < 100 * 4, `torn stacks: ${torn}`);
  });
});

// How often a live process's memory is opened, its debug offsets read and its thread states
// walked: once per session for the first two, once per read for the walk (a snapshot, a lock
// read, a heap read, a sample), whatever was read before. Counted on the reads themselves.
import * as assert from 'node:assert/strict';
import { ProcessMemory, ProcessReader, type ClosableMemory } from '../../runtime/inspect';
import { readDebugOffsets } from '../../runtime/inspect/debugOffsets';
import { testPython } from '../support/runtime';
import { ParkedProcess, probeFor, startParked, stopProcess } from '../support/inspectFixture';

/** `memory`, with each address it is read at counted. */
function counting(memory: ClosableMemory, reads: Map<bigint, number>): ClosableMemory {
  return {
    read: (address, length) => {
      reads.set(address, (reads.get(address) ?? 0) + 1);
      return memory.read(address, length);
    },
    close: () => memory.close(),
  };
}

suite('reads per request: one attach and one offsets load per session, one walk per read', () => {
  let parked: ParkedProcess | undefined;

  teardown(() => {
    stopProcess(parked?.child);
    parked = undefined;
  });

  test('snapshots, locks, heaps, samples and the abandoned pool of a running process', async () => {
    const { offsets: probe } = await probeFor(testPython());
    parked = await startParked(testPython(), 'busy');
    const reads = new Map<bigint, number>();
    let opened = 0;
    const reader = ProcessReader.attach(parked.pid, (pid) => (opened++, counting(ProcessMemory.open(pid), reads)));
    try {
      reader.useProbe(probe);
      // Where the offsets are read (_PyRuntime itself) and where a walk of the thread states begins.
      const runtime = reader.location.address;
      const check = ProcessMemory.open(parked.pid);
      const layout = readDebugOffsets(check, runtime);
      const interpreter = check.read(runtime + BigInt(layout.runtime_state.interpreters_head), 8).readBigUInt64LE(0);
      check.close();
      const threadsHead = interpreter + BigInt(layout.interpreter_state.threads_head);
      const walks = () => reads.get(threadsHead) ?? 0;
      const walksDuring = (read: () => unknown) => {
        const before = walks();
        read();
        return walks() - before;
      };

      const sampler = reader.sampler();
      for (let round = 0; round < 3; round++) {
        assert.equal(
          walksDuring(() => reader.snapshot()),
          1,
          'a snapshot walks the thread states once',
        );
        assert.equal(
          walksDuring(() => reader.locks()),
          1,
          'a lock read (with its snapshot) walks them once',
        );
        assert.equal(
          walksDuring(() => reader.heaps()),
          1,
          'a heap read walks them once',
        );
        assert.equal(
          walksDuring(() => sampler.sample()),
          1,
          'a sample walks them once',
        );
        assert.equal(
          walksDuring(() => reader.abandonedPool()),
          0,
          'the abandoned pool needs no thread state',
        );
      }
      assert.equal(opened, 1, 'the memory is opened once');
      assert.equal(reads.get(runtime), 1, 'the debug offsets are read once, at attach');
    } finally {
      reader.close();
    }
  });
});

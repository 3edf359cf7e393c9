// Attribution of parked waiters to threads (each thread's stack is one mapping) and the
// futex word of /proc/PID/task/TID/syscall: pure functions over recorded inputs.
import * as assert from 'node:assert/strict';
import { stackOwner } from '../../runtime/inspect/locks/threadStacks';
import { parseProcMaps } from '../../runtime/inspect/procMaps';
import { blockedCall } from '../../runtime/inspect/threadWaits';

// Two thread stacks (guard page, then stack with the pthread block at its top), a file, the initial stack.
const MAPS = parseProcMaps(`
558b13600000-558b13700000 rw-p 00000000 00:00 0                          [heap]
7f1b64b73000-7f1b64b74000 ---p 00000000 00:00 0
7f1b64b74000-7f1b65374000 rw-p 00000000 00:00 0
7f1b65374000-7f1b65375000 ---p 00000000 00:00 0
7f1b65375000-7f1b65b75000 rw-p 00000000 00:00 0
7f1b65c00000-7f1b65e00000 r-xp 00000000 08:01 1234                       /usr/lib/x86_64-linux-gnu/libc.so.6
7ffc1a000000-7ffc1a021000 rw-p 00000000 00:00 0                          [stack]
`);
const PID = 100;
const THREADS = [
  { threadId: 0x7f1b65373640, nativeId: 101 }, // pthread block at the top of the first stack mapping
  { threadId: 0x7f1b65b74640, nativeId: 102 },
  { threadId: 0x7f1b65e01740, nativeId: PID }, // the initial thread: its block is elsewhere, its stack is [stack]
];

suite('locks: waiters attributed to threads', () => {
  test('a wait entry belongs to the thread whose stack mapping holds it', () => {
    const owner = stackOwner(MAPS, PID, THREADS);
    assert.equal(owner(0x7f1b65372aa0n), 0x7f1b65373640);
    assert.equal(owner(0x7f1b64b74000n), 0x7f1b65373640, 'the lowest byte of the stack');
    assert.equal(owner(0x7f1b65b70000n), 0x7f1b65b74640);
    assert.equal(owner(0x7ffc1a01f000n), 0x7f1b65e01740);
  });

  test('guard pages, the heap and mapped files belong to no thread', () => {
    const owner = stackOwner(MAPS, PID, THREADS);
    for (const address of [0x7f1b65374800n, 0x558b13650000n, 0x7f1b65c10000n, 0x1000n]) assert.equal(owner(address), undefined);
  });

  test('a thread ident that is no pthread block inside an anonymous mapping gets no stack', () => {
    const owner = stackOwner(MAPS, PID, [{ threadId: 0x7f1b65c10000, nativeId: 103 }]);
    assert.equal(owner(0x7f1b65c10008n), undefined);
  });

  test('blocked calls: the name and first argument of the system call; a running thread is in none', () => {
    assert.deepEqual(blockedCall('202 0x558b136954e0 0x189 0x0 0x0 0x0 0xffffffff 0x7f1b65373aa0 0x7f1b65458f16\n', 'x64'), {
      name: 'futex',
      firstArgument: 0x558b136954e0n,
    });
    assert.deepEqual(blockedCall('230 0x1 0x0 0x7ffc1a01e000 0x0 0x0 0x0 0x7ffc1a01df00 0x7f1b65458f16', 'x64'), {
      name: 'clock_nanosleep',
      firstArgument: 1n,
    });
    assert.deepEqual(blockedCall('98 0xffff9c0 0x80 0x0', 'arm64'), { name: 'futex', firstArgument: 0xffff9c0n });
    assert.deepEqual(blockedCall('999 0x1', 'x64'), { name: 'syscall 999', firstArgument: 1n });
    assert.equal(blockedCall('running', 'x64'), null);
    assert.equal(blockedCall('-1 0x7ffc1a01df00 0x7f1b65458f16', 'x64'), null);
  });
});

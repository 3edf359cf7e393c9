// What each thread of a process is blocked in, from /proc/PID/task/TID/syscall: the system call
// it sleeps in, and for a futex the word it sleeps on. Locks that do not use the parking lot
// (3.13's RLock and every PyThread_type_lock are POSIX semaphores) are seen only this way:
// glibc's sem_wait sleeps on the semaphore's own address.
import * as fs from 'node:fs';

/** The system calls a thread is seen blocked in, by number on each architecture (as /proc reports them). */
const SYSCALLS: Partial<Record<NodeJS.Architecture, Record<number, string>>> = {
  x64: {
    0: 'read',
    1: 'write',
    7: 'poll',
    17: 'pread64',
    23: 'select',
    35: 'nanosleep',
    43: 'accept',
    44: 'sendto',
    45: 'recvfrom',
    47: 'recvmsg',
    61: 'wait4',
    202: 'futex',
    230: 'clock_nanosleep',
    232: 'epoll_wait',
    247: 'waitid',
    270: 'pselect6',
    271: 'ppoll',
    281: 'epoll_pwait',
    288: 'accept4',
  },
  arm64: {
    22: 'epoll_pwait',
    63: 'read',
    64: 'write',
    67: 'pread64',
    72: 'pselect6',
    73: 'ppoll',
    95: 'waitid',
    98: 'futex',
    101: 'nanosleep',
    115: 'clock_nanosleep',
    202: 'accept',
    206: 'sendto',
    207: 'recvfrom',
    212: 'recvmsg',
    242: 'accept4',
    260: 'wait4',
  },
};

/** A thread blocked in a system call: its name (or `syscall N`) and its first argument (a futex's word). */
export interface BlockedCall {
  name: string;
  firstArgument: bigint;
}

/** Native thread id -> the system call it is blocked in, or null for a thread running on a CPU. */
export function readBlockedCalls(pid: number, arch: NodeJS.Architecture = process.arch): Map<number, BlockedCall | null> {
  const calls = new Map<number, BlockedCall | null>();
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return calls; // the process is gone: the memory reads say so
  }
  for (const task of tasks) {
    const call = readBlockedCall(pid, Number(task), arch);
    if (call !== undefined) calls.set(Number(task), call);
  }
  return calls;
}

/** The system call thread `tid` of `pid` is blocked in, null when it runs on a CPU, undefined when it is gone. */
export function readBlockedCall(pid: number, tid: number, arch: NodeJS.Architecture = process.arch): BlockedCall | null | undefined {
  let descriptor: number | undefined;
  try {
    descriptor = fs.openSync(syscallFile(pid, tid), 'r');
    return blockedCallIn(descriptor, arch);
  } catch {
    return undefined; // the thread exited meanwhile
  } finally {
    if (descriptor !== undefined) fs.closeSync(descriptor);
  }
}

/**
 * The syscall files of a process's threads, each kept open once read: a sampler reads a thread's
 * many times a second, and a read of an open file is one system call where opening is three.
 */
export class SyscallFiles {
  private readonly descriptors = new Map<number, number>();

  constructor(
    private readonly pid: number,
    private readonly arch: NodeJS.Architecture = process.arch,
  ) {}

  /** As readBlockedCall. A descriptor that fails (its thread ended; the id may be another's now) is opened again once. */
  blockedCall(tid: number): BlockedCall | null | undefined {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        let descriptor = this.descriptors.get(tid);
        if (descriptor === undefined) {
          descriptor = fs.openSync(syscallFile(this.pid, tid), 'r');
          this.descriptors.set(tid, descriptor);
        }
        return blockedCallIn(descriptor, this.arch);
      } catch {
        this.forget(tid);
      }
    }
    return undefined; // the thread is gone
  }

  /** Closes the files of the threads not in `tids` (they ended). */
  keepOnly(tids: ReadonlySet<number>): void {
    for (const tid of this.descriptors.keys()) if (!tids.has(tid)) this.forget(tid);
  }

  close(): void {
    for (const tid of this.descriptors.keys()) this.forget(tid);
  }

  private forget(tid: number): void {
    const descriptor = this.descriptors.get(tid);
    this.descriptors.delete(tid);
    if (descriptor !== undefined) fs.closeSync(descriptor);
  }
}

/** "202 0x55… 0x189 …": the number, then the arguments; "running" for a thread on a CPU. */
export function blockedCall(syscall: string, arch: NodeJS.Architecture = process.arch): BlockedCall | null {
  const [number, first] = syscall.trim().split(/\s+/);
  if (number === undefined || !/^\d+$/.test(number)) return null; // "running" (or "-1 …": not in a system call)
  return { name: SYSCALLS[arch]?.[Number(number)] ?? `syscall ${number}`, firstArgument: first?.startsWith('0x') ? BigInt(first) : 0n };
}

/** Native thread id -> the address its futex wait is on, for the threads in a futex wait now. */
export function readFutexWaits(pid: number, arch: NodeJS.Architecture = process.arch): Map<number, bigint> {
  const waits = new Map<number, bigint>();
  for (const [task, call] of readBlockedCalls(pid, arch)) {
    if (call?.name === 'futex') waits.set(task, call.firstArgument);
  }
  return waits;
}

/** One buffer for every read: a look reads one short file per thread, many times a second. */
const line = Buffer.alloc(256);

function syscallFile(pid: number, tid: number): string {
  return `/proc/${pid}/task/${tid}/syscall`;
}

/** The system call in an open syscall file, read again from its start; undefined when it is empty (the thread is gone). */
function blockedCallIn(descriptor: number, arch: NodeJS.Architecture): BlockedCall | null | undefined {
  const text = line.toString('latin1', 0, fs.readSync(descriptor, line, 0, line.length, 0));
  return text ? blockedCall(text, arch) : undefined;
}

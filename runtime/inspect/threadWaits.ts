// What each thread of a process is blocked in, from /proc/PID/task/TID/syscall: the futex
// word a thread sleeps on. Locks that do not use the parking lot (3.13's RLock and every
// PyThread_type_lock are POSIX semaphores) are seen only this way: glibc's sem_wait sleeps
// on the semaphore's own address.
import * as fs from 'node:fs';

/** The futex system call's number, by architecture (as /proc reports it). */
const FUTEX: Partial<Record<NodeJS.Architecture, number>> = { x64: 202, arm64: 98 };

/** Native thread id -> the address its futex wait is on, for the threads in a futex wait now. */
export function readFutexWaits(pid: number, arch: NodeJS.Architecture = process.arch): Map<number, bigint> {
  const waits = new Map<number, bigint>();
  const futex = FUTEX[arch];
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return waits; // the process is gone: the memory reads say so
  }
  for (const task of tasks) {
    const address = futexAddress(readOrEmpty(`/proc/${pid}/task/${task}/syscall`), futex);
    if (address !== undefined) waits.set(Number(task), address);
  }
  return waits;
}

/** "202 0x55… 0x189 …": the number, then the arguments; the first argument of futex is the word. */
export function futexAddress(syscall: string, futex: number | undefined): bigint | undefined {
  const [number, first] = syscall.trim().split(/\s+/);
  if (futex === undefined || Number(number) !== futex || !first?.startsWith('0x')) return undefined;
  return BigInt(first);
}

/** One buffer for every read: a look reads one short file per thread, several times a second. */
const line = Buffer.alloc(256);

function readOrEmpty(file: string): string {
  let descriptor: number | undefined;
  try {
    descriptor = fs.openSync(file, 'r');
    return line.toString('latin1', 0, fs.readSync(descriptor, line, 0, line.length, 0));
  } catch {
    return ''; // the thread exited meanwhile
  } finally {
    if (descriptor !== undefined) fs.closeSync(descriptor);
  }
}

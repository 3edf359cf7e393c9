// Which thread a wait entry belongs to. A wait entry lives on its thread's C stack, and
// each thread's stack is one mapping of /proc/PID/maps: the initial thread's is "[stack]";
// every other thread's is the mapping its pthread block lies in, since glibc (and musl) put
// a thread's `struct pthread` at the top of the stack they allocate for it, and
// PyThreadState.thread_id is pthread_self(), the address of that block. So the attribution
// is exact: no guess from nearness, a mapping holds one thread's stack or none.
import type { MapEntry } from '../procMaps';

export interface ThreadIdentity {
  /** threading.get_ident(): pthread_self() */
  threadId: number;
  /** The Linux TID */
  nativeId: number;
}

/** A function from an address to the id of the thread whose stack holds it (undefined: none). */
export type StackOwner = (address: bigint) => number | undefined;

export function stackOwner(maps: readonly MapEntry[], pid: number, threads: readonly ThreadIdentity[]): StackOwner {
  const stacks: { start: bigint; end: bigint; threadId: number }[] = [];
  const containing = (address: bigint) => maps.find((entry) => entry.start <= address && address < entry.end);
  for (const thread of threads) {
    const mapping = thread.nativeId === pid ? maps.find((entry) => entry.path === '[stack]') : containing(BigInt(thread.threadId));
    // A mapped file is no thread stack (a thread ident that is not a pthread block).
    if (mapping && (mapping.path === '' || mapping.path === '[stack]')) stacks.push({ ...mapping, threadId: thread.threadId });
  }
  return (address) => stacks.find((stack) => stack.start <= address && address < stack.end)?.threadId;
}

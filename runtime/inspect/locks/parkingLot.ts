// The parking lot (Python/parking_lot.c): a static array of buckets, each a circular
// list of wait entries. A wait entry lives on the waiting thread's C stack and names
// the address the thread waits on, not the thread: see threadStacks.ts for that.
import { isInspectError, tornRead } from '../errors';
import { Memory } from '../memory';
import { isPointerLike } from '../objects';
import type { ProbeOffsets } from '../../probe/offsets';

export interface WaitEntry {
  /** Where the wait entry is (on the waiter's stack). */
  entry: bigint;
  /** The address waited on: a PyMutex's or PyEvent's byte, a thread state's `state`, … */
  address: bigint;
}

/** More waiters than this in one bucket means the list is being rewritten under us. */
const MAX_WAITERS_PER_BUCKET = 4096;
const ATTEMPTS = 3;

/**
 * Every parked waiter. Buckets are read in one go; each bucket's list is walked and
 * re-walked (a few times) when it changes under the reader; a bucket that never reads
 * consistently is left out and named in `torn`.
 */
export function readWaitEntries(memory: Memory, buckets: bigint, layout: ProbeOffsets['parking_lot']): { entries: WaitEntry[]; torn: number } {
  const size = layout.num_buckets * layout.bucket.size;
  const entries: WaitEntry[] = [];
  let torn = 0;
  let table = memory.read(buckets, size);
  for (let index = 0; index < layout.num_buckets; index++) {
    const bucket = buckets + BigInt(index * layout.bucket.size);
    const root = bucket + BigInt(layout.bucket.root);
    for (let attempt = 1; ; attempt++) {
      const first = table.readBigUInt64LE(index * layout.bucket.size + layout.bucket.root + layout.llist_node.next);
      if (first === root || first === 0n) break; // empty (0: never initialised)
      try {
        entries.push(...walkBucket(memory, root, first, layout));
        break;
      } catch (error) {
        if (!isInspectError(error, 'torn-read')) throw error;
        if (attempt >= ATTEMPTS) {
          torn++;
          break;
        }
        table = memory.read(buckets, size);
      }
    }
  }
  return { entries, torn };
}

/**
 * The wait entry whose semaphore is the futex word `word` (a thread parked in the parking lot
 * sleeps on it), read directly: the entry is where that word puts it, if it is linked into a
 * bucket there (its neighbours point back at it). Undefined when it is not one (a semaphore of
 * another kind, or an entry unlinked meanwhile): then only a scan of the buckets can tell.
 */
export function waitEntryAt(memory: Memory, word: bigint, layout: ProbeOffsets['parking_lot']): WaitEntry | undefined {
  const { wait_entry: waitEntry, llist_node: node } = layout;
  // glibc's sem_t sleeps on its first word (little-endian), the first field of _PySemaphore.
  const entry = word - BigInt(waitEntry.sema);
  const linked = entry + BigInt(waitEntry.node);
  try {
    const raw = memory.read(entry, waitEntry.size);
    const previous = raw.readBigUInt64LE(waitEntry.node + node.prev);
    const next = raw.readBigUInt64LE(waitEntry.node + node.next);
    if (!isPointerLike(previous) || !isPointerLike(next)) return undefined;
    if (memory.read(previous + BigInt(node.next), 8).readBigUInt64LE(0) !== linked) return undefined;
    if (memory.read(next + BigInt(node.prev), 8).readBigUInt64LE(0) !== linked) return undefined;
    return { entry, address: raw.readBigUInt64LE(waitEntry.addr) };
  } catch (error) {
    if (!isInspectError(error, 'torn-read')) throw error;
    return undefined;
  }
}

function walkBucket(memory: Memory, root: bigint, first: bigint, layout: ProbeOffsets['parking_lot']): WaitEntry[] {
  const { wait_entry: waitEntry, llist_node: node } = layout;
  const found: WaitEntry[] = [];
  let previous = root;
  for (let at = first; at !== root;) {
    if (!isPointerLike(at) || found.length >= MAX_WAITERS_PER_BUCKET) throw tornRead('a parking-lot bucket');
    const entry = at - BigInt(waitEntry.node);
    const raw = memory.read(entry, waitEntry.size);
    // A node still linked points back at the one we came from.
    if (raw.readBigUInt64LE(waitEntry.node + node.prev) !== previous) throw tornRead('a parking-lot bucket');
    found.push({ entry, address: raw.readBigUInt64LE(waitEntry.addr) });
    previous = at;
    at = raw.readBigUInt64LE(waitEntry.node + node.next);
  }
  return found;
}

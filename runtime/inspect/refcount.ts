// The reference count of one object as the free-threaded header holds it: the owner's local
// count, the shared count with its flags, immortality, deferred counting and the GC bits,
// with ob_tid mapped back to the thread that owns the object (through each thread's brc.tid).
import type { RefcountAnatomy } from '../model/samples';
import type { ProbeOffsets } from '../probe/offsets';
import { isPointerLike, ObjectReader } from './objects';
import { mainInterpreter, retry, walkThreadStates } from './walk';
import { readThreadNames } from './threadNames';

/** The object at `address`; `probe`: checked for this runtime. Its owner is found in one walk of the thread states. */
export function readRefcountAnatomy(reader: ObjectReader, runtime: bigint, probe: ProbeOffsets, address: bigint): RefcountAnatomy {
  const { object: layout } = probe;
  const header = reader.memory.read(address, layout.size);
  const tid = header.readBigUInt64LE(layout.ob_tid);
  const local = header.readUInt32LE(layout.ob_ref_local);
  const shared = header.readBigInt64LE(layout.ob_ref_shared);
  const gcBits = header[layout.ob_gc_bits] as number;
  const { refcount } = layout;
  const flags = Number(shared & BigInt(refcount.shared_flag_mask));
  const sharedCount = Number(shared >> BigInt(refcount.shared_shift));
  const immortal = local === refcount.immortal_local;
  const owner = tid === BigInt(refcount.unowned_tid) || immortal ? undefined : ownerOf(reader, runtime, probe, tid);
  return {
    address: `0x${address.toString(16)}`,
    type: typeName(reader, header.readBigUInt64LE(layout.ob_type)),
    ownerThreadId: owner?.threadId ?? Number(tid),
    ownerName: owner?.name ?? null,
    localCount: local,
    sharedCount,
    sharedFlags: { maybeWeakref: flags === refcount.maybe_weakref, queued: flags === refcount.queued, merged: flags === refcount.merged },
    immortal,
    deferred: ((gcBits >> layout.gc_bits.deferred) & 1) === 1,
    gcBits: Object.entries(layout.gc_bits)
      .filter(([, bit]) => (gcBits >> bit) & 1)
      .map(([name]) => name),
    refcount: immortal ? null : local + sharedCount,
  };
}

/** The thread whose brc.tid is `tid` (the value its objects carry in ob_tid). */
function ownerOf(reader: ObjectReader, runtime: bigint, probe: ProbeOffsets, tid: bigint): { threadId: number; name: string | null } | undefined {
  const walk = walkThreadStates(reader, runtime);
  const idAt = reader.offsets.thread_state.thread_id;
  for (const { address, raw } of walk.flatMap((entry) => entry.threadStates)) {
    if (reader.pointer(address + BigInt(probe.thread_state_impl.brc_tid)) !== tid) continue;
    const threadId = raw.readBigUInt64LE(idAt);
    const names = retry(
      () => readThreadNames(reader, mainInterpreter(walk)),
      () => new Map<bigint, string>(),
    );
    return { threadId: Number(threadId), name: names.get(threadId) ?? null };
  }
  return undefined;
}

/** tp_name (e.g. 'list'); '?' when unreadable. */
function typeName(reader: ObjectReader, type: bigint): string {
  return type !== 0n && isPointerLike(type) ? (reader.typeName(type) ?? '?') : '?';
}

// Per-thread mimalloc heaps (mem / object / gc / gc_pre): pages, bytes in use and bytes
// committed, summed over each heap's page queues (the full-page queue included).
import type { MimallocHeapInfo, ThreadHeaps } from '../model/samples';
import type { ProbeOffsets } from '../probe/offsets';
import { InspectError, isInspectError, tornRead } from './errors';
import { Memory } from './memory';
import { ObjectReader } from './objects';
import { matchingProbe, readDebugOffsets, walkThreadStates } from './snapshot';

/** mimalloc's MI_HUGE_BLOCK_SIZE: an xblock_size this large means "see the page's slices". */
const HUGE_BLOCK_SIZE = 2 ** 31;
/** More pages than this in one heap is a torn read (1 TiB of 64 KiB pages is 16 M). */
const MAX_PAGES = 1 << 20;

export function readThreadHeaps(memory: Memory, runtime: bigint, probe: ProbeOffsets): ThreadHeaps[] {
  const offsets = readDebugOffsets(memory, runtime);
  const matching = matchingProbe(probe, offsets);
  if (typeof matching === 'string') throw new InspectError('unsupported-build', matching);
  const reader = new ObjectReader(memory, offsets);
  const result: ThreadHeaps[] = [];
  for (const { address, raw } of walkThreadStates(reader, runtime).flatMap((entry) => entry.threadStates)) {
    const threadId = Number(raw.readBigUInt64LE(offsets.thread_state.thread_id));
    try {
      result.push({ threadId, heaps: threadHeaps(reader, probe, address + BigInt(probe.thread_state_impl.mimalloc)) });
    } catch (error) {
      if (!isInspectError(error, 'torn-read')) throw error; // exited meanwhile: left out
    }
  }
  return result;
}

function threadHeaps(reader: ObjectReader, probe: ProbeOffsets, state: bigint): MimallocHeapInfo[] {
  const { thread_state: layout, heap_ids } = probe.mimalloc;
  return (Object.entries(heap_ids) as [string, number][]).map(([kind, id]) => ({
    kind,
    ...heapTotals(reader, probe, state + BigInt(layout.heaps.offset + id * layout.heaps.stride)),
  }));
}

function heapTotals(reader: ObjectReader, probe: ProbeOffsets, heap: bigint): Omit<MimallocHeapInfo, 'kind'> {
  const { heap: layout, page: pageLayout, segment } = probe.mimalloc;
  const queues = reader.memory.read(heap + BigInt(layout.pages.offset), layout.pages.length * layout.pages.stride);
  const totals = { pages: 0, usedBytes: 0, committedBytes: 0 };
  for (let queue = 0; queue < layout.pages.length; queue++) {
    let page = reader.checkedPointer(queues.readBigUInt64LE(queue * layout.pages.stride + layout.pages.first), 'page queue');
    while (page !== 0n) {
      if (++totals.pages > MAX_PAGES) throw tornRead('a mimalloc page queue (too long)');
      const raw = reader.memory.read(page, pageLayout.size);
      const xblockSize = raw.readUInt32LE(pageLayout.xblock_size);
      const blockSize = xblockSize >= HUGE_BLOCK_SIZE ? raw.readUInt32LE(pageLayout.slice_count) * segment.slice_size : xblockSize;
      totals.usedBytes += raw.readUInt32LE(pageLayout.used) * blockSize;
      totals.committedBytes += raw.readUInt16LE(pageLayout.capacity) * blockSize;
      page = reader.checkedPointer(raw.readBigUInt64LE(pageLayout.next), 'page');
    }
  }
  return totals;
}

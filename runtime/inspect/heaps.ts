// Per-thread mimalloc heaps (mem / object / gc / gc_pre): pages, bytes in use and bytes
// committed, summed over each heap's page queues (the full-page queue included); and the
// interpreter's abandoned pool, where the segments of exited threads wait to be reclaimed.
import type { MimallocHeapInfo, ThreadHeaps } from '../model/samples';
import type { ProbeOffsets } from '../probe/offsets';
import { InspectError, isInspectError, tornRead } from './errors';
import { ObjectReader } from './objects';
import { InterpreterThreads, interpreterList, retry } from './walk';

/** mimalloc's MI_HUGE_BLOCK_SIZE: an xblock_size this large means "see the page's slices". */
const HUGE_BLOCK_SIZE = 2 ** 31;
/** More pages than this in one heap is a torn read (1 TiB of 64 KiB pages is 16 M). */
const MAX_PAGES = 1 << 20;
/** More abandoned segments than this (32 MiB each) is a torn read. */
const MAX_SEGMENTS = 1 << 16;

/** Each thread's heaps, from one walk of the thread states; `probe`: checked for this runtime. */
export function readThreadHeaps(reader: ObjectReader, walk: InterpreterThreads[], probe: ProbeOffsets): ThreadHeaps[] {
  const offsets = reader.offsets;
  const result: ThreadHeaps[] = [];
  for (const { address, raw } of walk.flatMap((entry) => entry.threadStates)) {
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
  const { heap: layout, page: pageLayout } = probe.mimalloc;
  const queues = reader.memory.read(heap + BigInt(layout.pages.offset), layout.pages.length * layout.pages.stride);
  const totals = { pages: 0, usedBytes: 0, committedBytes: 0 };
  for (let queue = 0; queue < layout.pages.length; queue++) {
    let page = reader.checkedPointer(queues.readBigUInt64LE(queue * layout.pages.stride + layout.pages.first), 'page queue');
    while (page !== 0n) {
      if (++totals.pages > MAX_PAGES) throw tornRead('a mimalloc page queue (too long)');
      const raw = reader.memory.read(page, pageLayout.size);
      const size = blockSize(raw, 0, probe);
      totals.usedBytes += raw.readUInt32LE(pageLayout.used) * size;
      totals.committedBytes += raw.readUInt16LE(pageLayout.capacity) * size;
      page = reader.checkedPointer(raw.readBigUInt64LE(pageLayout.next), 'page');
    }
  }
  return totals;
}

export interface AbandonedPool {
  segments: number;
  pages: number;
  usedBytes: number;
}

/** The main interpreter's abandoned segments (both lists), their pages in use and bytes used. */
export function readAbandonedPool(reader: ObjectReader, runtime: bigint, probe: ProbeOffsets): AbandonedPool {
  const layout = probe.mimalloc.abandoned_pool;
  if (!layout) throw new InspectError('unsupported-build', 'the offsets of the abandoned pool are unknown: they come from a newer offsets probe');
  // The main interpreter, created first, is last in the list: no thread state is needed.
  const interpreter = retry(() => interpreterList(reader, runtime)).at(-1) as bigint;
  return retry(() => {
    const pool = reader.memory.read(interpreter + BigInt(probe.interpreter_state.mimalloc + layout.offset), layout.size);
    const tagged = pool.readBigUInt64LE(layout.abandoned) & ~BigInt(layout.tag_mask);
    const totals = { segments: 0, pages: 0, usedBytes: 0 };
    const seen = new Set<bigint>();
    for (const head of [tagged, pool.readBigUInt64LE(layout.abandoned_visited)]) {
      for (let segment = reader.checkedPointer(head, 'abandoned segment'); segment !== 0n;) {
        if (seen.has(segment) || ++totals.segments > MAX_SEGMENTS) throw tornRead('the abandoned segments (they loop)');
        seen.add(segment);
        segment = addSegment(reader, probe, segment, totals, layout.segment_next);
      }
    }
    return totals;
  });
}

/** Adds a segment's pages in use to `totals`; returns the next abandoned segment. */
function addSegment(reader: ObjectReader, probe: ProbeOffsets, segment: bigint, totals: AbandonedPool, nextAt: number): bigint {
  const { segment: layout, page } = probe.mimalloc;
  const raw = reader.memory.read(segment, layout.size);
  const entries = Number(raw.readBigUInt64LE(layout.slice_entries));
  if (entries <= 0 || layout.slices + entries * page.size > raw.length) throw tornRead('an abandoned segment');
  for (let index = 0; index < entries;) {
    const slice = layout.slices + index * page.size;
    const count = raw.readUInt32LE(slice + page.slice_count);
    if (count === 0) throw tornRead("an abandoned segment's slices");
    // A page in use has a block size and blocks; free spans have neither, the segment's own info slices no blocks.
    if (raw.readUInt32LE(slice + page.xblock_size) > 1 && raw.readUInt16LE(slice + page.capacity) > 0) {
      totals.pages++;
      totals.usedBytes += raw.readUInt32LE(slice + page.used) * blockSize(raw, slice, probe);
    }
    index += count;
  }
  return reader.checkedPointer(raw.readBigUInt64LE(nextAt), 'abandoned segment');
}

/** The block size of the mi_page_t at `at` in `raw` (huge pages: their slices' size). */
function blockSize(raw: Buffer, at: number, probe: ProbeOffsets): number {
  const { page, segment } = probe.mimalloc;
  const xblockSize = raw.readUInt32LE(at + page.xblock_size);
  return xblockSize >= HUGE_BLOCK_SIZE ? raw.readUInt32LE(at + page.slice_count) * segment.slice_size : xblockSize;
}

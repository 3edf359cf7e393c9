// A thread's frames live in its data-stack chunks: read in one go per chunk, they serve the
// whole stack (and the frames' value stacks) with a read or two instead of one per frame.
import { tornRead } from './errors';
import { MAX_READ, Memory, PrefetchedMemory } from './memory';
import { ObjectReader } from './objects';

/** `_PyStackChunk`: previous, size (bytes, header included), top (words used in data[]), data[]. */
const STACK_CHUNK = { previous: 0, size: 8, top: 16, header: 24 };
const MAX_STACK_CHUNKS = 64;

/**
 * The frames a thread owns live in its data-stack chunks, growing upwards:
 * fetching the used part of each chunk in one read serves the whole stack with
 * a handful of reads instead of one per frame. The newest chunk is used up to
 * the current frame; older ones up to their saved `top`.
 */
export function prefetchDataStack(reader: ObjectReader, newestChunk: bigint, currentFrame: bigint): Memory {
  const memory = new PrefetchedMemory(reader.memory);
  const header = BigInt(STACK_CHUNK.header);
  const usedPart = (chunk: bigint, used: bigint): Buffer | undefined =>
    used > header && used <= BigInt(MAX_READ) ? reader.readAhead(chunk, STACK_CHUNK.header, Number(used)) : undefined;
  let chunk = reader.checkedPointer(newestChunk, 'datastack chunk');
  // The newest chunk is used up to the end of the current frame, when that frame is in it
  // (not so for a generator's frame): reading past the chunk is cut off below.
  let bytes = usedPart(chunk, currentFrame + BigInt(reader.offsets.interpreter_frame.size) - chunk);
  for (let count = 0; chunk !== 0n && count < MAX_STACK_CHUNKS; count++) {
    if (!bytes) {
      const head = reader.memory.read(chunk, STACK_CHUNK.header);
      bytes = usedPart(chunk, header + 8n * head.readBigUInt64LE(STACK_CHUNK.top)) ?? head;
    }
    const size = bytes.readBigUInt64LE(STACK_CHUNK.size);
    if (size < header || size > BigInt(MAX_READ)) throw tornRead('a data-stack chunk');
    memory.add(chunk, bytes.subarray(0, Number(size)));
    chunk = reader.checkedPointer(bytes.readBigUInt64LE(STACK_CHUNK.previous), 'datastack chunk');
    bytes = undefined;
  }
  return memory;
}

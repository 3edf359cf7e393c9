// The synchronisation primitive a blocked thread waits in, told by its innermost Python
// frames: Condition.wait, Semaphore.acquire, Queue.get… all end up parked on a private
// waiter Lock nobody else knows; what the user knows is the Condition, Semaphore or Queue,
// which is the waiting method's `self`.
import type { LockKind } from '../../model/locks';
import type { FrameView } from './frameObjects';

/** Methods that wait on their `self`, by file basename and co_qualname. */
const WAITING_METHODS: { file: string; function: string; kind: LockKind }[] = [
  { file: 'threading.py', function: 'Condition.wait', kind: 'Condition' },
  { file: 'threading.py', function: 'Condition.wait_for', kind: 'Condition' },
  { file: 'threading.py', function: 'Semaphore.acquire', kind: 'Semaphore' },
  { file: 'threading.py', function: 'Event.wait', kind: 'Event' },
  { file: 'threading.py', function: 'Barrier._wait', kind: 'Barrier' },
  { file: 'threading.py', function: 'Barrier.wait', kind: 'Barrier' },
  { file: 'queue.py', function: 'Queue.get', kind: 'Queue' },
  { file: 'queue.py', function: 'Queue.put', kind: 'Queue' },
  // A module being imported by another thread: importlib waits on the module's lock.
  { file: '<frozen importlib._bootstrap>', function: '_ModuleLock.acquire', kind: 'import-lock' },
];

export interface AwaitedPrimitive {
  kind: LockKind;
  /** The primitive object (the method's `self`). */
  object: bigint;
  /** How many of the innermost frames are the primitive's own (the caller's frame is at this index). */
  depth: number;
}

/**
 * The outermost of the waiting methods the innermost frames are in (Queue.get, not the
 * Condition.wait it calls), or undefined when the innermost frame is no waiting method
 * (the thread waits on the lock it names itself).
 */
export function awaitedPrimitive(frames: readonly FrameView[]): AwaitedPrimitive | undefined {
  let found: AwaitedPrimitive | undefined;
  for (const [index, frame] of frames.entries()) {
    const base = frame.file.slice(frame.file.lastIndexOf('/') + 1);
    const method = WAITING_METHODS.find((candidate) => candidate.function === frame.function && candidate.file === base);
    if (!method || frame.locals.length === 0) break;
    found = { kind: method.kind, object: frame.locals[0], depth: index + 1 };
  }
  return found;
}

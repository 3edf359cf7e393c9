// Threads of a launched program that its agent does not know: started from C (a native
// library's thread that calls into Python) and not run a Python line since the stop. At a
// stop-all the agent names them by ident; the process's memory gives their native ids, names
// and stacks. Their frames have ids from MEMORY_FRAME_IDS on: no variables can be read there.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { UserFacingError } from '../runtime/errors';
import type { ThreadSnapshot } from '../runtime/inspect';
import type { OutsideThreadsInfo } from '../runtime/agent/protocol';
import type { ProcessReader } from '../runtime/inspect';
import { memoryStackTrace } from './memoryFrames';

/** Frame ids from here on are memory's (the agent numbers its frames and values from 1 up, per session). */
const MEMORY_FRAME_IDS = 2 ** 30;

const OUTSIDE_FRAME_MESSAGE =
  'This thread was started outside threading (from C) and has not run Python code since the stop: ftpy shows its stack from memory, not its values.';

export function isMemoryFrame(frameId: unknown): boolean {
  return typeof frameId === 'number' && frameId >= MEMORY_FRAME_IDS;
}

export class OutsideThreads {
  /** Native id -> the thread as memory showed it at this stop. */
  private threads = new Map<number, ThreadSnapshot>();
  private frameIds = MEMORY_FRAME_IDS;

  /** `memory` opens the process for reading, or says why it cannot. */
  constructor(private readonly memory: () => Promise<ProcessReader | string>) {}

  /** The DAP threads for those the agent does not know (none when memory cannot be read). */
  async list({ idents, hiddenFiles }: OutsideThreadsInfo): Promise<DebugProtocol.Thread[]> {
    this.forget();
    if (idents.length === 0) return [];
    const memory = await this.memory();
    if (typeof memory === 'string') return [];
    const wanted = new Set(idents);
    const hidden = new Set(hiddenFiles);
    // Without the probe's offsets, the interpreter's own _Py_DebugOffsets give every thread and stack.
    for (const thread of memory.snapshot().threads) {
      if (wanted.has(thread.threadId)) this.threads.set(thread.nativeId, { ...thread, frames: thread.frames.filter((frame) => !hidden.has(frame.file)) });
    }
    return [...this.threads.values()].map((thread) => ({
      id: thread.nativeId,
      name: `${thread.name ?? 'Thread started outside threading'} [${thread.nativeId}] (from C, seen from memory)`,
    }));
  }

  /** The thread's stack, if it is one of these; undefined otherwise. */
  stackTrace(args: DebugProtocol.StackTraceArguments): DebugProtocol.StackTraceResponse['body'] | undefined {
    const thread = this.threads.get(args.threadId);
    return thread && memoryStackTrace(thread, args, () => ++this.frameIds);
  }

  /** The answer to a request about one of their frames (scopes: none; values: a message). */
  static frameRequest(command: string): DebugProtocol.Response['body'] {
    if (command === 'scopes') return { scopes: [] };
    throw new UserFacingError(OUTSIDE_FRAME_MESSAGE);
  }

  /** The threads run on: what memory showed is stale. */
  forget(): void {
    this.threads.clear();
    this.frameIds = MEMORY_FRAME_IDS;
  }
}

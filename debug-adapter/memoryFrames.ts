// DAP stack frames of a thread as the process's memory shows it (runtime/inspect): for a
// read-only attach, and for threads of a launched program that the agent does not know.
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ThreadSnapshot } from '../runtime/inspect';

/** One page of `thread`'s stack (startFrame/levels), each frame numbered by `nextId`. */
export function memoryStackTrace(
  thread: ThreadSnapshot,
  args: DebugProtocol.StackTraceArguments,
  nextId: () => number,
): DebugProtocol.StackTraceResponse['body'] {
  const start = args.startFrame ?? 0;
  const end = args.levels ? start + args.levels : undefined;
  const stackFrames = thread.frames.slice(start, end).map((frame): DebugProtocol.StackFrame => ({
    id: nextId(),
    name: frame.function,
    line: frame.line ?? 0,
    column: 0,
    ...(path.isAbsolute(frame.file) ? { source: { name: path.basename(frame.file), path: frame.file } } : {}),
  }));
  return { stackFrames, totalFrames: thread.frames.length };
}

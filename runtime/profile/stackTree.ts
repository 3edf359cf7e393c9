// Collapsed stacks counted as a tree. A sample walks down nodes keyed by the strings the code
// cache already holds (file, function) and the line number; each node's text is made once, and
// the collapsed lines only when they are asked for. Building every thread's line for every sample
// cost about half of what the sampler spent on a sample.
import * as path from 'node:path';
import type { FrameSnapshot } from '../inspect/frames';

class StackNode {
  count = 0;
  /** Thread names and wait frames below this node. */
  private readonly labels = new Map<string, StackNode>();
  /** Python frames below this node: file -> function -> line -> node. */
  private readonly frames = new Map<string, Map<string, Map<number | null, StackNode>>>();

  constructor(readonly text: string) {}

  label(text: string): StackNode {
    let child = this.labels.get(text);
    if (!child) {
      child = new StackNode(clean(text));
      this.labels.set(text, child);
    }
    return child;
  }

  frame(frame: FrameSnapshot): StackNode {
    const byFunction = getOrAdd(this.frames, frame.file, () => new Map<string, Map<number | null, StackNode>>());
    const byLine = getOrAdd(byFunction, frame.function, () => new Map<number | null, StackNode>());
    return getOrAdd(byLine, frame.line, () => new StackNode(clean(`${frame.function} (${path.basename(frame.file)}:${frame.line ?? '?'})`)));
  }

  *children(): Generator<StackNode> {
    yield* this.labels.values();
    for (const byFunction of this.frames.values()) for (const byLine of byFunction.values()) yield* byLine.values();
  }
}

export class StackTree {
  private readonly root = new StackNode('');

  /** One sample of a thread: its name, its frames innermost first, and its wait as one more frame. */
  add(thread: string, frames: readonly FrameSnapshot[], wait: string | undefined): void {
    let node = this.root.label(thread);
    for (let index = frames.length - 1; index >= 0; index--) node = node.frame(frames[index]);
    if (wait) node = node.label(wait);
    node.count++;
  }

  /** Each stack seen, `thread;outermost;…;innermost[;wait]`, with its count. */
  *stacks(): Generator<[string, number]> {
    const walk = function* (node: StackNode, prefix: string): Generator<[string, number]> {
      for (const child of node.children()) {
        const stack = prefix ? `${prefix};${child.text}` : child.text;
        if (child.count > 0) yield [stack, child.count];
        yield* walk(child, stack);
      }
    };
    yield* walk(this.root, '');
  }
}

/** A frame of the collapsed format: no ';' (the separator) and no line break. */
export function clean(text: string): string {
  return text.replace(/[;\r\n]/g, '_');
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

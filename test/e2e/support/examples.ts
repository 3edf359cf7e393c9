import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const examples = path.resolve(__dirname, '..', '..', '..', 'examples');

/** The 1-based line of the first line of examples/`file` containing `text`. */
export function exampleLine(file: string, text: string): number {
  const index = fs
    .readFileSync(path.join(examples, file), 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(text));
  assert.ok(index >= 0, `${text} is in ${file}`);
  return index + 1;
}

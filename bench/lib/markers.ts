import * as fs from 'node:fs';

/** The line (1-based) of a `# @bp:NAME` marker in a Python file. */
export function markerLine(file: string, name: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((line) => new RegExp(`#\\s*@bp:${name}\\b`).test(line));
  if (index < 0) throw new Error(`${file} has no "# @bp:${name}" marker`);
  return index + 1;
}

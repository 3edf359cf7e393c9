import * as fs from 'node:fs';

/** The line of `# @bp:NAME` in a fixture. */
export function marker(file: string, name: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(`# @bp:${name}`) && new RegExp(`# @bp:${name}\\b`).test(line));
  if (index < 0) throw new Error(`no marker @bp:${name} in ${file}`);
  return index + 1;
}

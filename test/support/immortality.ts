// test/fixtures/immortal_parity.py's census: which of a program's objects CPython made
// immortal, as plain `python -X gil=0` runs it (the ground truth) and from any output.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

export const immortalParity = path.join(__dirname, '..', 'fixtures', 'immortal_parity.py');

export type Census = Record<string, Record<string, boolean>>;

export function censusIn(output: string): Census {
  const line = /^IMMORTAL (.*)$/m.exec(output);
  if (!line) throw new Error(`the program printed no census:\n${output}`);
  return JSON.parse(line[1]) as Census;
}

export function plainCensus(python: string): Census {
  return censusIn(execFileSync(python, ['-X', 'gil=0', immortalParity], { encoding: 'utf8' }));
}

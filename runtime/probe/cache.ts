import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ftpyHome } from '../provision/home';
import { readyRuntime } from '../provision/runtime';
import { buildProbe } from './build';
import { loadProbeOffsets, ProbeOffsets } from './offsets';

/** The probe's offsets for an interpreter: the embedded runtime's were built at provisioning
 * (offsets.json in its prefix); any other interpreter's are built on first use and cached by
 * its path, size and mtime. Throws ProbeBuildError when they cannot be had. */
export async function offsetsFor(python: string): Promise<ProbeOffsets> {
  const file = offsetsFile(python);
  return loadProbeOffsets(file) ?? buildProbe(python, file);
}

/** The offsets if they are at hand without building the probe: the embedded runtime's always,
 * another interpreter's once a session has built them. */
export function knownOffsets(python: string): ProbeOffsets | undefined {
  return loadProbeOffsets(offsetsFile(python));
}

function offsetsFile(python: string): string {
  const real = fs.realpathSync(python);
  const embedded = readyRuntime();
  if (embedded && fs.realpathSync(embedded.python) === real) return embedded.offsets;
  const stat = fs.statSync(real);
  const key = createHash('sha256').update(`${real}\0${stat.size}\0${stat.mtimeMs}`).digest('hex').slice(0, 16);
  return path.join(ftpyHome(), 'offsets', `${key}.json`);
}

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ftpyHome } from '../provision/home';
import { readyRuntime } from '../provision/runtime';
import { ElfFile } from '../inspect/elf';
import { errorMessage } from '../errors';
import { buildProbe, ProbeBuildError } from './build';
import { loadProbeOffsets, ProbeOffsets } from './offsets';

/** The probe's offsets for an interpreter: the embedded runtime's were built at provisioning
 * (offsets.json in its prefix); any other interpreter's are built on first use and cached by the
 * identity of its build (so a shim, a wrapper or a copy never gets another build's offsets).
 * Throws ProbeBuildError when they cannot be had. */
export async function offsetsFor(python: string): Promise<ProbeOffsets> {
  const file = offsetsFile(python);
  return loadProbeOffsets(file) ?? buildProbe(python, file);
}

/** The offsets if they are at hand without building the probe: the embedded runtime's always,
 * another interpreter's once a session has built them. */
export function knownOffsets(python: string): ProbeOffsets | undefined {
  try {
    return loadProbeOffsets(offsetsFile(python));
  } catch {
    return undefined; // not a binary (a shim or a wrapper script): nothing known
  }
}

function offsetsFile(python: string): string {
  const real = fs.realpathSync(python);
  const embedded = readyRuntime();
  if (embedded && fs.realpathSync(embedded.python) === real) return embedded.offsets;
  const key = createHash('sha256').update(buildIdentity(real)).digest('hex').slice(0, 16);
  return path.join(ftpyHome(), 'offsets', `${key}.json`);
}

/** What tells this build from every other: the GNU build-id of the file that holds the runtime
 * (the executable, or for a shared build the libpython of its prefix as well); a file without
 * one is known by its content. */
function buildIdentity(executable: string): string {
  const ids = [identityOf(executable)];
  if (!ElfFile.open(executable).symbol('_PyRuntime')) {
    const lib = path.join(path.dirname(path.dirname(executable)), 'lib');
    const shared = fs.existsSync(lib)
      ? fs
          .readdirSync(lib)
          .filter((name) => /^libpython.*\.so/.test(name))
          .sort()
      : [];
    ids.push(...shared.map((name) => identityOf(fs.realpathSync(path.join(lib, name)))));
  }
  return ids.join('\0');
}

function identityOf(file: string): string {
  let elf: ElfFile;
  try {
    elf = ElfFile.open(file);
  } catch (error) {
    throw new ProbeBuildError(
      `${file} is not an interpreter binary (${errorMessage(error)}); a shim or wrapper script has no offsets of its own: debug or attach to the process it starts`,
    );
  }
  return elf.buildId() ?? `sha256:${createHash('sha256').update(fs.readFileSync(file)).digest('hex')}`;
}

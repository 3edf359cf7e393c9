// Finding _PyRuntime in a live process: CPython's own algorithm
// (Python/remote_debug.h): the first mapped file whose basename contains
// "python" and has a .PyRuntime section; address = map start + sh_addr - load address.
// Builds before 3.13 have no such section; the _PyRuntime symbol still locates them.
import { ElfFile } from './elf';
import { InspectError, isInspectError } from './errors';
import { MapEntry, pythonBinaries } from './procMaps';

export interface RuntimeLocation {
  /** Address of _PyRuntime (and of its _Py_DebugOffsets) in the target. */
  address: bigint;
  /** The executable or libpython that holds it. */
  binary: string;
  /** Target address minus link-time address, for symbols of that binary. */
  loadBias: bigint;
  elf: ElfFile;
}

export function locateRuntime(maps: MapEntry[], openElf: (path: string) => ElfFile = ElfFile.open): RuntimeLocation {
  const candidates = pythonBinaries(maps);
  for (const { path, start } of candidates) {
    let elf: ElfFile;
    try {
      elf = openElf(path);
    } catch (error) {
      if (isInspectError(error, 'bad-elf')) continue;
      throw error;
    }
    const loadBias = start - elf.loadAddress();
    const linkAddress = elf.section('.PyRuntime')?.addr ?? elf.symbol('_PyRuntime')?.value;
    if (linkAddress !== undefined) return { address: loadBias + linkAddress, binary: path, loadBias, elf };
  }
  throw new InspectError(
    'not-python',
    candidates.length === 0
      ? 'not a Python process: no python executable or libpython is mapped'
      : `not a Python process: no _PyRuntime in ${candidates.map((candidate) => candidate.path).join(', ')}`,
  );
}

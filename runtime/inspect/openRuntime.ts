// One way to open a live process for reading, for the debug adapter, `ftpy dump` and the benches:
// attach, then the probe's offsets for the interpreter it runs, or why there are none.
import { errorMessage } from '../errors';
import { offsetsFor } from '../probe/cache';
import type { ProbeOffsets } from '../probe/offsets';
import { ProcessReader } from './index';

export interface OpenRuntimeOptions {
  /** Offsets to use (`ftpy dump --offsets`), checked against the process like any. */
  probe?: ProbeOffsets;
  /** The interpreter the process was started with, when /proc/PID/exe cannot tell (it exited, or it is not readable). */
  python?: string;
}

/**
 * Attaches to `pid` (an InspectError says why it cannot) and takes the probe's offsets for the
 * binary it runs, built once per binary and cached; `reader.probe` says why there are none.
 */
export async function openRuntime(pid: number, options: OpenRuntimeOptions = {}): Promise<ProcessReader> {
  const reader = ProcessReader.attach(pid);
  if (options.probe) {
    reader.useProbe(options.probe);
    return reader;
  }
  const python = reader.interpreterPath() ?? options.python;
  if (!python) {
    reader.useProbe('the process does not run a python executable the offsets probe can be built for');
    return reader;
  }
  try {
    reader.useProbe(await offsetsFor(python));
  } catch (error) {
    reader.useProbe(`the offsets probe for ${python} could not be built (${errorMessage(error)})`);
  }
  return reader;
}

import * as os from 'node:os';
import * as path from 'node:path';

/** ftpy's per-user cache: $FTPY_HOME, default ~/.cache/ftpy. */
export function ftpyHome(): string {
  return process.env.FTPY_HOME || path.join(os.homedir(), '.cache', 'ftpy');
}

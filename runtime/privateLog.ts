// Logs ftpy writes hold what a program and its user would not show others (environment values,
// evaluate results, command lines): each is a new file only its user can read, in a folder only
// its user can list.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Creates `dir` (mode 0700) if needed and refuses one that others can reach or that is not ours. */
export function privateDirectory(dir: string): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = fs.lstatSync(dir);
  if (!stat.isDirectory() || stat.uid !== process.getuid?.()) throw new Error(`${dir} is not a folder of yours: ftpy will not write its logs there.`);
  if ((stat.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
  return dir;
}

/** A new log file `name` in the private folder `dir`, created exclusively with mode 0600 (an
 * earlier one of the same name is replaced, never written through); returns its descriptor. */
export function openPrivateLog(dir: string, name: string): { path: string; fd: number } {
  const file = path.join(privateDirectory(dir), name);
  fs.rmSync(file, { force: true });
  return { path: file, fd: fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600) };
}

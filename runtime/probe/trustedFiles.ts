// ftpy runs a target interpreter (for its build configuration) and compiles and runs a probe
// against its headers with its configured compiler. Inspecting another user's process (root
// attaching to anyone's) must not run that user's files as us: only files of ours or root's.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Why `file` may not be run (or compiled in) by us, or undefined when it and every folder above
 * it belong to us or to root and no other user can change them. */
export function untrustedReason(file: string, what: string): string | undefined {
  const me = process.getuid?.() ?? 0;
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    return undefined; // nothing there to run: running it fails with its own message
  }
  for (let at = real; ; at = path.dirname(at)) {
    const stat = fs.statSync(at);
    if (stat.uid !== me && stat.uid !== 0) {
      return `${what} ${file} is not yours or root's (${at} belongs to user ${stat.uid}), and ftpy does not run another user's files; run ftpy as that user`;
    }
    // Others may write only where the sticky bit keeps them from replacing what is not theirs (/tmp).
    if ((stat.mode & 0o002) !== 0 && !(stat.isDirectory() && (stat.mode & 0o1000) !== 0)) {
      return `${what} ${file} can be changed by any user (${at} is world-writable), and ftpy does not run such files`;
    }
    if (path.dirname(at) === at) return undefined;
  }
}

/** `name` as execFile would find it on PATH (an absolute or relative path is returned as is). */
export function onPath(name: string): string | undefined {
  if (name.includes('/')) return name;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const copies = new Map<string, string>();

/** A copy of a built bundle that any user can run: tests that run it as another user must not
 * depend on the checkout's folder being readable by them (a CI clone may sit in a 0700 folder). */
export function copyForAnyUser(file: string): string {
  let copy = copies.get(file);
  if (!copy) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-any-user-'));
    fs.chmodSync(dir, 0o755);
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    copy = path.join(dir, path.basename(file));
    fs.copyFileSync(file, copy);
    fs.chmodSync(copy, 0o755);
    copies.set(file, copy);
  }
  return copy;
}

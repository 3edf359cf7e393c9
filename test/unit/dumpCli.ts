// Runs `ftpy dump` as a real process (exit code, stdout, stderr), from the built CLI.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliPath } from '../support/cli';

export interface DumpOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

let worldReadableCli: string | undefined;

/** A copy of the CLI that any user can run (the checkout may sit in a private folder). */
function cliForAnyUser(): string {
  if (!worldReadableCli) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-dump-test-'));
    fs.chmodSync(dir, 0o755);
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    worldReadableCli = path.join(dir, 'cli.js');
    fs.copyFileSync(cliPath(), worldReadableCli);
    fs.chmodSync(worldReadableCli, 0o755);
  }
  return worldReadableCli;
}

/** `ftpy dump ARGS`, optionally as another user (setpriv; needs root). */
export function runDump(args: string[], asUser?: number): Promise<DumpOutcome> {
  const command = asUser === undefined ? [process.execPath, cliPath(), 'dump', ...args] : [process.execPath, cliForAnyUser(), 'dump', ...args];
  const [file, ...rest] =
    asUser === undefined ? command : ['setpriv', `--reuid=${asUser}`, `--regid=${asUser}`, '--clear-groups', ...command];
  return new Promise((resolve) => {
    execFile(file, rest, { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

// Runs `ftpy dump` as a real process (exit code, stdout, stderr), from the built CLI.
import { execFile } from 'node:child_process';
import { copyForAnyUser } from '../support/anyUser';
import { cliPath } from '../support/cli';

export interface DumpOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `ftpy dump ARGS`, optionally as another user (setpriv; needs root). */
export function runDump(args: string[], asUser?: number): Promise<DumpOutcome> {
  const command = asUser === undefined ? [process.execPath, cliPath(), 'dump', ...args] : [process.execPath, copyForAnyUser(cliPath()), 'dump', ...args];
  const [file, ...rest] = asUser === undefined ? command : ['setpriv', `--reuid=${asUser}`, `--regid=${asUser}`, '--clear-groups', ...command];
  return new Promise((resolve) => {
    execFile(file, rest, { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

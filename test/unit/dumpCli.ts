// Runs `ftpy dump` as a real process (exit code, stdout, stderr). Until cli/main.ts
// wires the command, dumpEntry.ts is bundled once with esbuild and run with plain node.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

export interface DumpOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

let bundle: string | undefined;

function dumpBundle(): string {
  if (!bundle) {
    // Inside the package (out/ is git-ignored): the probe finds probe.c from the package root.
    const out = path.join(__dirname, '..', '..', 'out');
    fs.mkdirSync(out, { recursive: true });
    const dir = fs.mkdtempSync(path.join(out, 'dump-test-'));
    fs.chmodSync(dir, 0o755); // other users run it too (permission tests)
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    bundle = path.join(dir, 'dump.js');
    buildSync({ entryPoints: [path.join(__dirname, 'dumpEntry.ts')], bundle: true, platform: 'node', target: 'node20', outfile: bundle, logLevel: 'error' });
  }
  return bundle;
}

/** `ftpy dump ARGS`, optionally as another user (setpriv; needs root). */
export function runDump(args: string[], asUser?: number): Promise<DumpOutcome> {
  const command = [process.execPath, dumpBundle(), ...args];
  const [file, ...rest] =
    asUser === undefined ? command : ['setpriv', `--reuid=${asUser}`, `--regid=${asUser}`, '--clear-groups', ...command];
  return new Promise((resolve) => {
    execFile(file, rest, { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

import { spawn, SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const fixtures = path.join(repoRoot, 'test', 'fixtures');

/** A built bundle of dist/ (bootstrap builds them: `node esbuild.js`). */
export function distPath(bundle: string): string {
  const file = path.join(repoRoot, 'dist', bundle);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: build first (node esbuild.js)`);
  return file;
}

/** The built `ftpy` command line. */
export function cliPath(): string {
  return distPath('cli.js');
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `ftpy ARGS` to completion (killing it after `timeoutMs`). */
export function runFtpy(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<Finished> {
  return finished(spawn(process.execPath, [cliPath(), ...args], spawnOptions(options)), options.input, options.timeoutMs ?? 120_000);
}

function spawnOptions(options: { env?: NodeJS.ProcessEnv; cwd?: string }): SpawnOptions {
  return { cwd: options.cwd ?? repoRoot, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] };
}

export function finished(child: ReturnType<typeof spawn>, input: string | undefined, timeoutMs: number): Promise<Finished> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${timeoutMs} ms; stdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

import { spawn } from 'node:child_process';
import { BenchRecord, parseBenchLine, wallClockMs } from './dap';

export interface ProcessRun {
  wallMs: number;
  /** The BENCH lines it printed, on stdout or stderr. */
  records: BenchRecord[];
  stdout: string;
}

/** Runs a program to its end, timing it from spawn to exit and collecting its BENCH lines. */
export function runTimed(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = wallClockMs();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const ended = wallClockMs();
      if (code !== 0) {
        reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit code ${code}`}): ${stderr.trim().slice(-2000)}`));
        return;
      }
      const records = `${stdout}\n${stderr}`.split('\n').flatMap((line) => parseBenchLine(line, ended) ?? []);
      resolve({ wallMs: ended - started, records, stdout });
    });
  });
}

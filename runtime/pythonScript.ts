// Runs one of ftpy's stdlib-only helper scripts under a (free-threaded) interpreter:
// isolated (-I: no user site, no PYTHON* variables, not the script's folder on sys.path),
// writing no .pyc files into the user's folders (-B), with the GIL forced off, stdin fed, stdout collected, killed after a time limit.
import { spawn } from 'node:child_process';
import { UserFacingError } from './errors';

export interface ScriptOptions {
  input?: string;
  timeoutMs?: number;
}

/** The script's stdout once it exits 0; a UserFacingError when the interpreter cannot be run,
 * an Error with its stderr when the script fails or times out. */
export function runPythonScript(python: string, script: string, args: readonly string[], options: ScriptOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-I', '-B', '-X', 'gil=0', script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish within ${timeoutMs / 1000} s under ${python}`));
    }, timeoutMs);
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr = (stderr + data.toString()).slice(-4000)));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT' || error.code === 'EACCES'
          ? new UserFacingError(`Cannot run the Python interpreter ${python} (${error.code}): select a free-threaded interpreter or install the embedded runtime.`, 'selectInterpreter')
          : error,
      );
    });
    // A script that exits before reading all its input closes the pipe: not an error of ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${script} failed under ${python} (exit code ${code}):\n${stderr.trim()}`));
    });
  });
}

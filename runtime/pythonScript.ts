// Runs one of ftpy's stdlib-only helper scripts under a free-threaded interpreter: isolated
// (-I: no user site, no PYTHON* variables, not the script's folder on sys.path), writing no
// .pyc files into the user's folders (-B), with the GIL forced off, stdin fed, stdout
// collected, killed after a time limit.
import { spawn } from 'node:child_process';
import { describeInterpreter, requireFreeThreaded } from './provision/interpreters';

export interface ScriptOptions {
  input?: string;
  timeoutMs?: number;
}

const checked = new Map<string, Promise<unknown>>();

/** Checks once per path that `python` runs and is a free-threaded CPython 3.13+. */
function checkInterpreter(python: string): Promise<unknown> {
  let check = checked.get(python);
  if (!check) {
    check = describeInterpreter(python).then(requireFreeThreaded);
    // A failed check is not remembered: the user may install or fix the interpreter.
    check.catch(() => checked.delete(python));
    checked.set(python, check);
  }
  return check;
}

/** The script's stdout once it exits 0; a UserFacingError when the interpreter is missing or
 * not free-threaded, an Error with its stderr when the script fails or times out. */
export async function runPythonScript(python: string, script: string, args: readonly string[], options: ScriptOptions = {}): Promise<string> {
  await checkInterpreter(python);
  return run(python, script, args, options.input ?? '', options.timeoutMs ?? 30_000);
}

function run(python: string, script: string, args: readonly string[], input: string, timeoutMs: number): Promise<string> {
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
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // A script that exits before reading all its input closes the pipe: not an error of ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${script} failed under ${python} (exit code ${code}):\n${stderr.trim()}`));
    });
  });
}

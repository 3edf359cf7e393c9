import { spawn } from 'node:child_process';

export interface CommandOutput {
  /** Receives every chunk the command prints (stdout and stderr interleaved). */
  write(chunk: string): void;
}

export class CommandFailed extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly tail: string,
  ) {
    super(`\`${command}\` failed (${exitCode === null ? 'killed' : `exit code ${exitCode}`})${tail ? `:\n${tail}` : ''}`);
  }
}

interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  output?: CommandOutput;
}

/** Runs a command to completion, streaming its output; resolves with what it printed on stdout. */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const shown = [command, ...args].join(' ');
  options.output?.write(`$ ${shown}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let tail = '';
    const collect = (isStdout: boolean) => (data: Buffer) => {
      const text = data.toString();
      if (isStdout) stdout += text;
      tail = (tail + text).slice(-4000);
      options.output?.write(text);
    };
    child.stdout.on('data', collect(true));
    child.stderr.on('data', collect(false));
    child.on('error', (error) => reject(error));
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new CommandFailed(shown, code, lastLines(tail, 15)));
    });
  });
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

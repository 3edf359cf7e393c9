#!/usr/bin/env node
// The `ftpy` command line.
import { UserFacingError } from '../runtime/errors';
import { dumpCommand } from './dump';
import { interpretersCommand } from './interpreters';
import { profileCommand } from './profile';
import { runCommand } from './run';
import { runtimeCommand } from './runtimeCommand';
import { USAGE, UsageError } from './usage';

declare const FTPY_VERSION: string;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runCommand(rest);
    case 'runtime':
      return runtimeCommand(rest);
    case 'dump':
      return dumpCommand(rest);
    case 'interpreters':
      return interpretersCommand(rest);
    case 'profile':
      return profileCommand(rest);
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case '--version':
      process.stdout.write(`ftpy ${FTPY_VERSION}\n`);
      return 0;
    case undefined:
      process.stderr.write(USAGE);
      return 2;
    default:
      throw new UsageError(`unknown command '${command}' (commands: run, runtime, dump, profile, interpreters; see ftpy --help)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof UserFacingError) {
      const message = error.message.startsWith('ftpy') ? error.message : `ftpy: ${error.message}`;
      process.stderr.write(`${message}\n`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
    } else {
      process.stderr.write(`ftpy: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 70;
    }
  },
);

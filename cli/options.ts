// Every `ftpy` command reads its arguments with node's own parseArgs; a mistake is one UsageError
// line naming the command and its usage (exit code 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The command's options and positionals; `usage` ends every error. */
export function parseOptions<T extends Options>(command: string, usage: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`ftpy ${command}: ${mistake(error as Error & { code?: string })} (${usage})`);
  }
}

/** For a command that runs a program: its options come first; from the first positional (or
 * after `--`) on, every argument is the program's, options included. */
export function parseOptionsBeforeProgram<T extends Options>(command: string, usage: string, args: string[], options: T) {
  const tokens = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true }).tokens;
  const first = tokens.find((token) => token.kind === 'positional' || token.kind === 'option-terminator');
  const own = first ? args.slice(0, first.index) : args;
  const program = first ? args.slice(first.kind === 'option-terminator' ? first.index + 1 : first.index) : [];
  return { values: parseOptions(command, usage, own, options).values, program };
}

/** parseArgs' error, said the way ftpy says it. */
function mistake(error: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1] ?? '';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option '${option}'`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return /does not take/.test(error.message) ? `${option} takes no value` : `${option} needs a value`;
  return error.message;
}

// The command line every benchmark accepts.
import { parseArgs } from 'node:util';
export interface BenchOptions {
  /** Fewer rounds and less work: a smoke run in well under a minute. */
  quick: boolean;
  /** Print the results as one JSON document instead of tables. */
  json: boolean;
  /** Rounds over all modes; each round runs every mode once. */
  rounds: number;
  /** A case whose first run takes longer is not repeated. */
  repeatUnderMs: number;
  /** A run that takes longer is ended and its case reported as not finished. */
  caseTimeoutMs: number;
  /** Debuggers left out of this run (by name: debugpy, ftpy). */
  without: string[];
  /** Work size, for benchmarks that have one (more work: less noise, longer runs). */
  size: number | undefined;
}

export const USAGE = `options:
  --quick       fewer rounds and a smaller workload
  --rounds N    rounds over all modes (default 5, --quick 3)
  --repeat-under S
                a case whose first run takes longer than S seconds is not repeated (default 15)
  --case-timeout S
                a run taking longer than S seconds is ended, its case reported as too slow (default 30)
  --without NAME
                leave a debugger out (debugpy or ftpy; repeatable), e.g. for a quicker run
  --size N      the work size, for benchmarks that have one (e.g. calls of the hot function)
  --json        print the results as JSON (to paste into notes)`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  const numbers = { type: 'string' } as const;
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        quick: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        rounds: numbers,
        'repeat-under': numbers,
        'case-timeout': numbers,
        size: numbers,
        without: { type: 'string', multiple: true, default: [] },
      },
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${USAGE}`);
  }
  const count = (name: 'rounds' | 'repeat-under' | 'case-timeout' | 'size', otherwise: number | undefined) => {
    const text = values[name];
    if (text === undefined) return otherwise;
    if (!/^[1-9]\d*$/.test(text)) throw new Error(`--${name} takes a positive whole number, not '${text}'\n${USAGE}`);
    return Number(text);
  };
  return {
    quick: values.quick,
    json: values.json,
    rounds: count('rounds', values.quick ? 3 : 5) as number,
    repeatUnderMs: (count('repeat-under', 15) as number) * 1000,
    caseTimeoutMs: (count('case-timeout', 30) as number) * 1000,
    without: values.without,
    size: count('size', undefined),
  };
}

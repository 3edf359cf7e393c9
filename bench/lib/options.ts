// The command line every benchmark accepts.
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
  const quick = argv.includes('--quick');
  const json = argv.includes('--json');
  let rounds = quick ? 3 : 5;
  let repeatUnderMs = 15_000;
  let caseTimeoutMs = 30_000;
  let size: number | undefined;
  const without: string[] = [];
  const numeric: Record<string, (value: number) => void> = {
    '--rounds': (value) => (rounds = value),
    '--repeat-under': (value) => (repeatUnderMs = value * 1000),
    '--case-timeout': (value) => (caseTimeoutMs = value * 1000),
    '--size': (value) => (size = value),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick' || arg === '--json') continue;
    const count = /^\d+$/.test(argv[i + 1] ?? '') ? Number(argv[i + 1]) : 0;
    if (numeric[arg] && count > 0) {
      numeric[arg](count);
      i++;
      continue;
    }
    if (arg === '--without' && argv[i + 1] && !argv[i + 1].startsWith('--')) {
      without.push(argv[++i]);
      continue;
    }
    throw new Error(`unknown or incomplete option ${arg}\n${USAGE}`);
  }
  return { quick, json, rounds, repeatUnderMs, caseTimeoutMs, without, size };
}

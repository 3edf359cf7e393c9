// Runs every case once per round, in a rotated order each round (A B C, B C A, C A B…),
// so that the machine's noise, slow drifts included, spreads over all cases alike.
// A case that fails is reported with its error and not run again; a case whose first run
// took longer than `repeatUnderMs` is not repeated either (one sample tells that it is slow,
// and repeating it would make the benchmark too long to run).

export interface Case<Sample> {
  name: string;
  run(): Promise<Sample>;
}

export interface Measured<Sample> {
  samples: Map<string, Sample[]>;
  failures: Map<string, string>;
}

export interface Schedule {
  rounds: number;
  repeatUnderMs: number;
}

export async function runInterleaved<Sample>(cases: readonly Case<Sample>[], schedule: Schedule, progress: (line: string) => void): Promise<Measured<Sample>> {
  const samples = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
  const failures = new Map<string, string>();
  const tooSlow = new Set<string>();
  for (let round = 0; round < schedule.rounds; round++) {
    for (let i = 0; i < cases.length; i++) {
      const current = cases[(i + round) % cases.length];
      if (failures.has(current.name) || tooSlow.has(current.name)) continue;
      progress(`round ${round + 1}/${schedule.rounds}: ${current.name}`);
      const started = Date.now();
      try {
        samples.get(current.name)?.push(await current.run());
        if (Date.now() - started > schedule.repeatUnderMs) tooSlow.add(current.name);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.set(current.name, message);
        progress(`  failed: ${message}`);
      }
    }
  }
  return { samples, failures };
}

/** Read access to what `runInterleaved` measured, for building tables. */
export class Results {
  constructor(private readonly measured: Measured<Record<string, number>>) {}

  samples(name: string): Record<string, number>[] {
    return this.measured.samples.get(name) ?? [];
  }

  values(name: string, key: string): number[] {
    return this.samples(name).map((sample) => sample[key]);
  }

  /** Why a case has no figures, if it failed. */
  failure(...names: string[]): string | undefined {
    return names.map((name) => this.measured.failures.get(name)).find((failure) => failure !== undefined);
  }

  /** The fewest samples among the cases. */
  count(...names: string[]): number {
    return Math.min(...names.map((name) => this.samples(name).length));
  }

  /** Every case whose name starts with `prefix`, samples pooled. */
  pooled(prefix: string): Record<string, number>[] {
    return [...this.measured.samples.entries()].filter(([name]) => name.startsWith(prefix)).flatMap(([, samples]) => samples);
  }
}

// Types for the tests, which import repeat.mjs.
export interface RepeatRun {
  seconds: number;
  passed: boolean;
  failures: string[];
  failedTiers: string[];
}
export declare function parseRepeatArgs(args: string[]): { count: number; only: string | undefined };
export declare function repeatReport(runs: readonly RepeatRun[]): string;
export declare function repeatTiers(args: string[]): Promise<boolean>;

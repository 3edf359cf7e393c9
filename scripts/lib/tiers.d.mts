// Types for the tests, which import tiers.mjs.
export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}
export interface TierResult {
  name: string;
  script: string;
  passed: boolean;
  counts: Counts;
  time: string;
}
export declare function countsFrom(text: string): Counts;
export declare function closingLineOf(results: readonly Pick<TierResult, 'passed' | 'counts'>[]): string;
export declare function runTiers(options?: { only?: string; env?: Record<string, string>; closingLine?: boolean }): Promise<TierResult[]>;

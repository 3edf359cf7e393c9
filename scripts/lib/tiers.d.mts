// Types for the tests, which import tiers.mjs.
export declare function mochaCounts(output: string): { passed: number; failed: number; skipped: number };
export declare function runTiers(): Promise<boolean>;

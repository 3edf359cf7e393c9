// Types for the tests, which import run.mjs.
export declare function openPrivateLog(logFile: string, options?: { truncate?: boolean }): number;

// Types for the tests, which import package.mjs.
export declare function packageExtension(options?: { logFile?: string }): Promise<string>;

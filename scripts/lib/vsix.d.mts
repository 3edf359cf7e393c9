// Types for the tests, which import vsix.mjs.
export declare function vsixFingerprint(file: string): string;
export declare function vsixEntries(file: string): { name: string; size: number }[];

// Types for the tests, which import processTree.cjs.
export declare function descendants(pid: number): number[];
export declare function processReport(pids: number[]): string;

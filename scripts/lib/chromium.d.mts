// Types for the end-to-end tests, which import chromium.mjs.
export declare const chromiumPath: string;
export declare const chromiumArgs: string[];
export declare function ensureChromium(): Promise<string>;

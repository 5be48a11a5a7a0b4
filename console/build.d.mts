/** Types of console/build.mjs, for the benchmark that imports it. */
export declare const CONSOLE_DIST: string;
export declare function buildConsole(): Promise<void>;

/** Types of console/build.mjs, for the benchmark and the test support that import it. */
export declare const CONSOLE_DIST: string;
export declare function buildConsole(outDir?: string): Promise<void>;

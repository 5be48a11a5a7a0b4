/** Types of scripts/python.mjs, for the TypeScript that imports it (test/, bench/). */
export function pythonExecutable(): string;

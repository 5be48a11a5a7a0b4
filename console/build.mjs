#!/usr/bin/env node
// Builds the browser console (console/src) into console/dist, the directory wrangler.toml's
// [assets] serves at `/`. It uses the esbuild that wrangler already brings, so the console adds
// no build tool. wrangler's [build] runs it before `wrangler dev` (so `npm start` and the tests'
// Worker) and `wrangler deploy`; vitest.config.ts runs it before workerd starts, because the
// Vitest plugin reads [assets] but does not run [build]. The output is never committed.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** Where the built console goes (wrangler.toml's assets.directory). */
export const CONSOLE_DIST = join(here, "dist");

/**
 * Bundles app.ts (and the CSS it imports) into `outDir` (dist/ by default), beside index.html and
 * _headers. The end-to-end tests build into a directory of their own (test/support/wrangler-config.ts).
 */
export async function buildConsole(outDir = CONSOLE_DIST) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { app: join(here, "src", "app.ts") },
    outdir: outDir,
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    sourcemap: false,
    legalComments: "none",
    logLevel: "warning",
  });
  for (const file of ["index.html", "_headers"]) copyFileSync(join(here, "static", file), join(outDir, file));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildConsole();
}

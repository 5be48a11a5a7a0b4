import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

const ROOT = resolve(import.meta.dirname, "../..");

// `npm run bench:capacity`: the ModelStore's capacity benchmark, run in workerd by the same
// plugin as the Worker's tests but kept out of `npm test` (a benchmark, not a check).
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: resolve(ROOT, "wrangler.toml") },
      // BENCH_FEATURES and BENCH_PREDICTIONS (comma-separated) narrow the grid; they reach the
      // benchmark as bindings, since workerd has no process.env.
      miniflare: {
        bindings: {
          INGEST_TOKENS: "acme:ingest-acme-0123456789abcdef",
          READ_TOKENS: "acme:read-acme-0123456789abcdef",
          BENCH_FEATURES: process.env.BENCH_FEATURES ?? "",
          BENCH_PREDICTIONS: process.env.BENCH_PREDICTIONS ?? "",
        },
      },
    }),
  ],
  test: {
    name: "capacity",
    root: ROOT,
    include: ["worker/bench/**/*.bench.ts"],
    testTimeout: 600_000,
  },
});

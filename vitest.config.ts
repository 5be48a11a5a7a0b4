import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Two projects: the runtime-agnostic core and the SDK in plain Node, the Worker in workerd.
// End-to-end tests under test/ start `wrangler dev` themselves and run in Node.
export default defineConfig({
  test: {
    // workerd reports a DecompressionStream failure as an unhandled rejection even when the
    // reader handles it a moment later (cloudflare/workerd#6061 fixed only the pipe-into-Response
    // case). The worker tests that send corrupt or cut gzip assert the 400 and 413 answers
    // themselves; only these two messages of workerd's are ignored (Node words its own differently).
    // Vitest reads this option at the root only.
    onUnhandledError: (error) => !isWorkerdDecompressionNoise(error.message),
    reporters: process.env.VITEST_JSON ? ["default", ["json", { outputFile: process.env.VITEST_JSON }]] : ["default"],
    projects: [
      {
        test: {
          name: "node",
          include: ["collector/**/*.test.ts", "sdk/**/*.test.ts", "test/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            // Test tokens for two tenants, so tests can present "another tenant's token";
            // worker/test/support/tokens.ts names them for the tests. The plugin also loads a
            // developer's .dev.vars (written by `npm start`): these bindings win over it, and the
            // limits are pinned to their defaults ("" = default) so a local override cannot leak in.
            miniflare: {
              bindings: {
                INGEST_TOKENS: "acme:ingest-acme-0123456789abcdef,globex:ingest-globex-0123456789abcdef",
                READ_TOKENS: "acme:read-acme-0123456789abcdef,globex:read-globex-0123456789abcdef",
                MAX_BODY_BYTES: "",
                MAX_DECOMPRESSED_BYTES: "",
              },
            },
          }),
        ],
        test: {
          name: "worker",
          include: ["worker/**/*.test.ts"],
          // A file's first test also starts its isolate and Durable Objects; on two cores shared
          // with the end-to-end suites that alone can pass Vitest's 5 s default.
          testTimeout: 30_000,
        },
      },
    ],
  },
});

function isWorkerdDecompressionNoise(message: string | undefined): boolean {
  return message === "Decompression failed." || message === "Called close() on a decompression stream with incomplete data";
}

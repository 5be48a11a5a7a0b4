// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", ".wrangler/**", ".scratch/**", "console/dist/**", "test-artifacts/**", "dashboards/*.json", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "separate-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        { selector: "TSEnumDeclaration", message: "No enums: use an `as const` object (erasableSyntaxOnly)." },
        { selector: "ExportAllDeclaration", message: "Explicit named exports only, never `export *`." },
      ],
    },
  },
  {
    // The core runs in the Worker, the SDK and the benchmarks alike: Web-standard globals only.
    files: ["collector/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["cloudflare:*"], message: "collector/ is runtime-agnostic: no cloudflare:* imports (STYLE.md rule 2)." },
            { group: ["node:*"], message: "collector/ is runtime-agnostic: no node:* imports (STYLE.md rule 2)." },
            { group: ["hono", "hono/*"], message: "collector/ is runtime-agnostic: hono belongs in worker/ (STYLE.md rule 2)." },
            { group: ["@opentelemetry/sdk-*"], message: "collector/ is runtime-agnostic: no OpenTelemetry SDK at run time (STYLE.md rule 2)." },
          ],
        },
      ],
    },
  },
  {
    // Test support and tests run in Node beside the core, never shipped with it.
    files: ["collector/**/*.test.ts", "collector/testing/**"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    // Outside collector/ the core is a package: its entry points only (DESIGN.md, Layout).
    files: ["worker/**/*.ts", "sdk/**/*.ts", "test/**/*.ts", "bench/**/*.ts", "examples/**/*.ts", "dashboards/**/*.ts", "console/**/*.ts", "scripts/**/*.mjs"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^\\.{1,2}/(.*/)?collector/(src|testing)(/|$)",
              message: "Import the core through its package entry points (@driftline/collector, /otlp, /promql, /series, /alerts, /testing), never collector/src or collector/testing paths.",
            },
          ],
        },
      ],
    },
  },
  {
    // Code that runs inside a Durable Object (STYLE.md rule 10): no edge folder, no Hono.
    files: ["worker/src/store/**/*.ts", "worker/src/tenant-directory.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["hono", "hono/*"], message: "store/ runs inside the Durable Object: no Hono there; the edge routes own HTTP." },
            { regex: "^(\\.\\./)+(http|auth|otlp|api|query)(/|$)", message: "store/ runs inside the Durable Object and must not import edge folders (http/, auth/, otlp/, api/, query/)." },
            { regex: "^\\.{1,2}/(.*/)?collector/(src|testing)(/|$)", message: "Import the core through its package entry points, never collector/src or collector/testing paths." },
          ],
        },
      ],
    },
  },
  {
    // Edge code (the Worker isolate) reaches into the Durable Objects through RPC stubs only:
    // it may import store/ for types, never for values.
    files: ["worker/src/http/**/*.ts", "worker/src/auth/**/*.ts", "worker/src/otlp/**/*.ts", "worker/src/api/**/*.ts", "worker/src/query/**/*.ts", "worker/src/index.ts", "worker/src/config.ts", "worker/src/env.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "(^|/)store/",
              allowTypeImports: true,
              message: "Edge code runs in the Worker isolate: import store/ only as types (`import type`), and call the ModelStore through its RPC stub.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["scripts/**/*.mjs", ".ci/**/*.mjs", "console/build.mjs", "eslint.config.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", setTimeout: "readonly" } },
  },
);

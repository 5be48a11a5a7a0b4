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
    files: ["collector/**/*.test.ts", "collector/**/*.test-helpers.ts", "collector/src/**/testing/**", "collector/src/**/test-support/**"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: ["scripts/**/*.mjs", ".ci/**/*.mjs", "console/build.mjs", "eslint.config.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", setTimeout: "readonly" } },
  },
);

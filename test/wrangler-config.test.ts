/**
 * The tests' wrangler configuration is wrangler.toml itself, less the `[build]` step that
 * restarted every test Worker once (test/support/wrangler-config.ts says why).
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { testConfigText } from "./support/wrangler-config.ts";

const REPO_ROOT = resolve(import.meta.dirname, "..");
const toml = readFileSync(join(REPO_ROOT, "wrangler.toml"), "utf8");

describe("the end-to-end tests' wrangler configuration", () => {
  it("keeps every binding, migration and asset rule of wrangler.toml, without [build], with absolute paths", () => {
    const text = testConfigText(toml, "/repo", "/tmp/console");
    expect(text).not.toMatch(/^\[build\]/m);
    expect(text).toContain('main = "/repo/worker/src/index.ts"');
    expect(text).toContain('directory = "/tmp/console"');
    const withoutBuild = toml.replace(/^\[build\][^[]*/m, "");
    const unchanged = (t: string) => t.split("\n").filter((line) => !/^(main|directory) = /.test(line));
    expect(unchanged(text)).toEqual(unchanged(withoutBuild));
  });

  it("refuses a wrangler.toml it does not know how to rewrite", () => {
    expect(() => testConfigText(toml.replace(/^main = .*$/m, ""), "/repo", "/tmp/console")).toThrow(/no main/);
    expect(() => testConfigText(toml.replace(/^\[build\]$/m, "[builder]"), "/repo", "/tmp/console")).toThrow(/\[build\]/);
  });
});

/**
 * The wrangler configuration the end-to-end tests run: wrangler.toml itself, with absolute paths
 * and without its `[build]` section, serving a console built once per test process into a
 * directory of its own.
 *
 * Why not wrangler.toml as is: wrangler dev runs a custom build, then again when its file watcher
 * is ready ("The file console/src changed, restarting build..." at every start), and reloads the
 * Worker in between. Every test's Worker started twice, rebinding its port on the second start;
 * on a loaded machine another process could take the port in between, and wrangler exited with
 * "Address already in use" (a CI failure). `npm start` keeps the `[build]` path, and
 * test/npm-start.test.ts runs it as a user does.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildConsole } from "../../console/build.mjs";

/** Where wrangler.toml is. */
const REPO_ROOT = resolve(import.meta.dirname, "../..");

let config: Promise<string> | undefined;

/** The path of the tests' wrangler configuration, written (and the console built) on first use. */
export function testWranglerConfig(): Promise<string> {
  config ??= writeTestConfig();
  return config;
}

async function writeTestConfig(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "driftline-wrangler-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const assets = join(dir, "console");
  await buildConsole(assets);
  const path = join(dir, "wrangler.toml");
  writeFileSync(path, testConfigText(readFileSync(join(REPO_ROOT, "wrangler.toml"), "utf8"), REPO_ROOT, assets));
  return path;
}

/**
 * wrangler.toml's text without `[build]`, with `main` and the assets directory made absolute
 * (the file is read from another directory). Throws if wrangler.toml no longer has the shape it
 * rewrites, so a changed configuration cannot silently run the tests against something else.
 */
export function testConfigText(toml: string, repoRoot: string, assetsDir: string): string {
  const sections = toml.split(/^(?=\[)/m);
  const kept = sections.filter((s) => !/^\[build\]/.test(s));
  if (kept.length !== sections.length - 1) throw new Error("wrangler.toml has no single [build] section to leave out of the tests' configuration");
  let text = kept.join("");
  const main = /^main = "([^"]+)"$/m.exec(text);
  const directory = /^directory = "([^"]+)"$/m.exec(text);
  if (main === null || directory === null) throw new Error("wrangler.toml has no main or [assets] directory to rewrite for the tests");
  text = text.replace(main[0], `main = ${JSON.stringify(join(repoRoot, main[1]))}`);
  return text.replace(directory[0], `directory = ${JSON.stringify(assetsDir)}`);
}

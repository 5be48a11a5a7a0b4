/**
 * Issue 11, item 11: `npm start` as a user runs it (the real npm, scripts/start.mjs, wrangler dev,
 * workerd), on a free loopback port with its own state directory and .dev.vars in a temporary
 * directory. SIGTERM, SIGINT or even SIGKILL to the npm process must leave no process it started
 * and the port free; a port already taken (by something that even answers /healthz) is refused with a clear
 * message, never with the "Driftline is running" banner.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, killGroup } from "./support/processes.ts";

const REPO_ROOT = resolve(import.meta.dirname, "..");
/** How long `npm start` may take to print its banner (wrangler bundles the Worker first). */
const STARTUP_TIMEOUT_MS = 90_000;
/** How long everything may take to stop after the signal (start.mjs's own grace is 5 s). */
const STOP_TIMEOUT_MS = 20_000;

type Started = { child: ChildProcess; output: () => string; exited: Promise<number | null>; dir: string };
const started: Started[] = [];

afterEach(() => {
  // A failed test must not leave npm, wrangler or workerd behind: each run is its own group.
  for (const s of started.splice(0)) {
    if (s.child.pid !== undefined) killGroup(s.child.pid, "SIGKILL");
    rmSync(s.dir, { recursive: true, force: true });
  }
});

async function npmStart(port: number): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), "driftline-npm-start-"));
  const child = spawn("npm", ["start", "--silent"], {
    cwd: REPO_ROOT,
    // A group of its own, only so that afterEach can clean up; the tests signal npm's pid alone.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      DRIFTLINE_DEV_VARS: join(dir, "dev.vars"),
      DRIFTLINE_STATE_DIR: join(dir, "state"),
      DRIFTLINE_INSPECTOR_PORT: String(await freePort()),
      CI: "1",
      NO_COLOR: "1",
    },
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolveExit) => child.once("exit", (code) => resolveExit(code)));
  const s = { child, output: () => output, exited, dir };
  started.push(s);
  return s;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s. Output:\n${output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every process descended from `pid`, from one `ps` listing (parents are gone once reparented: list before the signal). */
function descendants(pid: number): number[] {
  const rows = execFileSync("ps", ["-e", "-o", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number));
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of rows) {
      if (ppid === parent) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function healthz(port: number): Promise<number | "no answer"> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) })).status;
  } catch {
    return "no answer";
  }
}

describe("npm start stops everything it started", () => {
  // SIGKILL cannot be forwarded: start.mjs notices that its parent is gone and stops the group.
  for (const signal of ["SIGTERM", "SIGINT", "SIGKILL"] as const) {
    it(`leaves no wrangler or workerd running, and the port free, after ${signal} to the npm process`, async () => {
      const port = await freePort();
      const run = await npmStart(port);
      await waitFor("npm start printed its banner", () => run.output().includes("Driftline is running"), STARTUP_TIMEOUT_MS, run.output);
      expect(await healthz(port)).toBe(200);
      const tree = descendants(run.child.pid!);
      // npm → (sh →) node start.mjs → wrangler → workerd: at least wrangler and workerd.
      expect(tree.length).toBeGreaterThanOrEqual(3);

      process.kill(run.child.pid!, signal);
      await Promise.race([run.exited, new Promise((r) => setTimeout(r, STOP_TIMEOUT_MS))]);
      await waitFor("every process npm start started had exited", () => tree.every((pid) => !alive(pid)), STOP_TIMEOUT_MS, run.output);
      expect(await healthz(port)).toBe("no answer");
      expect(run.output()).toContain("Driftline stopped");
    }, STARTUP_TIMEOUT_MS + 2 * STOP_TIMEOUT_MS);
  }
});

describe("npm start on a port already taken", () => {
  it("refuses with a message naming the port, even when whatever listens there answers /healthz", async () => {
    const port = await freePort();
    // An impostor that answers /healthz 200, as an orphaned wrangler did.
    const impostor = createServer((_req, res) => res.writeHead(200).end("ok"));
    await new Promise<void>((r) => impostor.listen(port, "127.0.0.1", r));
    try {
      const run = await npmStart(port);
      const code = await Promise.race([run.exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 30_000))]);
      expect(code).toBe(1);
      expect(run.output()).toContain(`127.0.0.1:${port} is already in use`);
      expect(run.output()).toContain("PORT=");
      expect(run.output()).not.toContain("Driftline is running");
    } finally {
      await new Promise((r) => impostor.close(r));
    }
  }, 60_000);
});

/**
 * End-to-end harness: runs the real Worker under `wrangler dev` (workerd, Durable Objects on
 * local disk) on a free loopback port, with fresh random tokens for two tenants.
 *
 * Pattern (the process group is killed in `stop`, and also when the test process exits):
 *
 *     let worker: RunningWorker;
 *     beforeAll(async () => { worker = await startWorker(); }, 120_000);
 *     afterAll(async () => { await worker?.stop(); });
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ChildProcess } from "node:child_process";
import { freePort, killAndWait, killGroup } from "./processes.ts";
import { testWranglerConfig } from "./wrangler-config.ts";

/** Where wrangler.toml is. */
const REPO_ROOT = resolve(import.meta.dirname, "../..");
/** How long `wrangler dev` may take to answer /healthz (the first start bundles the Worker). */
const STARTUP_TIMEOUT_MS = 90_000;
/** How long `stop` waits after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5_000;
/** Keep this much of wrangler's output for error messages. */
const OUTPUT_TAIL_CHARS = 8_000;

/** One tenant's credentials. */
export type TenantTokens = { tenant: string; ingestToken: string; readToken: string };

/** A running `wrangler dev`. */
export type RunningWorker = TenantTokens & {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  /** wrangler's pid, which is also the process group of workerd (benchmarks read the group's CPU time). */
  pid: number;
  /** A second tenant, for "another tenant's token" tests. */
  other: TenantTokens;
  /** Directory holding the Durable Object state (`--persist-to`). */
  persistTo: string;
  /** Kills wrangler and workerd (the whole process group) and waits for them to exit. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILLs the whole process group at once (no grace: a crash), waits for wrangler to exit, then cleans up as `stop` does. */
  crash(): Promise<void>;
};

export type StartWorkerOptions = {
  /** State directory; a fresh temporary one (removed by `stop`) when absent. Reuse one to test persistence across restarts. */
  persistTo?: string;
  /** Extra Worker vars, e.g. `{ MAX_BODY_BYTES: "1024" }`. */
  vars?: Record<string, string>;
  /**
   * wrangler's `--log-level` (default: wrangler's, info). At "warn" wrangler drops its line per
   * request, which its proxy sends to wrangler's Node process as an HTTP request of its own: a
   * cost of `wrangler dev` that a benchmark may leave out (docs/benchmarks.md, bench:overload).
   */
  logLevel?: "debug" | "info" | "log" | "warn" | "error";
};

/** Process groups still running, killed synchronously if the test process exits without `stop`. */
const running = new Set<number>();
process.on("exit", () => {
  for (const pid of running) killGroup(pid, "SIGKILL");
});

/** How often a start is tried again on a new port when another process took the one picked. */
const PORT_TAKEN_RETRIES = 2;

/**
 * Starts `wrangler dev` and resolves once /healthz answers 200; rejects with wrangler's output if
 * it does not. A free port is picked, then bound by workerd a moment later: if another process
 * took it in between, the start is tried again on a new one.
 */
export async function startWorker(options: StartWorkerOptions = {}): Promise<RunningWorker> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt >= PORT_TAKEN_RETRIES) throw error;
    }
  }
}

/** wrangler dev exited because its port was taken before workerd bound it. */
class PortTaken extends Error {}

async function startOnce(options: StartWorkerOptions): Promise<RunningWorker> {
  const config = await testWranglerConfig();
  const port = await freePort();
  // DRIFTLINE_INSPECTOR_PORT pins the DevTools port, to profile a benchmark's Worker (docs/benchmarks.md).
  const inspectorPort = Number(process.env.DRIFTLINE_INSPECTOR_PORT ?? 0) || (await freePort());
  const ownsState = options.persistTo === undefined;
  const persistTo = options.persistTo ?? mkdtempSync(join(tmpdir(), "driftline-state-"));
  // An empty env file keeps the developer's own .dev.vars (from `npm start`) out of the test.
  const envDir = mkdtempSync(join(tmpdir(), "driftline-env-"));
  const envFile = join(envDir, "empty.env");
  writeFileSync(envFile, "");

  const tenant = tokensFor("acme");
  const other = tokensFor("globex");
  const vars: Record<string, string> = {
    INGEST_TOKENS: `${tenant.tenant}:${tenant.ingestToken},${other.tenant}:${other.ingestToken}`,
    READ_TOKENS: `${tenant.tenant}:${tenant.readToken},${other.tenant}:${other.readToken}`,
    // Alert tests run their receivers on 127.0.0.1, which only local development allows (docs/alerts.md).
    ALLOW_LOCAL_RECEIVERS: "1",
    ...options.vars,
  };
  const args = ["dev", "--config", config, "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort)];
  args.push("--persist-to", persistTo, "--env-file", envFile, "--show-interactive-dev-session=false");
  if (options.logLevel !== undefined) args.push("--log-level", options.logLevel);
  for (const [key, value] of Object.entries(vars)) args.push("--var", `${key}:${value}`);

  const child = spawn(join(REPO_ROOT, "node_modules", ".bin", "wrangler"), args, {
    cwd: REPO_ROOT,
    // Its own process group, so that stop() reaches workerd too (wrangler's child).
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not spawn wrangler (is it installed? run npm install)");
  running.add(pid);

  let output = "";
  // DRIFTLINE_WRANGLER_LOG=<file> keeps wrangler's whole output, for debugging a test or benchmark.
  const logPath = process.env.DRIFTLINE_WRANGLER_LOG;
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_TAIL_CHARS);
    if (logPath) appendFileSync(logPath, chunk);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolveExit) => child.once("exit", () => resolveExit()));

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return exited;
    stopped = true;
    await killAndWait(child, exited, { group: true, graceMs: STOP_GRACE_MS });
    running.delete(pid);
    rmSync(envDir, { recursive: true, force: true });
    if (ownsState) rmSync(persistTo, { recursive: true, force: true });
  };

  const crash = async (): Promise<void> => {
    if (!stopped) killGroup(pid, "SIGKILL");
    await stop();
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealthz(url, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid, ...tenant, other, persistTo, stop, crash };
}

function tokensFor(tenant: string): TenantTokens {
  return { tenant, ingestToken: `ingest-${randomBytes(16).toString("hex")}`, readToken: `read-${randomBytes(16).toString("hex")}` };
}

async function waitForHealthz(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const message = `wrangler dev exited (${child.exitCode ?? child.signalCode}) before /healthz answered. Its output:\n${output()}`;
      throw /Address already in use/.test(output()) ? new PortTaken(message) : new Error(message);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not answer ${url}/healthz within ${STARTUP_TIMEOUT_MS / 1000} s. Its output:\n${output()}`);
}




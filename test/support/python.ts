/**
 * Runs the Python side of the end-to-end tests: the FastAPI example (examples/python) under
 * uvicorn, and one-off scripts, with the repository's `driftline` package on PYTHONPATH.
 * The interpreter is scripts/python.mjs's choice (Debian's python3 with fastapi and uvicorn).
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import type { ChildProcess } from "node:child_process";
import { pythonExecutable } from "../../scripts/python.mjs";
import { freePort, killAndWait } from "./processes.ts";

const REPO_ROOT = resolve(import.meta.dirname, "../..");
/** How long uvicorn may take to train the model and answer. */
const STARTUP_TIMEOUT_MS = 60_000;

/** A running example server. */
export type RunningExample = {
  url: string;
  /** Everything the server wrote to stderr so far (uvicorn logs and the driftline logger). */
  stderr(): string;
  /** SIGTERM (uvicorn shuts down, the monitor flushes), SIGKILL after `graceMs`; resolves with the exit code and how long it took. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stopMs: number }>;
};

/** The environment a Python child needs to import `driftline` from python/. */
export function pythonEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: resolve(REPO_ROOT, "python"), PYTHONUNBUFFERED: "1", ...extra };
}

/** Starts examples/python/server.py under uvicorn with `env` (DRIFTLINE_ENDPOINT, DRIFTLINE_TOKEN, MODEL_ID...). */
export async function startExample(env: Record<string, string>): Promise<RunningExample> {
  const port = await freePort();
  const args = ["-m", "uvicorn", "--app-dir", resolve(REPO_ROOT, "examples/python"), "server:app", "--host", "127.0.0.1", "--port", String(port), "--no-access-log"];
  const child = spawn(pythonExecutable(), args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"], env: pythonEnv(env) });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  child.stdout?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once("exit", (code, signal) => done({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, child, () => stderr);
  return {
    url,
    stderr: () => stderr,
    stop: async (graceMs = 30_000) => {
      const started = performance.now();
      await killAndWait(child, exited.then(() => undefined), { group: false, graceMs });
      return { ...(await exited), stopMs: performance.now() - started };
    },
  };
}

async function waitUntilUp(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the Python example exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${url}/stats`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`the Python example did not answer within ${STARTUP_TIMEOUT_MS} ms:\n${output()}`);
}

/** Runs `python3 <args>` to completion; resolves with its exit code and output. */
export function runPython(args: string[], env: Record<string, string>, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(pythonExecutable(), args, { cwd: REPO_ROOT, stdio: ["pipe", "pipe", "pipe"], env: pythonEnv(env) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", fail);
    child.on("exit", (code) => done({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

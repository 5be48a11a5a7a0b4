/**
 * Child processes of the end-to-end harnesses (wrangler dev, Prometheus): a free loopback port
 * to start one on, and a stop that escalates from SIGTERM to SIGKILL.
 */
import { createServer } from "node:net";
import type { ChildProcess } from "node:child_process";

/** A TCP port free on 127.0.0.1 right now (the OS picks it; a race with another process is possible but rare). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Sends SIGTERM, then SIGKILL after `graceMs` if the child has not exited, and resolves once it
 * has. With `group`, the signals go to the child's whole process group (it must have been spawned
 * `detached`): wrangler may exit before the workerd it started, and nothing may outlive the test.
 */
export async function killAndWait(child: ChildProcess, exited: Promise<void>, options: { group: boolean; graceMs: number }): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || (!options.group && (child.exitCode !== null || child.signalCode !== null))) return;
  const signal = (name: NodeJS.Signals) => (options.group ? killGroup(pid, name) : child.kill(name));
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), options.graceMs);
  await exited;
  clearTimeout(timer);
  if (options.group) killGroup(pid, "SIGKILL");
}

/** Signals a process group; a group that is gone already is no error. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Polls `${url}/-/ready` (Prometheus' and Alertmanager's readiness route) until it answers 200;
 * rejects with the child's output when it exits first or `timeoutMs` passes.
 */
export async function waitForReady(name: string, url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`);
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not answer ${url}/-/ready within ${timeoutMs / 1000} s:\n${output()}`);
}

/**
 * A real Alertmanager (Debian's prometheus-alertmanager 0.25) on loopback for the end-to-end
 * tests, routing every alert to a webhook receiver the test runs: the test sees exactly what an
 * on-call tool behind Alertmanager would get.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, killAndWait, waitForReady } from "./processes.ts";

export const ALERTMANAGER_BIN = "/usr/bin/prometheus-alertmanager";
const AMTOOL_BIN = "/usr/bin/amtool";

/** Why Alertmanager cannot run here, or null when it can. */
export function alertmanagerMissing(): string | null {
  return existsSync(ALERTMANAGER_BIN) ? null : `${ALERTMANAGER_BIN} is not installed (apt-get install prometheus-alertmanager; .ci/run does)`;
}

/** One message Alertmanager's webhook_config sent (its documented JSON, version 4). */
export type AlertmanagerWebhook = {
  version: string;
  status: "firing" | "resolved";
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  alerts: { status: "firing" | "resolved"; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; generatorURL: string; fingerprint: string }[];
};

/**
 * The group's last message once every alert in `expected` (values of `label`) has been sent
 * resolved, else undefined. Alerts that resolve at different evaluations fall in different group
 * intervals: Alertmanager then sends the first resolved alert in a "firing" group message and the
 * last in a "resolved" one, so the resolutions are collected across messages.
 */
export function allResolved(received: readonly AlertmanagerWebhook[], label: string, expected: readonly string[]): AlertmanagerWebhook | undefined {
  const resolved = new Set(received.flatMap((m) => m.alerts.filter((a) => a.status === "resolved").map((a) => a.labels[label])));
  const last = received[received.length - 1];
  return expected.every((name) => resolved.has(name)) && last?.status === "resolved" ? last : undefined;
}

export type RunningAlertmanager = {
  url: string;
  /** What its webhook receiver got, in order. */
  received: AlertmanagerWebhook[];
  stop(): Promise<void>;
};

/** Starts a webhook receiver and an Alertmanager grouping by `model`; resolves once it is ready. */
export async function startAlertmanager(): Promise<RunningAlertmanager> {
  const received: AlertmanagerWebhook[] = [];
  const hook: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as AlertmanagerWebhook);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
  const hookAddress = hook.address();
  const hookPort = typeof hookAddress === "object" && hookAddress !== null ? hookAddress.port : 0;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "driftline-alertmanager-"));
  const config = join(dir, "alertmanager.yml");
  writeFileSync(
    config,
    [
      "route:",
      "  receiver: test",
      "  group_by: [model]",
      "  group_wait: 1s",
      "  group_interval: 2s",
      "  repeat_interval: 1h",
      "receivers:",
      "  - name: test",
      "    webhook_configs:",
      `      - url: http://127.0.0.1:${hookPort}/alertmanager`,
      "        send_resolved: true",
      "",
    ].join("\n"),
  );
  if (existsSync(AMTOOL_BIN)) {
    const check = spawnSync(AMTOOL_BIN, ["check-config", config], { encoding: "utf8" });
    if (check.status !== 0) throw new Error(`amtool check-config failed:\n${check.stdout}${check.stderr}`);
  }
  const child = spawn(ALERTMANAGER_BIN, [`--config.file=${config}`, `--storage.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address=", "--log.level=warn"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-8_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolveExit) => child.once("exit", () => resolveExit()));
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return exited;
    stopped = true;
    await killAndWait(child, exited, { group: false, graceMs: 5_000 });
    hook.closeAllConnections();
    await new Promise<void>((resolve) => hook.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForReady("alertmanager", url, child, () => output, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, received, stop };
}

/**
 * A real Prometheus (Debian's `prometheus` package, 2.42) for the interoperability oracle and
 * the query benchmark: started on a free loopback port with a temporary TSDB, scraping only the
 * loopback target it is given (or nothing, over backfilled blocks), killed by `stop`.
 *
 *     const reason = prometheusMissing();
 *     const prometheus = await startPrometheus({ scrape: { url: worker.url, bearerToken: worker.readToken, intervalSeconds: 1 } });
 *     const answer = await prometheus.api.query("up", Date.now() / 1000);
 *     await prometheus.stop();
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, killAndWait, waitForReady } from "./processes.ts";

/** Where Debian installs the binaries (.ci/run installs the package). */
export const PROMETHEUS_BIN = "/usr/bin/prometheus";
export const PROMTOOL_BIN = "/usr/bin/promtool";
/** How long Prometheus may take to answer /-/ready. */
const STARTUP_TIMEOUT_MS = 30_000;

/** Why the oracle cannot run here (no binary), or null when it can. */
export function prometheusMissing(): string | null {
  if (!existsSync(PROMETHEUS_BIN) || !existsSync(PROMTOOL_BIN)) return `${PROMETHEUS_BIN} or ${PROMTOOL_BIN} is not installed (apt-get install prometheus; .ci/run does)`;
  return null;
}

/** A Prometheus HTTP API answer's data for a vector or a matrix. */
export type ApiVector = { metric: Record<string, string>; value: [number, string] }[];
export type ApiMatrix = { metric: Record<string, string>; values: [number, string][] }[];

/** The Prometheus HTTP API calls the tests and the benchmark make, against Prometheus or Driftline. */
export type PromApi = {
  query(promql: string, timeSeconds: number): Promise<ApiVector>;
  queryRange(promql: string, startSeconds: number, endSeconds: number, stepSeconds: number): Promise<ApiMatrix>;
};

/** Prometheus' HTTP API at `baseUrl` (POST form bodies, as Grafana sends them), with optional extra headers. */
export function promApi(baseUrl: string, headers: Record<string, string> = {}): PromApi {
  const post = async (path: string, form: Record<string, string>): Promise<unknown> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
    const text = await response.text();
    let body: { status: string; data?: { resultType: string; result: unknown }; error?: string };
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`${baseUrl}${path} ${JSON.stringify(form)}: ${response.status}, not JSON: ${text.slice(0, 200)}`);
    }
    if (response.status !== 200 || body.status !== "success") throw new Error(`${baseUrl}${path} ${JSON.stringify(form)}: ${response.status} ${body.error ?? JSON.stringify(body)}`);
    return body.data!.result;
  };
  return {
    query: async (promql, timeSeconds) => (await post("/api/v1/query", { query: promql, time: String(timeSeconds) })) as ApiVector,
    queryRange: async (promql, start, end, step) =>
      (await post("/api/v1/query_range", { query: promql, start: String(start), end: String(end), step: String(step) })) as ApiMatrix,
  };
}

/** A running Prometheus. */
export type RunningPrometheus = {
  url: string;
  api: PromApi;
  /** Kills Prometheus and waits for it; removes the TSDB unless it was passed in. Idempotent. */
  stop(): Promise<void>;
};

export type StartPrometheusOptions = {
  /** Scrape `${url}/metrics` with a bearer token every `intervalSeconds`; none: scrape nothing. */
  scrape?: { url: string; bearerToken: string; intervalSeconds: number };
  /** An existing TSDB directory (backfilled blocks); a fresh temporary one when absent. */
  dataDir?: string;
  /** Accept remote-write requests on /api/v1/write (`--web.enable-remote-write-receiver`). */
  remoteWriteReceiver?: boolean;
  /** Rule files to load (`rule_files`), e.g. Driftline's export (test/rule-files.test.ts). */
  ruleFiles?: string[];
};

/** Starts Prometheus and resolves once /-/ready answers 200; rejects with its output if it does not. */
export async function startPrometheus(options: StartPrometheusOptions = {}): Promise<RunningPrometheus> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "driftline-prometheus-"));
  const dataDir = options.dataDir ?? join(dir, "data");
  const config = join(dir, "prometheus.yml");
  writeFileSync(config, configYaml(options.scrape) + (options.ruleFiles === undefined ? "" : `rule_files:\n${options.ruleFiles.map((f) => `  - ${JSON.stringify(f)}\n`).join("")}`));
  const check = spawnSync(PROMTOOL_BIN, ["check", "config", config], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`promtool check config failed:\n${check.stdout}${check.stderr}`);
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Backfilled samples are up to a day old; keep them.
      "--storage.tsdb.retention.time=15d",
      "--log.level=warn",
      ...(options.remoteWriteReceiver === true ? ["--web.enable-remote-write-receiver"] : []),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-8_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolveExit) => child.once("exit", () => resolveExit()));
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return exited;
    stopped = true;
    await killAndWait(child, exited, { group: false, graceMs: 5_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForReady("prometheus", url, child, () => output, STARTUP_TIMEOUT_MS);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, api: promApi(url), stop };
}

/**
 * One scrape job for the Worker's /metrics. Prometheus attaches `job` and `instance` to every
 * scraped series; Driftline's query API has neither, so they are dropped at ingestion (metric
 * relabelling runs last, after the target labels are attached) and the two label sets compare as
 * they are.
 */
function configYaml(scrape: StartPrometheusOptions["scrape"]): string {
  if (scrape === undefined) return "global:\n  scrape_interval: 1m\nscrape_configs: []\n";
  const target = new URL(scrape.url).host;
  return [
    "global:",
    `  scrape_interval: ${scrape.intervalSeconds}s`,
    `  scrape_timeout: ${scrape.intervalSeconds}s`,
    "scrape_configs:",
    "  - job_name: driftline",
    "    metrics_path: /metrics",
    "    authorization:",
    "      type: Bearer",
    `      credentials: ${JSON.stringify(scrape.bearerToken)}`,
    "    static_configs:",
    `      - targets: [${JSON.stringify(target)}]`,
    "    metric_relabel_configs:",
    "      - action: labeldrop",
    "        regex: job|instance",
    "",
  ].join("\n");
}




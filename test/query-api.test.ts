/**
 * End to end against `wrangler dev`: predictions sent as OTLP/JSON and a baseline uploaded with
 * the SDK are read back through Prometheus' HTTP API (as Grafana queries it) and /metrics.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBaseline, uploadBaseline } from "../sdk/src/index.ts";
import { postLogs, predictionsRequest } from "./support/otlp-json.ts";
import { metricsRequest, postMetrics } from "./support/otlp-json-metrics.ts";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";
import { seededRandom } from "@driftline/collector/testing";

const PROMTOOL = "/usr/bin/promtool";

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
}, 120_000);
afterAll(async () => {
  await worker?.stop();
});

type Row = { income: number; tenure: number; latencySeconds: number };
type Vector = { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };

/** Deterministic pseudo-random uniforms in [0, 1) (mulberry32), so every run sends the same data. */
function uniforms(seed: number, count: number): number[] {
  return Array.from({ length: count }, seededRandom(seed));
}

function rowsOf(seed: number, count: number, incomeShift: number): Row[] {
  const u = uniforms(seed, count * 3);
  return Array.from({ length: count }, (_, i) => ({ income: 50_000 + 20_000 * u[3 * i] + incomeShift, tenure: 10 * u[3 * i + 1], latencySeconds: 0.001 + 0.099 * u[3 * i + 2] }));
}

async function sendPredictions(model: string, version: string, rows: Row[]): Promise<void> {
  const records = rows.map((row, i) => ({
    "ml.model.id": model,
    "ml.model.version": version,
    "ml.feature.income": row.income,
    "ml.feature.tenure": row.tenure,
    "ml.prediction.latency": row.latencySeconds,
    "ml.segment.plan": i % 2 === 0 ? "basic" : "pro",
  }));
  const response = await postLogs(worker, predictionsRequest(records));
  expect(response.status, await response.text()).toBe(200);
}

/** POSTs a form to /api/v1/query, as Grafana does, and returns the vector. */
async function query(promql: string): Promise<Vector> {
  const response = await fetch(`${worker.url}/api/v1/query`, {
    method: "POST",
    headers: { Authorization: `Bearer ${worker.readToken}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ query: promql }).toString(),
  });
  const body = (await response.json()) as { status: string; data: Vector };
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body.data;
}

describe("the Prometheus API over real traffic", () => {
  const sent = 600;

  beforeAll(async () => {
    const path = join(mkdtempSync(join(tmpdir(), "driftline-query-")), "train.csv");
    const training = rowsOf(1, 4000, 0);
    writeFileSync(path, `income,tenure\n${training.map((r) => `${r.income},${r.tenure}`).join("\n")}\n`);
    const baseline = await buildBaseline(path);
    await uploadBaseline(baseline, { endpoint: worker.url, token: worker.ingestToken, model: "churn", version: "v1" });
    // income shifted by a full training range: drifted; tenure from the training distribution.
    await sendPredictions("churn", "v1", rowsOf(2, sent / 2, 20_000));
    await sendPredictions("churn", "v1", rowsOf(3, sent / 2, 20_000));
    // A custom counter and gauge and GenAI tokens, so /metrics shows every kind of family.
    const metrics = metricsRequest([
      { name: "feature_store.lookups", kind: "sum", points: [{ attributes: { "ml.model.id": "churn", "ml.model.version": "v1", "cache.hit": "true" }, values: [42] }] },
      { name: "queue.depth", kind: "gauge", points: [{ attributes: { "ml.model.id": "churn", "ml.model.version": "v1", model: "shadow" }, values: [7] }] },
      { name: "gen_ai.client.token.usage", kind: "histogram", points: [{ attributes: { "gen_ai.request.model": "chat", "gen_ai.token.type": "input" }, values: [100, 250] }] },
    ]);
    const response = await postMetrics(worker, metrics);
    expect(response.status, await response.text()).toBe(200);
  }, 60_000);

  it("answers Grafana's Save & test query", async () => {
    expect(await query("1+1")).toMatchObject({ resultType: "scalar", result: [expect.any(Number), "2"] });
  });

  it("gives rate and increase of the predictions that were sent", async () => {
    // segment="" selects the whole model: each prediction also counts in its segment's series.
    const increase = await query(`sum by (model) (increase(driftline_predictions_total{segment=""}[5m]))`);
    expect(increase.result).toEqual([{ metric: { model: "churn" }, value: [expect.any(Number), String(sent)] }]);
    const rate = await query(`sum by (model) (rate(driftline_predictions_total{segment=""}[5m]))`);
    expect(Number(rate.result[0].value[1]) * 300).toBeCloseTo(sent, 6);
  });

  it("answers the latency histogram_quantile from the digests", async () => {
    const p90 = await query(`histogram_quantile(0.9, sum by (le, model) (rate(driftline_prediction_duration_seconds_bucket[5m])))`);
    expect(p90.result).toHaveLength(1);
    // Latencies are uniform on [1 ms, 100 ms]: the 0.9 quantile is about 90 ms.
    expect(Number(p90.result[0].value[1])).toBeGreaterThan(0.08);
    expect(Number(p90.result[0].value[1])).toBeLessThan(0.1);
  });

  it("shows the shifted feature as drift status 2 and the stable one as 0 over 5 minutes", async () => {
    const status = await query(`driftline_drift_status{model="churn", window="5m", segment=""}`);
    const byFeature = Object.fromEntries(status.result.map((r) => [r.metric.feature, r.value[1]]));
    expect(byFeature).toMatchObject({ income: "2", tenure: "0" });
  });

  it("lists the custom families and the quantile summaries in /api/v1/metadata", async () => {
    const response = await fetch(`${worker.url}/api/v1/metadata`, { headers: { Authorization: `Bearer ${worker.readToken}` } });
    const body = (await response.json()) as { data: Record<string, { type: string }[]> };
    expect(body.data.driftline_custom_feature_store_lookups_total?.[0]?.type).toBe("counter");
    expect(body.data.driftline_custom_queue_depth?.[0]?.type).toBe("summary");
    expect(body.data.driftline_feature_quantile?.[0]?.type).toBe("summary");
    expect(body.data.driftline_genai_tokens_total?.[0]?.type).toBe("counter");
  });

  it("answers {__name__=~\"driftline_(.|.)*#\"} at once and keeps /healthz answering (issue 11: regex denial of service)", async () => {
    // On a backtracking engine this pattern takes 2^n steps on every n-character name and blocked
    // the whole Worker; RE2 (re2js) matches in linear time. Both requests must come back in 10 s.
    const [regex, health] = await Promise.all([
      fetch(`${worker.url}/api/v1/query`, {
        method: "POST",
        headers: { Authorization: `Bearer ${worker.readToken}`, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ query: '{__name__=~"driftline_(.|.)*#"}' }).toString(),
        signal: AbortSignal.timeout(10_000),
      }),
      fetch(`${worker.url}/healthz`, { signal: AbortSignal.timeout(10_000) }),
    ]);
    expect(regex.status).toBe(200);
    expect(((await regex.json()) as { data: Vector }).data.result).toEqual([]);
    expect(health.status).toBe(200);
  });

  it("matches case-insensitively with (?i) and refuses a backreference with 400 bad_data", async () => {
    const v = await query('driftline_predictions_total{model=~"(?i)CHURN", segment=""}');
    expect(v.result.map((r) => r.value[1])).toEqual([String(sent)]);
    const response = await fetch(`${worker.url}/api/v1/query`, {
      method: "POST",
      headers: { Authorization: `Bearer ${worker.readToken}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: 'driftline_predictions_total{model=~"(c)\\\\1"}' }).toString(),
    });
    const body = (await response.json()) as { errorType: string; error: string };
    expect(response.status).toBe(400);
    expect(body.errorType).toBe("bad_data");
    expect(body.error).toMatch(/backreferences are not supported/);
  });

  it("serves /metrics in the text exposition format", async () => {
    const response = await fetch(`${worker.url}/metrics`, { headers: { Authorization: `Bearer ${worker.readToken}` } });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain(`driftline_predictions_total{model="churn",version="v1"} ${sent}\n`);
    expect(text).toContain(`driftline_predictions_total{model="churn",version="v1",segment="plan",segment_value="pro"} ${sent / 2}\n`);
    expect(text).toContain(`driftline_custom_feature_store_lookups_total{cache_hit="true",model="churn",version="v1"} 42\n`);
    expect(text).toMatch(/^# TYPE driftline_custom_queue_depth summary$/m);
    expect(text).toMatch(/^driftline_custom_queue_depth\{exported_model="shadow",model="churn",version="v1",quantile="1",window="5m"\} 7$/m);
    expect(text).toContain(`driftline_genai_tokens_total{model="chat",version="unknown",type="input"} 350\n`);
    expect(text).toMatch(/^# TYPE driftline_feature_quantile summary$/m);
    expect(text).toMatch(/^driftline_baseline_quantile\{model="churn",version="v1",feature="income",quantile="0.5"\} /m);
    expect(text).toMatch(/^# HELP driftline_drift_status /m);
    for (const line of text.trimEnd().split("\n")) {
      // Every line is a comment or `name{labels} value`.
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf))$/);
    }
    if (!existsSync(PROMTOOL)) {
      console.log(`promtool check metrics skipped: ${PROMTOOL} is not installed (.ci/run installs the prometheus package)`);
      return;
    }
    const check = spawnSync(PROMTOOL, ["check", "metrics"], { input: text, encoding: "utf8" });
    // Exit 1 is a parse error; exit 3 lists lint findings, one per line. None is allowed: the
    // quantile families are summaries, the only type a `quantile` label belongs to (docs/query-api.md).
    const findings = `${check.stdout}${check.stderr}`.split("\n").filter((line) => line.trim() !== "");
    expect(findings).toEqual([]);
    expect(check.status).toBe(0);
  });
});

/**
 * Accuracy from delayed actuals, end to end (docs/accuracy.md): predictions and later actuals
 * sent through @driftline/sdk to the real Worker (`wrangler dev`) give, through /api/v1/query,
 * the figures computed exactly in this test from the same pairs; actuals that come first are
 * joined when their prediction arrives.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelMonitor } from "../sdk/src/index.ts";
import { exactAuc, exactBinaryLogLoss, exactClassification, exactRegression } from "@driftline/collector/testing";
import { mulberry32, normalSample } from "@driftline/collector/testing";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";

/** docs/accuracy.md's tolerance for AUC from digests against the exact AUC. */
const AUC_TOLERANCE = 0.002;

let worker: RunningWorker;

beforeAll(async () => {
  worker = await startWorker();
}, 120_000);

afterAll(async () => {
  await worker?.stop();
});

type Sample = { metric: Record<string, string>; value: [number, string] };

async function query(promql: string): Promise<Sample[]> {
  const response = await fetch(`${worker.url}/api/v1/query`, {
    method: "POST",
    headers: { Authorization: `Bearer ${worker.readToken}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ query: promql, time: String(Date.now() / 1000) }),
  });
  const body = (await response.json()) as { status: string; data: { result: Sample[] }; error?: string };
  expect(body.status, body.error).toBe("success");
  return body.data.result;
}

/** The one value of `driftline_accuracy` with exactly these labels (class absent unless given). */
function pick(samples: Sample[], metric: string, className?: string): number {
  const found = samples.filter((s) => s.metric.metric === metric && s.metric.class === className);
  expect(found, `${metric} ${className ?? ""}`).toHaveLength(1);
  return Number(found[0].value[1]);
}

function monitor(modelId: string): ModelMonitor {
  return new ModelMonitor({ endpoint: worker.url, token: worker.ingestToken, modelId, modelVersion: "v1" }, { env: {} });
}

describe("accuracy through the query API", () => {
  it("equals the exact classification figures of the joined pairs, an actual that came first included", async () => {
    const m = monitor("acc-credit");
    const uniform = mulberry32(11);
    const n = 2_000;
    const p = normalSample(uniform, n, -0.3, 1.6).map((z) => 1 / (1 + Math.exp(-z)));
    const outcome = Array.from(p, (x) => uniform() < x);
    // Ids 0–99 get their actual before their prediction; ids ≥ 1 600 never get one.
    for (let i = 0; i < 100; i++) m.recordActual(`c-${i}`, outcome[i] ? "default" : "repaid");
    await m.flush();
    for (let i = 0; i < n; i++) {
      const label = p[i] >= 0.5 ? "default" : "repaid";
      m.recordPrediction({ features: { x: p[i] }, prediction: { label, score: label === "default" ? p[i] : 1 - p[i] }, id: `c-${i}` });
    }
    await m.flush();
    for (let i = 100; i < 1_600; i++) m.recordActual(`c-${i}`, outcome[i] ? "default" : "repaid");
    await m.shutdown();
    expect(m.stats()).toMatchObject({ dropped: 0 });

    const joined = 1_600;
    const actual = outcome.slice(0, joined).map((o) => (o ? "default" : "repaid"));
    const predicted = Array.from(p.slice(0, joined), (x) => (x >= 0.5 ? "default" : "repaid"));
    const want = exactClassification(actual, predicted);
    const got = await query(`driftline_accuracy{model="acc-credit", version="v1", window="1h"}`);
    expect(pick(got, "accuracy")).toBeCloseTo(want.accuracy, 12);
    expect(pick(got, "f1")).toBeCloseTo(want.macro.f1, 12);
    expect(pick(got, "precision")).toBeCloseTo(want.macro.precision, 12);
    expect(pick(got, "recall")).toBeCloseTo(want.macro.recall, 12);
    for (const c of want.perClass) {
      expect(pick(got, "precision", c.label)).toBeCloseTo(c.precision, 12);
      expect(pick(got, "recall", c.label)).toBeCloseTo(c.recall, 12);
      expect(pick(got, "f1", c.label)).toBeCloseTo(c.f1, 12);
    }
    expect(pick(got, "log_loss")).toBeCloseTo(exactBinaryLogLoss(outcome.slice(0, joined), Array.from(p.slice(0, joined))), 9);
    const positives = Array.from(p.slice(0, joined)).filter((_, i) => outcome[i]);
    const negatives = Array.from(p.slice(0, joined)).filter((_, i) => !outcome[i]);
    expect(Math.abs(pick(got, "auc") - exactAuc(positives, negatives))).toBeLessThanOrEqual(AUC_TOLERANCE);

    const ratio = await query(`driftline_actuals_joined_ratio{model="acc-credit", window="1h"}`);
    expect(Number(ratio[0].value[1])).toBeCloseTo(joined / n, 12);
    const total = await query(`driftline_actuals_joined_total{model="acc-credit"}`);
    expect(Number(total[0].value[1])).toBe(joined);
  }, 60_000);

  it("equals the exact MAE, RMSE and MAPE of a regression model's joined pairs", async () => {
    const m = monitor("acc-price");
    const uniform = mulberry32(12);
    const n = 500;
    const truth = Array.from(normalSample(uniform, n, 200, 50), (x, i) => (i % 50 === 0 ? 0 : Math.round(x)));
    const predicted = truth.map((y) => y + (uniform() - 0.4) * 30);
    for (let i = 0; i < n; i++) m.recordPrediction({ features: { rooms: i % 5 }, prediction: predicted[i], id: i });
    await m.flush();
    for (let i = 0; i < n; i++) m.recordActual(i, truth[i]);
    await m.shutdown();

    const want = exactRegression(truth, predicted);
    const got = await query(`driftline_accuracy{model="acc-price", window="5m"}`);
    expect(pick(got, "mae")).toBeCloseTo(want.mae, 9);
    expect(pick(got, "rmse")).toBeCloseTo(want.rmse, 9);
    expect(pick(got, "mape")).toBeCloseTo(want.mape, 9);
    const median = await query(`driftline_prediction_error{model="acc-price", window="5m", quantile="0.5"}`);
    const errors = predicted.map((x, i) => x - truth[i]).sort((a, b) => a - b);
    // The digest's median has the rank error of a digest (docs/sketches.md): within 1 % of 0.5.
    const rank = errors.filter((e) => e <= Number(median[0].value[1])).length / n;
    expect(Math.abs(rank - 0.5)).toBeLessThanOrEqual(0.01);
  }, 60_000);

  it("reports mapeExcluded, the pairs left out of MAPE for a zero actual, in GET /api/models/:model/accuracy", async () => {
    const m = monitor("acc-mape");
    const n = 40;
    // Every fourth actual is 0: 10 of the 40 pairs have no percentage error.
    const truth = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 0 : 100 + i));
    for (let i = 0; i < n; i++) m.recordPrediction({ features: { rooms: i % 5 }, prediction: truth[i] + 5, id: `m-${i}` });
    await m.flush();
    for (let i = 0; i < n; i++) m.recordActual(`m-${i}`, truth[i]);
    await m.shutdown();

    const response = await fetch(`${worker.url}/api/models/acc-mape/accuracy?version=v1&window=1h`, { headers: { Authorization: `Bearer ${worker.readToken}` } });
    expect(response.status).toBe(200);
    const report = (await response.json()) as { pairs: number; mapeExcluded: number; metrics: { mape: number } };
    expect(report.pairs).toBe(n);
    expect(report.mapeExcluded).toBe(10);
    expect(report.metrics.mape).toBeCloseTo(exactRegression(truth, truth.map((y) => y + 5)).mape, 9);
  }, 60_000);
});

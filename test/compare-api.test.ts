/**
 * GET /api/models/:model/compare against `wrangler dev` after the demo's traffic (issue 6): the
 * champion v1 and the challenger v2 side by side over one window, each figure the same as the
 * PromQL query a dashboard sends for it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDemo } from "../examples/demo/run.ts";
import { DRIFTED_FEATURES } from "../examples/credit-risk/data.ts";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";

const MODEL = "credit-risk-compare";
const APPLICATIONS = 2_000;

let worker: RunningWorker;

type Comparison = {
  model: string;
  window: string;
  versions: {
    version: string;
    predictions: number;
    predictionsPerSecond: number;
    errors: number;
    errorRatio: number | null;
    latencySeconds: { p50: number; p90: number; p99: number } | null;
    drift: { status: string; features: Record<string, string>; prediction: string | null } | null;
    accuracy: Record<string, number>;
  }[];
};

async function get(path: string, token = worker.readToken): Promise<Response> {
  return fetch(`${worker.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
}

beforeAll(async () => {
  worker = await startWorker();
  await runDemo({
    endpoint: worker.url,
    ingestToken: worker.ingestToken,
    readToken: worker.readToken,
    model: MODEL,
    applications: APPLICATIONS,
    rate: 10_000,
    minutes: 1,
    outcomeFraction: 0.5,
    outcomeDelayMs: 0,
    log: () => {},
  });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
});

describe("GET /api/models/:model/compare", () => {
  it("puts the demo's champion and challenger side by side over the window", async () => {
    const response = await get(`/api/models/${MODEL}/compare?window=1h`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Comparison;
    expect(body.model).toBe(MODEL);
    expect(body.versions.map((v) => v.version)).toEqual(["v1", "v2"]);
    for (const v of body.versions) {
      expect(v.predictions, v.version).toBe(APPLICATIONS);
      expect(v.predictionsPerSecond).toBeCloseTo(APPLICATIONS / 3600, 9);
      expect(v.errors).toBe(0);
      expect(v.errorRatio).toBe(0);
      const latency = v.latencySeconds!;
      expect(latency.p50).toBeGreaterThan(0);
      expect(latency.p50).toBeLessThanOrEqual(latency.p90);
      expect(latency.p90).toBeLessThanOrEqual(latency.p99);
      // Both versions see the same applications: the drifted features alert, an untouched one does not.
      for (const feature of DRIFTED_FEATURES) expect(v.drift?.features[feature], `${v.version} ${feature}`).toBe("alert");
      expect(v.drift?.features.age).toBe("ok");
      expect(v.drift?.status).toBe("alert");
    }
  });

  it("reports each version's accuracy from the joined actuals, as driftline_accuracy serves it", async () => {
    const served = (await (await get(`/api/v1/series?match[]=driftline_accuracy`)).json()) as { data: unknown[] };
    if (served.data.length === 0) {
      // Accuracy from joined actuals is another engineer's family (issue 6); nothing to compare before it exists.
      console.log("skipped until the Worker serves driftline_accuracy");
      return;
    }
    const body = (await (await get(`/api/models/${MODEL}/compare?window=1h`)).json()) as Comparison;
    for (const v of body.versions) {
      // The demo's classifiers score about 70-80 % on their own population (examples/credit-risk).
      expect(v.accuracy.accuracy, v.version).toBeGreaterThan(0.5);
      expect(v.accuracy.accuracy, v.version).toBeLessThan(1);
      expect(Object.keys(v.accuracy)).toEqual(expect.arrayContaining(["accuracy", "precision", "recall", "f1", "auc"]));
    }
  });

  it("gives the same p99 latency as the histogram_quantile query a dashboard sends", async () => {
    const time = Date.now() / 1000;
    const body = (await (await get(`/api/models/${MODEL}/compare?window=1h`)).json()) as Comparison;
    const promql = `histogram_quantile(0.99, sum by (le, version) (rate(driftline_prediction_duration_seconds_bucket{model="${MODEL}", segment=""}[1h])))`;
    const answer = (await (await get(`/api/v1/query?query=${encodeURIComponent(promql)}&time=${time}`)).json()) as { data: { result: { metric: { version: string }; value: [number, string] }[] } };
    const fromQuery = Object.fromEntries(answer.data.result.map((r) => [r.metric.version, Number(r.value[1])]));
    expect(Object.fromEntries(body.versions.map((v) => [v.version, v.latencySeconds?.p99]))).toEqual(fromQuery);
  });

  it("refuses a window it does not compute, naming the ones it does", async () => {
    const response = await get(`/api/models/${MODEL}/compare?window=2h`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("window must be one of 5m, 1h, 1d, 7d");
  });

  it("answers 404 for a model the tenant does not have, and 403 to an ingest token", async () => {
    expect((await get(`/api/models/nope/compare`)).status).toBe(404);
    expect((await get(`/api/models/${MODEL}/compare`, worker.ingestToken)).status).toBe(403);
  });
});

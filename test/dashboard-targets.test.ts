/**
 * Every target of every panel of every shipped dashboard, sent to a real Worker (`wrangler dev`)
 * the way Grafana's Prometheus data source sends it, after the demo's traffic (both versions, a
 * baseline each, drift injected half-way, outcomes for half the applications) was ingested. Each
 * must answer `status: success` with at least one series: a panel that draws nothing on the demo
 * is a bug in the panel or in the Worker (issue 5, "What it must show").
 *
 * The demo has no failed predictions and no generative model, so the test adds what the service
 * health and GenAI dashboards read: a few predictions marked with `error.type`, and GenAI token
 * and duration histograms for a model "chat" (the GenAI dashboard is sent with model=chat).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDemo } from "../examples/demo/run.ts";
import { DASHBOARDS } from "../dashboards/src/catalog.ts";
import { SAMPLE_VARIABLES, dashboardTargets } from "../dashboards/src/targets.ts";
import type { FilledTarget } from "../dashboards/src/targets.ts";
import { postLogs, predictionsRequest } from "./support/otlp-json.ts";
import { metricsRequest, postMetrics } from "./support/otlp-json-metrics.ts";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";

const MODEL = "credit-risk";
const GENAI_MODEL = "chat";
/** The dashboards' default range (now-6h → now), as Grafana sends it. */
const RANGE_SECONDS = 6 * 3600;
/**
 * Grafana's step for that range: range / maxDataPoints (about the panel's width in pixels, 1 000
 * here), rounded by its `roundInterval` (21.6 s → 20 s), never under the 15 s scrape interval.
 */
const STEP_SECONDS = 20;
/**
 * Seconds the demo's data must lie before the query's end. Grafana aligns a range to the step,
 * so its end can be up to a step before now; the test waits until the aligned end is past the
 * minute the last prediction fell in, as a dashboard refreshed a little later would see it.
 */
const SETTLE_SECONDS = STEP_SECONDS;

/** What Grafana fills the variables with: "All" versions (`.+`), one feature per repeated panel. */
function variablesFor(dashboardUid: string): Record<string, string> {
  return {
    ...SAMPLE_VARIABLES,
    model: dashboardUid === "driftline-genai" ? GENAI_MODEL : MODEL,
    version: ".+",
    feature: "income",
    segment: "home_ownership",
  };
}

/**
 * Panels whose data cannot exist in the demo, with the reason: each must still answer success,
 * with no series (so the reason stays true: a demo that starts producing the data fails here).
 */
const EMPTY_ON_DEMO: Readonly<Record<string, string>> = {
  "driftline-accuracy / Regression errors over 1h / A": "the demo's models are classifiers (labels, not values): MAE, RMSE and MAPE exist only for regression models",
  "driftline-accuracy / Regression errors over 1h / B": "the demo's models are classifiers: the prediction error's quantiles exist only for regression models",
  "driftline-accuracy / Joins / B": "no prediction or actual of the demo waits past the join TTL (30 days), so nothing expires",
  "driftline-accuracy / Joins / C": "the demo sends no duplicate prediction ids and never fills the join table, so no join is refused",
};

/** Now, aligned down to the step as Grafana aligns a range's end. */
function alignedNowSeconds(): number {
  return Math.floor(Date.now() / 1000 / STEP_SECONDS) * STEP_SECONDS;
}

let worker: RunningWorker;
/** Whether the Worker serves driftline_accuracy yet (another engineer's family; its panels wait for it). */
let accuracyServed = false;

async function readApi(path: string, params: Record<string, string>, panel?: { uid: string; id: number }): Promise<{ status: number; body: { status: string; data: { resultType: string; result: unknown[] }; error?: string } }> {
  // Grafana's Prometheus data source: POST, a form body, its own headers beside the token.
  const response = await fetch(`${worker.url}${path}`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${worker.readToken}`,
      "Content-Type": "application/x-www-form-urlencoded",
      Accept: "application/json, text/plain, */*",
      "User-Agent": "Grafana/11.3.0",
      "X-Grafana-Org-Id": "1",
      ...(panel === undefined ? {} : { "X-Dashboard-Uid": panel.uid, "X-Panel-Id": String(panel.id) }),
    },
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, body: (await response.json()) as never };
}

beforeAll(async () => {
  worker = await startWorker();
  await runDemo({
    endpoint: worker.url,
    ingestToken: worker.ingestToken,
    readToken: worker.readToken,
    model: MODEL,
    applications: 2_000,
    rate: 10_000,
    minutes: 1,
    outcomeFraction: 0.5,
    outcomeDelayMs: 0,
    log: () => {},
  });
  const failed = Array.from({ length: 40 }, (_, i) => ({ "ml.model.id": MODEL, "ml.model.version": i % 2 === 0 ? "v1" : "v2", "ml.prediction.latency": 0.2, "error.type": "timeout", "ml.segment.home_ownership": "rent" }));
  const logs = await postLogs(worker, predictionsRequest(failed));
  expect(logs.status, await logs.text()).toBe(200);
  const genai = metricsRequest([
    {
      name: "gen_ai.client.token.usage",
      unit: "{token}",
      kind: "histogram",
      points: [
        { attributes: { "gen_ai.request.model": GENAI_MODEL, "gen_ai.token.type": "input" }, values: [120, 300, 80, 950] },
        { attributes: { "gen_ai.request.model": GENAI_MODEL, "gen_ai.token.type": "output" }, values: [40, 200, 15, 410] },
      ],
    },
    { name: "gen_ai.client.operation.duration", unit: "s", kind: "histogram", points: [{ attributes: { "gen_ai.request.model": GENAI_MODEL }, values: [0.8, 2.1, 0.4, 5.3] }] },
  ]);
  const metrics = await postMetrics(worker, genai);
  expect(metrics.status, await metrics.text()).toBe(200);
  // The demo stamps its predictions with the time they were made: wait until a step-aligned end
  // lies past the current minute's start, so the range holds that minute.
  const lastMinuteStartSeconds = Math.floor(Date.now() / 60_000) * 60;
  while (alignedNowSeconds() < lastMinuteStartSeconds + SETTLE_SECONDS) await new Promise((r) => setTimeout(r, 1_000));
  const accuracy = await readApi("/api/v1/series", { "match[]": "driftline_accuracy" });
  const served: unknown = accuracy.body.data;
  accuracyServed = accuracy.status === 200 && Array.isArray(served) && served.length > 0;
}, 180_000);
afterAll(async () => {
  await worker?.stop();
});

const targets: (FilledTarget & { panelId: number })[] = DASHBOARDS.flatMap((entry) => {
  const dashboard = entry.build();
  return dashboardTargets(dashboard, variablesFor(dashboard.uid ?? "")).map((t, i) => ({ ...t, panelId: i + 1 }));
});

describe("every dashboard target, sent as Grafana sends it after the demo's traffic", () => {
  it.each(targets.map((t) => [`${t.dashboardUid} / ${t.panelTitle} / ${t.refId}${t.instant ? " (instant)" : ""}`, t] as const))("%s returns data", async (_name, target) => {
    if (target.expr.includes("driftline_accuracy") && !accuracyServed) {
      // Accuracy from joined actuals is another engineer's work in progress (issue 6); until the
      // Worker serves driftline_accuracy the panel can only be empty, so it is not sent.
      console.log(`skipped until the Worker serves driftline_accuracy: ${target.dashboardUid} / ${target.panelTitle}`);
      return;
    }
    const endSeconds = alignedNowSeconds();
    const answer = target.instant
      ? await readApi("/api/v1/query", { query: target.expr, time: String(endSeconds) }, { uid: target.dashboardUid, id: target.panelId })
      : await readApi(
          "/api/v1/query_range",
          { query: target.expr, start: String(endSeconds - RANGE_SECONDS), end: String(endSeconds), step: String(STEP_SECONDS) },
          { uid: target.dashboardUid, id: target.panelId },
        );
    expect(answer.status, `${target.expr}\n${JSON.stringify(answer.body).slice(0, 400)}`).toBe(200);
    expect(answer.body.status).toBe("success");
    const emptyBecause = EMPTY_ON_DEMO[`${target.dashboardUid} / ${target.panelTitle} / ${target.refId}`];
    if (emptyBecause !== undefined) {
      expect(answer.body.data.result, emptyBecause).toEqual([]);
      return;
    }
    expect(answer.body.data.result.length, `no series for ${target.expr}`).toBeGreaterThan(0);
  });
});

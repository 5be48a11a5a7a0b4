/**
 * Every target of every panel of every shipped dashboard, sent to a real Worker (`wrangler dev`)
 * the way Grafana's Prometheus data source sends it, after a day of the demo's traffic (both
 * versions, a baseline each, drift injected half-way, outcomes for half the applications). Each
 * must answer `status: success` with at least one series: a panel that draws nothing on the demo
 * is a bug in the panel or in the Worker (issue 5, "What it must show").
 *
 * Grafana's step, `$__interval`, `$__rate_interval` and step-aligned range are computed as Grafana
 * computes them (test/support/grafana-interval.ts) for each data-source scrape interval a user may
 * leave or set (15 s, Grafana's default; 30 s; 1 m) and for the last 1 h, 24 h and 7 d (issue 14):
 * a panel must draw on a plain UI import, not only with the provisioned data source.
 *
 * The demo has no failed predictions and no generative model, and its outcomes all arrive at the
 * end (the demo stamps actuals when it sends them), so the test adds what the service health,
 * accuracy and GenAI dashboards read: predictions marked with `error.type`, identified
 * predictions with their actuals, and GenAI token and duration histograms for a model "chat" (the
 * GenAI dashboard is sent with model=chat), every two minutes over the last hour, as a live
 * service would have sent them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDemo } from "../examples/demo/run.ts";
import { DASHBOARDS } from "../dashboards/src/catalog.ts";
import { SAMPLE_VARIABLES, dashboardTargets } from "../dashboards/src/targets.ts";
import type { FilledTarget } from "../dashboards/src/targets.ts";
import { eventsRequest, postLogs, predictionsRequest } from "./support/otlp-json.ts";
import { metricsRequest, postMetrics } from "./support/otlp-json-metrics.ts";
import { startWorker } from "./support/worker.ts";
import { grafanaRequest } from "./support/grafana-interval.ts";
import type { RunningWorker } from "./support/worker.ts";

const MODEL = "credit-risk";
const GENAI_MODEL = "chat";
/** The data-source scrape intervals a user may have: Grafana's default, and two common settings. */
const SCRAPE_INTERVALS = ["15s", "30s", "1m"] as const;
/** The time ranges the panels are asked for. */
const RANGES: readonly { name: string; ms: number }[] = [
  { name: "1h", ms: 3_600_000 },
  { name: "24h", ms: 86_400_000 },
  { name: "7d", ms: 7 * 86_400_000 },
];
/** Grafana's own variables stay in the expression until {@link grafanaIntervals} fills them per query. */
const GRAFANA_BUILT_INS = { __interval: "$__interval", __rate_interval: "$__rate_interval", __range: "$__range" };
/** Failed predictions and GenAI points: one batch every two minutes over the last hour. */
const SIDE_TRAFFIC_BATCHES = 30;
const SIDE_TRAFFIC_SPACING_MS = 120_000;

/** What Grafana fills the variables with: "All" versions (`.+`), one feature per repeated panel. */
function variablesFor(dashboardUid: string): Record<string, string> {
  return {
    ...SAMPLE_VARIABLES,
    ...GRAFANA_BUILT_INS,
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
  "driftline-data-drift / New categories by feature / A":
    "the panel is sent with feature=income, a numeric feature: new categories are measured for categorical features only (the repeated panel of a categorical feature draws them)",
};

/**
 * Panels that cannot have data in some ranges of this test, by design, with the reason: they are
 * skipped, with the reason printed. Keyed by panel and range. The two 7-day panels read what
 * is counted in the minute a join happens (docs/accuracy.md); every join of this test happens
 * while it sets up, and Grafana aligns a 7-day range's end to its 10-minute step, so the end
 * usually lies before the joins (a Grafana user sees the same for a model's first 10 minutes of
 * actuals). Until session 4 four panels were listed here as unexplained: a day of history in one
 * OTLP request lost whole hours to a per-request cap that counted a series once per minute
 * (docs/limits.md, "sketches per request"), which emptied the last hour's panels.
 */
const JOINED_AT_SETUP = "joins are counted in the minute they happen; this test's all happen while it sets up, after the end Grafana aligns a 7-day range to (10-minute steps)";
const KNOWN_GAPS: Readonly<Record<string, string>> = {
  "driftline-accuracy / Joins / A @ 7d": JOINED_AT_SETUP,
  "driftline-accuracy / Delay of actuals over 1h / A @ 7d": JOINED_AT_SETUP,
};

let worker: RunningWorker;
/** Live predictions sent while the cases run; stopped in afterAll. */
let trickle: ReturnType<typeof setInterval> | undefined;
const LIVE_TRAFFIC_EVERY_MS = 15_000;
/** Whether the Worker serves driftline_accuracy yet (another engineer's family; its panels wait for it). */
let accuracyServed = false;

async function readApi(path: string, params: Record<string, string>, panel?: { uid: string; id: number }): Promise<{ status: number; body: { status: string; data: { resultType: string; result: unknown[] }; error?: string } }> {
  // Grafana's Prometheus data source: POST, a form body, its own headers beside the token.
  for (let attempt = 0; ; attempt++) {
    // wrangler dev's proxy fails the POST that follows a request of more than about 15 s (a slow
    // panel, issue 14): with its 503 "Your worker restarted mid-request" (it retries only GET
    // and HEAD itself), or by closing the connection. Reproduced with two plain requests in
    // session 4; the Worker itself answered both. That attempt is sent again, as Grafana's user
    // would refresh the panel.
    const answer = await postApi(path, params, panel).catch((error: unknown) => {
      if (attempt >= 2) throw error;
      return undefined;
    });
    if (answer !== undefined && (answer.status !== 503 || attempt >= 2)) return answer;
    console.log(`the request failed (${answer === undefined ? "connection closed" : "wrangler's 503"}) after a slow one: ${path} ${params.query ?? ""}; sent again`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

async function postApi(path: string, params: Record<string, string>, panel?: { uid: string; id: number }): Promise<{ status: number; body: { status: string; data: { resultType: string; result: unknown[] }; error?: string } }> {
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
  const text = await response.text();
  if (response.status === 503 && text.includes("restarted")) return { status: 503, body: { status: "error", data: { resultType: "", result: [] }, error: text } };
  return { status: response.status, body: JSON.parse(text) as never };
}

beforeAll(async () => {
  worker = await startWorker();
  await runDemo({
    endpoint: worker.url,
    ingestToken: worker.ingestToken,
    readToken: worker.readToken,
    model: MODEL,
    applications: 6_000,
    rate: 10_000,
    minutes: 1,
    // A day of traffic (timestamps spread over the past 24 h), so every range and step has data.
    day: true,
    outcomeFraction: 0.5,
    outcomeDelayMs: 0,
    log: () => {},
  });
  const nowMs = Date.now();
  for (let k = 0; k < SIDE_TRAFFIC_BATCHES; k++) {
    const atMs = nowMs - k * SIDE_TRAFFIC_SPACING_MS;
    const failed = Array.from({ length: 2 }, (_, i) => ({ "ml.model.id": MODEL, "ml.model.version": i % 2 === 0 ? "v1" : "v2", "ml.prediction.latency": 0.2, "error.type": "timeout", "ml.segment.home_ownership": "rent" }));
    const logs = await postLogs(worker, predictionsRequest(failed, atMs));
    expect(logs.status, await logs.text()).toBe(200);
    // Outcomes that arrive through the hour, as a live model's do (the demo's all come at its end).
    const ids = Array.from({ length: 2 }, (_, i) => `side-${k}-${i}`);
    const scored = ids.map((id, i) => ({ "ml.model.id": MODEL, "ml.model.version": "v1", "ml.prediction.id": id, "ml.prediction.label": i === 0 ? "default" : "repaid", "ml.prediction.score": 0.7 }));
    const predicted = await postLogs(worker, predictionsRequest(scored, atMs - 30_000));
    expect(predicted.status, await predicted.text()).toBe(200);
    const outcomes = ids.map((id) => ({ "ml.model.id": MODEL, "ml.model.version": "v1", "ml.prediction.id": id, "ml.actual.label": "repaid" }));
    const actuals = await postLogs(worker, eventsRequest("ml.actual", outcomes, atMs));
    expect(actuals.status, await actuals.text()).toBe(200);
    const genai = metricsRequest(
      [
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
      ],
      atMs,
    );
    const metrics = await postMetrics(worker, genai);
    expect(metrics.status, await metrics.text()).toBe(200);
  }
  // The model stays live while the cases run (several minutes on a loaded machine): the panels
  // that read the last few minutes at "now" (latency quantiles over $__rate_interval) have data,
  // as they do for a model in production.
  trickle = setInterval(() => {
    const live = ["v1", "v2"].map((version) => ({ "ml.model.id": MODEL, "ml.model.version": version, "ml.prediction.latency": 0.05, "ml.prediction.label": "repaid" }));
    postLogs(worker, predictionsRequest(live)).catch((error: unknown) => console.log(`live traffic: ${String(error)}`));
  }, LIVE_TRAFFIC_EVERY_MS);
  // Joins are counted in the minute they happen, and a counter's increase shows from the next
  // minute's sample on: wait for it, as a Grafana user's next refresh would.
  // The 24-hour cases' end is aligned to 2-minute steps: wait for the first such boundary after
  // the minute that follows the joins.
  const joinsMinute = Math.floor(Date.now() / 60_000);
  const readyMs = (joinsMinute % 2 === 0 ? joinsMinute + 2 : joinsMinute + 1) * 60_000;
  await new Promise((r) => setTimeout(r, readyMs - Date.now() + 1_000));
  const accuracy = await readApi("/api/v1/series", { "match[]": "driftline_accuracy" });
  const served: unknown = accuracy.body.data;
  accuracyServed = accuracy.status === 200 && Array.isArray(served) && served.length > 0;
}, 720_000);
afterAll(async () => {
  clearInterval(trickle);
  await worker?.stop();
});

const targets: (FilledTarget & { panelId: number })[] = DASHBOARDS.flatMap((entry) => {
  const dashboard = entry.build();
  return dashboardTargets(dashboard, variablesFor(dashboard.uid ?? "")).map((t, i) => ({ ...t, panelId: i + 1 }));
});

/** Every target for every scrape interval and range: what Grafana sends in each case. */
const allCases = SCRAPE_INTERVALS.flatMap((scrapeInterval) =>
  RANGES.flatMap((range) => targets.map((target) => ({ name: `scrape ${scrapeInterval}, last ${range.name}: ${target.dashboardUid} / ${target.panelTitle} / ${target.refId}${target.instant ? " (instant)" : ""}`, scrapeInterval, range, target }))),
);
const gapOf = (c: (typeof allCases)[number]) => KNOWN_GAPS[`${c.target.dashboardUid} / ${c.target.panelTitle} / ${c.target.refId} @ ${c.range.name}`];
const cases = allCases.filter((c) => gapOf(c) === undefined);
const gaps = allCases.filter((c) => gapOf(c) !== undefined);
for (const reason of new Set(gaps.map(gapOf))) console.log(`dashboard-targets: skipping ${gaps.filter((c) => gapOf(c) === reason).length} cases: ${reason}`);

/** Identical requests (the same expression, step and range) are sent once; the answer is shared. */
const answers = new Map<string, ReturnType<typeof readApi>>();

describe("every dashboard target, sent as Grafana sends it after a day of the demo's traffic", () => {
  it.skip.each(gaps.map((c) => [c.name, gapOf(c)] as const))("%s is skipped: %s", () => {});
  it.each(cases.map((c) => [c.name, c] as const))("%s returns data", async (_name, { scrapeInterval, range, target }) => {
    if (target.expr.includes("driftline_accuracy") && !accuracyServed) {
      // Accuracy from joined actuals is another engineer's work in progress (issue 6); until the
      // Worker serves driftline_accuracy the panel can only be empty, so it is not sent.
      console.log(`skipped until the Worker serves driftline_accuracy: ${target.dashboardUid} / ${target.panelTitle}`);
      return;
    }
    const { path, params, stepMs, expr } = grafanaRequest(target, scrapeInterval, range.ms, Date.now());
    expect(expr, "a Grafana variable left unfilled").not.toContain("$");
    const key = `${path}?${new URLSearchParams(params).toString()}`;
    let pending = answers.get(key);
    if (pending === undefined) answers.set(key, (pending = readApi(path, params, { uid: target.dashboardUid, id: target.panelId })));
    const answer = await pending;
    const shown = `${expr} (step ${stepMs / 1000} s)\n${JSON.stringify(answer.body).slice(0, 400)}`;
    expect(answer.status, shown).toBe(200);
    expect(answer.body.status).toBe("success");
    const emptyBecause = EMPTY_ON_DEMO[`${target.dashboardUid} / ${target.panelTitle} / ${target.refId}`];
    if (emptyBecause !== undefined) {
      expect(answer.body.data.result, emptyBecause).toEqual([]);
      return;
    }
    expect(answer.body.data.result.length, `no series for ${shown}`).toBeGreaterThan(0);
  });
});

/**
 * The interoperability oracle (issue 5): a real Prometheus 2.42 scrapes the Worker's /metrics
 * every second while traffic arrives; then the same PromQL goes to Prometheus' API and to
 * Driftline's, and the answers must have the same label sets and values within the tolerances
 * below. docs/query-api.md ("Interoperability oracle") says what is compared, where the two
 * cannot agree by construction, and why each tolerance is what it is.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBaseline, uploadBaseline } from "../sdk/src/index.ts";
import { postLogs, predictionsRequest } from "./support/otlp-json.ts";
import { prometheusMissing, promApi, startPrometheus } from "./support/prometheus.ts";
import type { ApiMatrix, ApiVector, PromApi, RunningPrometheus } from "./support/prometheus.ts";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";
import { seededRandom as uniforms } from "@driftline/collector/testing";

const missing = prometheusMissing();
if (missing !== null) console.log(`prometheus-oracle: skipped: ${missing}`);

const MODEL = "oracle";
const VERSIONS = ["v1", "v2"] as const;
/** Predictions per version per burst; a burst every BURST_EVERY_MS. */
const BURST_ROWS = 40;
const BURST_EVERY_MS = 2_000;

/** One request of traffic: when it was sent (its records' timestamp) and when the 200 came back. */
type Burst = { sentMs: number; doneMs: number };


type Row = { income: number; tenure: number; plan: string; score: number; latencySeconds: number; failed: boolean };

/** Training-like rows; `incomeShift` moves income (drift) and `proShare` the categorical mix. */
function rows(random: () => number, count: number, incomeShift: number, proShare: number): Row[] {
  return Array.from({ length: count }, () => ({
    income: 50_000 + 20_000 * random() + incomeShift,
    tenure: Math.floor(10 * random()),
    plan: random() < proShare ? "pro" : "basic",
    score: random(),
    latencySeconds: 0.001 + 0.099 * random(),
    failed: random() < 0.05,
  }));
}

let worker: RunningWorker | undefined;
let prometheus: RunningPrometheus | undefined;
let driftline: PromApi;
const bursts: Burst[] = [];
let endSeconds = 0;
let sent = 0;

async function send(version: string, batch: Row[], timeMs: number): Promise<void> {
  const records = batch.map((row) => ({
    "ml.model.id": MODEL,
    "ml.model.version": version,
    "ml.feature.income": row.income,
    "ml.feature.tenure": row.tenure,
    "ml.feature.plan": row.plan,
    "ml.prediction.value": row.score,
    "ml.prediction.latency": row.latencySeconds,
    ...(row.failed ? { "error.type": "timeout" } : {}),
  }));
  const response = await postLogs(worker!, predictionsRequest(records, timeMs));
  if (response.status !== 200) throw new Error(`ingest: ${response.status} ${await response.text()}`);
  sent += batch.length;
}

/** One burst: BURST_ROWS per version, v1's income drifting further in the second phase. */
async function burst(random: () => number, phase: 1 | 2): Promise<void> {
  const sentMs = Date.now();
  await send("v1", rows(random, BURST_ROWS, phase === 1 ? 8_000 : 25_000, 0.3), sentMs);
  await send("v2", rows(random, BURST_ROWS, 0, phase === 1 ? 0.3 : 0.8), sentMs);
  bursts.push({ sentMs, doneMs: Date.now() });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function burstsUntil(random: () => number, phase: 1 | 2, untilMs: number): Promise<void> {
  while (Date.now() < untilMs) {
    const next = Date.now() + BURST_EVERY_MS;
    await burst(random, phase);
    await sleep(Math.max(0, Math.min(next, untilMs) - Date.now()));
  }
}

describe.skipIf(missing !== null)("a real Prometheus scraping /metrics agrees with Driftline's query API", () => {
  beforeAll(async () => {
    worker = await startWorker();
    driftline = promApi(worker.url, { Authorization: `Bearer ${worker.readToken}` });
    const random = uniforms(11);
    for (const version of VERSIONS) {
      const baseline = await buildBaseline(rows(random, 3000, 0, 0.3), { prediction: "score", exclude: ["latencySeconds", "failed"] });
      await uploadBaseline(baseline, { endpoint: worker.url, token: worker.ingestToken, model: MODEL, version });
    }
    // One prediction per version before Prometheus starts, so the series exist at its first scrape.
    const warmMs = Date.now();
    for (const version of VERSIONS) await send(version, rows(random, 1, 0, 0.3), warmMs);
    bursts.push({ sentMs: warmMs, doneMs: Date.now() });
    prometheus = await startPrometheus({ scrape: { url: worker.url, bearerToken: worker.readToken, intervalSeconds: 1 } });
    while ((await prometheus.api.query("driftline_predictions_total", Date.now() / 1000)).length < VERSIONS.length) await sleep(250);
    // Phase 1, then a pause across the next minute boundary B, then phase 2: the pause gives
    // instants where both sides' minute-level and scrape-level views hold the same data.
    const boundaryMs = Math.ceil((Date.now() + 12_000) / 60_000) * 60_000;
    await burstsUntil(random, 1, boundaryMs - 8_000);
    await sleep(boundaryMs + 3_000 - Date.now());
    await burstsUntil(random, 2, Date.now() + 10_000);
    // Two scrapes after the last burst: Prometheus holds the final state.
    await sleep(3_000);
    endSeconds = Math.floor(Date.now() / 1000);
  }, 200_000);

  afterAll(async () => {
    for (const [promql, r] of report) console.log(`oracle: ${r.samples} samples, largest difference ${r.worstAbsolute.toPrecision(2)} (relative ${r.worst.toPrecision(2)}): ${promql}`);
    await prometheus?.stop();
    await worker?.stop();
  });

  it("has the same series and values for instant queries after the traffic", async () => {
    expect(endSeconds * 1000 - bursts[0].sentMs).toBeLessThan(4 * 60_000);
    for (const { promql, tolerance } of INSTANT_QUERIES) {
      const [ours, theirs] = await Promise.all([driftline.query(promql, endSeconds), prometheus!.api.query(promql, endSeconds)]);
      expect(theirs.length, `${promql}: Prometheus has no series`).toBeGreaterThan(0);
      compareVectors(promql, ours, theirs, tolerance(promql));
    }
  });

  it("agrees on rate, increase and histogram_quantile within the scrape-versus-minute tolerances", async () => {
    const total = (await driftline.query("sum(driftline_predictions_total)", endSeconds)).map((s) => Number(s.value[1]))[0];
    expect(total).toBe(sent);
    for (const { promql, tolerance } of RANGE_FUNCTION_QUERIES) {
      const [ours, theirs] = await Promise.all([driftline.query(promql, endSeconds), prometheus!.api.query(promql, endSeconds)]);
      expect(theirs.length, `${promql}: Prometheus has no series`).toBeGreaterThan(0);
      compareVectors(promql, ours, theirs, tolerance);
    }
  });

  it("has the same series and values in query_range over the scraped span, at the steps where both sides hold the same data", async () => {
    const scrapes = await scrapeTimes(prometheus!.api, endSeconds);
    const startSeconds = Math.ceil(scrapes[0] / 1000) + 1;
    let compared = { gauges: 0, counters: 0 };
    for (const { promql, tolerance, comparable } of RANGE_QUERIES) {
      const [ours, theirs] = await Promise.all([driftline.queryRange(promql, startSeconds, endSeconds, 1), prometheus!.api.queryRange(promql, startSeconds, endSeconds, 1)]);
      const steps = compareMatrices(promql, ours, theirs, tolerance(promql), (tSeconds) => comparable(tSeconds * 1000, lastScrapeAt(scrapes, tSeconds * 1000)));
      compared = comparable === sameCounter ? { ...compared, counters: compared.counters + steps } : { ...compared, gauges: compared.gauges + steps };
    }
    // The pause across a minute boundary and the quiet end give comparable steps on both kinds.
    expect(compared.counters).toBeGreaterThanOrEqual(3);
    expect(compared.gauges).toBeGreaterThanOrEqual(10);
  });
});

/** Prometheus' scrape timestamps (ms), from the raw samples of one scraped series. */
async function scrapeTimes(api: PromApi, atSeconds: number): Promise<number[]> {
  const raw = (await api.query('driftline_predictions_total{version="v1"}[10m]', atSeconds)) as unknown as ApiMatrix;
  return raw[0].values.map(([t]) => Math.round(t * 1000));
}

/** The last scrape at or before `tMs` (-Infinity before the first). */
function lastScrapeAt(scrapes: readonly number[], tMs: number): number {
  let last = -Infinity;
  for (const s of scrapes) if (s <= tMs) last = s;
  return last;
}

/**
 * A counter at a step t: Driftline's latest sample is the minute boundary ⌊t⌋ (the buckets
 * before it), Prometheus' the last scrape s ≤ t. They hold the same predictions when every burst
 * is in both (sent before the boundary, committed before s) or in neither (sent after s).
 */
function sameCounter(tMs: number, scrapeMs: number): boolean {
  // At the last step Driftline's sample is "now" (everything sent); elsewhere the boundary ⌊t⌋.
  const cutMs = tMs === endSeconds * 1000 ? Infinity : Math.floor(tMs / 60_000) * 60_000;
  return bursts.every((b) => (b.sentMs < cutMs ? b.doneMs < scrapeMs : b.sentMs > scrapeMs));
}

/**
 * A windowed gauge at a step t covers the whole minute ⌊t⌋ in Driftline (a minute bucket is the
 * finest unit), and what had been committed at the last scrape s ≤ t in Prometheus. They hold the
 * same predictions when no burst of t's minute was still to come at s.
 */
function sameGauge(tMs: number, scrapeMs: number): boolean {
  const minuteEndMs = (Math.floor(tMs / 60_000) + 1) * 60_000;
  return bursts.every((b) => b.sentMs >= minuteEndMs || b.doneMs < scrapeMs);
}

/** How far two values may be apart, and why (docs/query-api.md, "Interoperability oracle"). */
type Tolerance = (promql: string) => (ours: number, theirs: number) => boolean;

const exact: Tolerance = () => (a, b) => a === b;
/**
 * The windowed gauges computed from digests. /metrics computes every gauge of a window together
 * from the merged digest at its scrape time. The query API merges too, but groups the buckets of
 * an hour window differently when the two times fall in different minutes (t-digest merges are
 * not associative: rank error ≤ 5e-3, docs/sketches.md), and a selector that asks only for PSI,
 * JS or Hellinger is answered from the buckets' CDFs without merging (binned-window.ts). Each
 * drift statistic is within 0.01 of the exact one (docs/drift.md), so the two are within 0.02;
 * quantiles within 2 %.
 */
const digestMerge: Tolerance = () => (a, b) => Math.abs(a - b) <= Math.max(0.02, 0.02 * Math.abs(b));

const INSTANT_QUERIES: { promql: string; tolerance: Tolerance }[] = [
  { promql: "driftline_predictions_total", tolerance: exact },
  { promql: "sum by (version) (driftline_predictions_total)", tolerance: exact },
  { promql: "driftline_prediction_errors_total", tolerance: exact },
  { promql: "driftline_prediction_duration_seconds_count", tolerance: exact },
  { promql: 'driftline_prediction_duration_seconds_bucket{le="+Inf"}', tolerance: exact },
  { promql: "driftline_drift_status", tolerance: exact },
  { promql: 'driftline_drift_status{window="5m"} > bool 1', tolerance: exact },
  { promql: 'label_replace(driftline_drift_status{window="1h"}, "column", "feature_$1", "feature", "(.+)")', tolerance: exact },
  { promql: "driftline_feature_drift", tolerance: digestMerge },
  { promql: "driftline_prediction_drift", tolerance: digestMerge },
  { promql: 'topk(2, driftline_feature_drift{method="psi", window="1h"})', tolerance: digestMerge },
  { promql: 'max by (feature) (driftline_feature_drift{method="ks"})', tolerance: digestMerge },
  { promql: 'driftline_feature_drift{method="psi"} > 0.2', tolerance: digestMerge },
  { promql: "driftline_feature_quantile", tolerance: digestMerge },
  { promql: "driftline_feature_missing_ratio", tolerance: exact },
  { promql: "count by (window) (driftline_drift_status == 2)", tolerance: exact },
  { promql: 'avg without (method) (driftline_feature_drift{window="5m", method=~"psi|js|hellinger"})', tolerance: digestMerge },
  { promql: 'clamp_max(driftline_feature_drift{method="psi"}, 0.3)', tolerance: digestMerge },
  { promql: 'driftline_feature_quantile{quantile="0.95"} - ignoring(quantile) driftline_feature_quantile{quantile="0.05"}', tolerance: digestMerge },
  { promql: 'driftline_drift_status{window="1h"} * on(model, version, feature) group_left driftline_feature_missing_ratio{window="1h"}', tolerance: exact },
];

/**
 * Counters under rate/increase over [5m] at the end: Driftline reads the whole traffic (a series
 * reads 0 at the start of its first minute, so nothing is extrapolated); Prometheus starts at its
 * first scrape, which already held the one warm-up prediction per version, and extrapolates by at
 * most ~1.5 scrape intervals over the 20–80 s it sampled. So Prometheus' figure is below ours by
 * the warm-up and may exceed the rest by up to 3 %.
 */
const counterWindow = (a: number, b: number): boolean => Math.abs(a - b) <= 1 + 0.03 * Math.abs(a);
/**
 * histogram_quantile: Driftline answers from the merged latency digest, Prometheus interpolates
 * linearly inside the bucket holding the rank ([0.05, 0.1] for p90 of latencies uniform on
 * [0.001, 0.1]). Linear interpolation is right for uniform data up to sampling noise, about
 * bucket width × √(q(1−q)/n) for the ~1 000 latencies per group, well under 5 % of the value.
 */
const interpolated = (a: number, b: number): boolean => Math.abs(a - b) <= 0.05 * Math.abs(a);

const RANGE_FUNCTION_QUERIES: { promql: string; tolerance: (a: number, b: number) => boolean }[] = [
  { promql: "increase(driftline_predictions_total[5m])", tolerance: counterWindow },
  { promql: "sum by (version) (rate(driftline_prediction_errors_total[5m])) * 300", tolerance: counterWindow },
  { promql: "histogram_quantile(0.9, sum by (le, model) (rate(driftline_prediction_duration_seconds_bucket[5m])))", tolerance: interpolated },
  { promql: "histogram_quantile(0.5, sum by (le, model, version) (rate(driftline_prediction_duration_seconds_bucket[5m])))", tolerance: interpolated },
  {
    promql: "sum by (version) (rate(driftline_prediction_duration_seconds_sum[5m])) / sum by (version) (rate(driftline_prediction_duration_seconds_count[5m]))",
    tolerance: (a, b) => Math.abs(a - b) <= 0.03 * Math.abs(a),
  },
];

const RANGE_QUERIES: { promql: string; tolerance: Tolerance; comparable: (tMs: number, scrapeMs: number) => boolean }[] = [
  { promql: "driftline_predictions_total", tolerance: exact, comparable: sameCounter },
  { promql: "sum by (version) (driftline_prediction_errors_total)", tolerance: exact, comparable: sameCounter },
  { promql: 'driftline_feature_drift{method="psi"}', tolerance: digestMerge, comparable: sameGauge },
  { promql: 'driftline_feature_drift{method="ks", window="1h"}', tolerance: digestMerge, comparable: sameGauge },
  { promql: "driftline_drift_status", tolerance: exact, comparable: sameGauge },
  { promql: 'driftline_feature_quantile{quantile="0.5"}', tolerance: digestMerge, comparable: sameGauge },
  { promql: 'driftline_prediction_drift{method="wasserstein"}', tolerance: digestMerge, comparable: sameGauge },
];

/**
 * Compares two matrices at the steps `comparable` admits: there, a series has a sample on one side
 * exactly when it has one on the other, and the values agree. Returns how many samples it compared.
 */
function compareMatrices(promql: string, ours: ApiMatrix, theirs: ApiMatrix, close: (a: number, b: number) => boolean, comparable: (tSeconds: number) => boolean): number {
  const index = (m: ApiMatrix) => new Map(m.map((s) => [key(s.metric), new Map(s.values.map(([t, v]) => [t, Number(v)]))]));
  const a = index(ours);
  const b = index(theirs);
  expect([...a.keys()].sort(), `${promql}: label sets`).toEqual([...b.keys()].sort());
  let compared = 0;
  for (const [series, oursByTime] of a) {
    const theirsByTime = b.get(series)!;
    const times = new Set([...oursByTime.keys(), ...theirsByTime.keys()]);
    for (const t of times) {
      if (!comparable(t)) continue;
      const x = oursByTime.get(t);
      const y = theirsByTime.get(t);
      expect(x !== undefined && y !== undefined, `${promql} ${series} at ${t}: Driftline ${x}, Prometheus ${y}`).toBe(true);
      expect(close(x!, y!), `${promql} ${series} at ${t}: Driftline ${x}, Prometheus ${y}`).toBe(true);
      note(`range: ${promql}`, x!, y!);
      compared++;
    }
  }
  return compared;
}

function key(metric: Record<string, string>): string {
  return JSON.stringify(Object.entries(metric).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Per query: samples compared and the largest relative difference seen, printed at the end for docs/query-api.md. */
const report = new Map<string, { samples: number; worst: number; worstAbsolute: number }>();
function note(promql: string, a: number, b: number): void {
  const r = report.get(promql) ?? { samples: 0, worst: 0, worstAbsolute: 0 };
  r.samples++;
  r.worstAbsolute = Math.max(r.worstAbsolute, Math.abs(a - b));
  if (a !== b) r.worst = Math.max(r.worst, Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));
  report.set(promql, r);
}

function compareVectors(promql: string, ours: ApiVector, theirs: ApiVector, close: (a: number, b: number) => boolean): void {
  expect(ours.map((s) => key(s.metric)).sort(), `${promql}: label sets`).toEqual(theirs.map((s) => key(s.metric)).sort());
  const theirsByKey = new Map(theirs.map((s) => [key(s.metric), Number(s.value[1])]));
  for (const s of ours) {
    const a = Number(s.value[1]);
    const b = theirsByKey.get(key(s.metric))!;
    note(promql, a, b);
    expect(close(a, b), `${promql} ${key(s.metric)}: Driftline ${a}, Prometheus ${b}`).toBe(true);
  }
}

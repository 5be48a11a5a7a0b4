/**
 * `npm run bench:dashboards`: every panel of every shipped dashboard, sent as Grafana sends it
 * for the last 24 h (its default max data points: one point per pixel of the panel's width on a
 * 1 920-pixel screen; the data source's default 15 s scrape interval; step, `$__rate_interval` and
 * aligned range computed as Grafana does, test/support/grafana-interval.ts), after a day of demo
 * traffic; then the overview dashboard with 100 models (docs/benchmarks.md, "Dashboards").
 *
 * A dashboard load sends all its panels at once, as Grafana does; a panel's time is its slowest
 * query, the dashboard's is until its last panel answered. Each dashboard is timed on its first
 * load (nothing cached: what the first viewer after a quiet night waits for) and on refreshes
 * (the dashboards refresh every minute; the ModelStore keeps the windowed values of closed
 * minutes, store/read/gauge-cache.ts), medians of BENCH_DASHBOARD_RUNS refreshes.
 *
 * Targets (issue 14): slowest panel ≤ 1 s, whole dashboard ≤ 3 s, the overview with 100 models ≤ 2 s.
 */
import { runDemo } from "../examples/demo/run.ts";
import { buildBaseline, uploadBaseline } from "../sdk/src/index.ts";
import { DASHBOARDS } from "../dashboards/src/catalog.ts";
import { SAMPLE_VARIABLES, dashboardTargets } from "../dashboards/src/targets.ts";
import type { FilledTarget } from "../dashboards/src/targets.ts";
import { GRAFANA_HEADERS, grafanaRequest } from "../test/support/grafana-interval.ts";
import { postLogs } from "../test/support/otlp-json.ts";
import { startWorker } from "../test/support/worker.ts";
import type { RunningWorker } from "../test/support/worker.ts";
import { seededRandom } from "@driftline/collector/testing";

const MODEL = "credit-risk";
const RANGE_MS = 24 * 3_600_000;
const SCRAPE_INTERVAL = "15s";
/** Applications of the demo's day (two predictions each, spread over the past 24 h). */
const APPLICATIONS = Number(process.env.BENCH_DASHBOARD_APPLICATIONS ?? 100_000);
const RUNS = Number(process.env.BENCH_DASHBOARD_RUNS ?? 3);
/** Models of the overview run, each with a day of traffic and a baseline. */
const MODELS = Number(process.env.BENCH_DASHBOARD_MODELS ?? 100);
const MODEL_FEATURES = ["f0", "f1", "f2"];
/** Each extra model predicts once a minute over the last MODEL_HOURS hours (the demo's model has its day). */
const MODEL_EVERY_MINUTES = 1;
/**
 * Hours of traffic of each extra model. A first load computes the drift status of every window
 * that holds data, every method (~3 ms a window, docs/drift.md): 99 models with a full day would
 * be ~99 × 3 × 288 × 3 ms ≈ 4 min of one core before the first refresh, so the fleet here started
 * reporting recently; refreshes cost the same either way (the closed minutes are cached).
 */
const MODEL_HOURS = Number(process.env.BENCH_DASHBOARD_MODEL_HOURS ?? 2);

/** Requests sent again after wrangler's proxy answered "restarted mid-request" (printed with the results). */
let restarts = 0;

type Timed = { panel: string; ms: number; series: number; failed: string | null };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function send(worker: RunningWorker, target: FilledTarget, nowMs: number): Promise<{ series: number; failed: string | null }> {
  const request = grafanaRequest(target, SCRAPE_INTERVAL, RANGE_MS, nowMs);
  let response: Response;
  let text: string;
  for (let attempt = 0; ; attempt++) {
    response = await fetch(`${worker.url}${request.path}`, {
      method: "POST",
      headers: { ...GRAFANA_HEADERS, Authorization: `Bearer ${worker.readToken}` },
      body: new URLSearchParams(request.params).toString(),
    });
    text = await response.text();
    // wrangler dev's proxy answers 503 "Your worker restarted mid-request" for a POST whose
    // connection the runtime closed (docs/benchmarks.md, "bench:overload"): that attempt is
    // announced, not hidden, and sent again.
    if (response.status !== 503 || !text.includes("restarted") || attempt >= 3) break;
    restarts++;
  }
  if (response.status !== 200) return { series: 0, failed: `${response.status} ${text.slice(0, 300)} (${request.expr})` };
  const body = JSON.parse(text) as { status: string; data?: { result: unknown[] }; error?: string };
  return { series: body.data?.result.length ?? 0, failed: null };
}

/** One dashboard load: every panel at once; per panel, its slowest query. */
async function load(worker: RunningWorker, targets: readonly FilledTarget[]): Promise<{ totalMs: number; panels: Timed[] }> {
  const nowMs = Date.now();
  const byPanel = new Map<string, FilledTarget[]>();
  for (const t of targets) byPanel.set(t.panelTitle, [...(byPanel.get(t.panelTitle) ?? []), t]);
  const start = performance.now();
  const panels = await Promise.all(
    [...byPanel].map(async ([panel, queries]) => {
      const answers = await Promise.all(queries.map((q) => send(worker, q, nowMs)));
      return { panel, ms: performance.now() - start, series: answers.reduce((n, a) => n + a.series, 0), failed: answers.find((a) => a.failed !== null)?.failed ?? null };
    }),
  );
  return { totalMs: performance.now() - start, panels };
}

function variablesFor(uid: string, model: string): Record<string, string> {
  return { ...SAMPLE_VARIABLES, __interval: "$__interval", __rate_interval: "$__rate_interval", __range: "$__range", model, version: ".+", feature: "income", segment: "home_ownership", ...(uid === "driftline-genai" ? { model: "chat" } : {}) };
}

async function timeDashboard(worker: RunningWorker, name: string, targets: readonly FilledTarget[]): Promise<{ name: string; first: number; firstSlowest: Timed; refresh: number; refreshSlowest: Timed }> {
  const first = await load(worker, targets);
  const refreshes: { totalMs: number; panels: Timed[] }[] = [];
  for (let run = 0; run < RUNS; run++) refreshes.push(await load(worker, targets));
  const failed = [first, ...refreshes].flatMap((l) => l.panels).find((p) => p.failed !== null);
  if (failed !== undefined) throw new Error(`${name} / ${failed.panel}: ${failed.failed}`);
  const slowest = (panels: Timed[]) => panels.reduce((a, b) => (b.ms > a.ms ? b : a));
  const mid = refreshes.map((r) => r.totalMs).sort((a, b) => a - b)[refreshes.length >> 1];
  const midLoad = refreshes.find((r) => r.totalMs === mid)!;
  return { name, first: first.totalMs, firstSlowest: slowest(first.panels), refresh: median(refreshes.map((r) => r.totalMs)), refreshSlowest: slowest(midLoad.panels) };
}

/** MODEL_HOURS of traffic for `model` (one prediction every MODEL_EVERY_MINUTES minutes) and its baseline. */
async function seedModel(worker: RunningWorker, model: string, seed: number): Promise<void> {
  const random = seededRandom(seed);
  const row = (shift: number) => Object.fromEntries(MODEL_FEATURES.map((f) => [f, random() + random() - 1 + shift]));
  await uploadBaseline(await buildBaseline(Array.from({ length: 1_000 }, () => row(0))), { endpoint: worker.url, token: worker.ingestToken, model, version: "v1" });
  const endMinute = Math.floor(Date.now() / 60_000);
  const logRecords = [];
  for (let m = endMinute - MODEL_HOURS * 60 + 1; m <= endMinute; m += MODEL_EVERY_MINUTES) {
    // Every fourth model drifts in its last half hour.
    const shift = seed % 4 === 0 && m > endMinute - 30 ? 0.5 : 0;
    const attributes = { "ml.model.id": model, "ml.model.version": "v1", "ml.prediction.latency": 0.01 + 0.02 * random(), ...Object.fromEntries(Object.entries(row(shift)).map(([k, v]) => [`ml.feature.${k}`, v])) };
    logRecords.push({
      timeUnixNano: `${m * 60_000}000000`,
      eventName: "ml.prediction",
      attributes: Object.entries(attributes).map(([key, value]) => ({ key, value: typeof value === "number" ? { doubleValue: value } : { stringValue: value } })),
    });
  }
  const response = await postLogs(worker, JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ scope: { name: "driftline-bench" }, logRecords }] }] }));
  if (response.status !== 200) throw new Error(`seeding ${model}: ${response.status} ${await response.text()}`);
}

function row(r: { name: string; first: number; firstSlowest: Timed; refresh: number; refreshSlowest: Timed }): string {
  const ms = (x: number) => `${Math.round(x).toLocaleString("en-US")} ms`;
  return `| ${r.name} | ${ms(r.first)} | ${ms(r.firstSlowest.ms)} (${r.firstSlowest.panel}) | ${ms(r.refresh)} | ${ms(r.refreshSlowest.ms)} (${r.refreshSlowest.panel}) |`;
}

async function main(): Promise<void> {
  const worker = await startWorker();
  try {
    const seedStart = performance.now();
    await runDemo({ endpoint: worker.url, ingestToken: worker.ingestToken, readToken: worker.readToken, model: MODEL, applications: APPLICATIONS, rate: 10_000, minutes: 30, day: true, outcomeFraction: 0.5, outcomeDelayMs: 0, log: () => {} });
    console.log(`a day of demo traffic: ${APPLICATIONS.toLocaleString("en-US")} applications × 2 versions in ${((performance.now() - seedStart) / 1000).toFixed(0)} s`);
    const header = ["| dashboard | first load | slowest panel, first load | refresh (median) | slowest panel, refresh |", "|---|---|---|---|---|"];
    const results = [];
    for (const entry of DASHBOARDS) {
      const dashboard = entry.build();
      // The overview's $model is multi-select and starts on All.
      const targets = dashboardTargets(dashboard, variablesFor(dashboard.uid ?? "", dashboard.uid === "driftline-overview" ? ".+" : MODEL));
      results.push(await timeDashboard(worker, `${entry.file} (${targets.length} queries)`, targets));
      console.log(row(results[results.length - 1]));
    }
    const modelsStart = performance.now();
    for (let i = 1; i < MODELS; i += 4) await Promise.all([0, 1, 2, 3].filter((k) => i + k < MODELS).map((k) => seedModel(worker, `model-${String(i + k).padStart(3, "0")}`, i + k)));
    console.log(`\n${MODELS - 1} more models, each ${MODEL_HOURS} h of one prediction every ${MODEL_EVERY_MINUTES} min × ${MODEL_FEATURES.length} features and a baseline, seeded in ${((performance.now() - modelsStart) / 1000).toFixed(0)} s`);
    const overview = DASHBOARDS.find((d) => d.file === "overview.json")!.build();
    const many = await timeDashboard(worker, `overview.json, ${MODELS} models ($model = All)`, dashboardTargets(overview, variablesFor(overview.uid ?? "", ".+")));
    console.log(`\nLast 24 h, data source scrape interval ${SCRAPE_INTERVAL}, default max data points; refresh = median of ${RUNS}:\n`);
    console.log([...header, ...results.map(row), row(many)].join("\n"));
    if (restarts > 0) console.log(`\n(${restarts} requests were sent again after wrangler's proxy answered "Your worker restarted mid-request")`);
  } finally {
    await worker.stop();
  }
}

await main();

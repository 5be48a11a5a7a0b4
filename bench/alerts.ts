/**
 * 200 alert rules on one model (issue 17): are they evaluated within one alarm, how long does
 * that take, and does it delay ingest? The real Worker under `wrangler dev`, two models with the
 * same traffic and baselines: "quiet" has no rules, "ruled" has 200 (100 of the fixed kinds:
 * drift, latency, error rate; 100 PromQL rules: drift gauges, error ratios per version,
 * histogram_quantile), every one evaluated every 2 s (ALERT_MIN_INTERVAL_SECONDS=1, 30 times the
 * production default's frequency, so the alarm's work overlaps ingest as often as it can).
 *
 * Printed, all from the same run:
 * - per alarm of "ruled": how many rules it evaluated (all 200 in one alarm, or not) and the rule
 *   group's `evaluationTime` from /api/v1/rules (the sum of the rules' evaluation times, as
 *   Prometheus reports a group's), median and p99 over the alarms seen;
 * - ingest round trips (OTLP/JSON, 50 predictions × 20 features each), median and p99, to
 *   "quiet" and to "ruled", sent alternately, before the rules exist and while they run.
 *
 * Loopback only, bounded: BENCH_REQUESTS (default 200) requests per model and phase.
 * Run with `npm run bench:alerts`.
 */
import { TDigest } from "@driftline/collector";
import { seededRandom } from "@driftline/collector/testing";
import { postLogs, predictionsRequest } from "../test/support/otlp-json.ts";
import { startWorker } from "../test/support/worker.ts";
import type { RunningWorker } from "../test/support/worker.ts";

const requests = Number(process.env.BENCH_REQUESTS ?? 200);
const RULES = 200;
const FEATURES = 20;
const PER_REQUEST = 50;
const QUIET = "bench-alerts-quiet";
const RULED = "bench-alerts-ruled";

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const random = seededRandom(17);
function normal(mean: number): number {
  return mean + Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

async function api(worker: RunningWorker, method: string, path: string, body?: unknown): Promise<unknown> {
  const token = method === "GET" ? worker.readToken : worker.ingestToken;
  const response = await fetch(`${worker.url}${path}`, { method, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as unknown;
}

async function baseline(worker: RunningWorker, model: string): Promise<void> {
  const features: Record<string, unknown> = {};
  for (let f = 0; f < FEATURES; f++) {
    const d = new TDigest();
    for (let i = 0; i < 2000; i++) d.add(normal(0));
    features[`f${f}`] = { type: "numeric", sketch: Buffer.from(d.toBytes()).toString("base64") };
  }
  await api(worker, "PUT", `/api/models/${model}/versions/v1/baseline`, { rows: 2000, features });
}

/** One ingest round trip of PER_REQUEST predictions (a tenth of them errors, some drifted), in ms. */
async function ingest(worker: RunningWorker, model: string, n: number): Promise<number> {
  const records = Array.from({ length: PER_REQUEST }, (_, i) => {
    const r: Record<string, number | string> = { "ml.model.id": model, "ml.model.version": i % 2 === 0 ? "v1" : "v2", "ml.prediction.value": random(), "ml.prediction.latency": 0.05 + random() * 0.5 };
    for (let f = 0; f < FEATURES; f++) r[`ml.feature.f${f}`] = normal(f < 5 && n % 2 === 0 ? 1 : 0);
    if (i % 10 === 0) r["error.type"] = "timeout";
    return r;
  });
  const body = predictionsRequest(records);
  const started = performance.now();
  const response = await postLogs(worker, body);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
  return performance.now() - started;
}

/**
 * Rule i: four cases by i % 4; within a case, k = ⌊i / 4⌋ picks distinct features, methods and
 * windows, so no two rules read the same selector (no help from the per-alarm read memo).
 */
function ruleBody(i: number): Record<string, unknown> {
  const k = Math.floor(i / 4);
  const feature = `f${k % FEATURES}`;
  const method = ["psi", "js", "wasserstein", "hellinger"][Math.floor(k / FEATURES) % 4];
  const window = `${1 + (k % 25)}m`;
  const common = { interval: "2s", labels: { severity: "warning" } };
  switch (i % 4) {
    case 0:
      return { ...common, kind: "drift", version: "v1", feature, method, window: "5m", threshold: 5 };
    case 1:
      return { ...common, kind: "promql", expr: `driftline_feature_drift{feature="${feature}", method="${method}", window="5m"} > 5` };
    case 2:
      return k % 2 === 0
        ? { ...common, kind: "error_rate", window, threshold: 0.5 }
        : { ...common, kind: "promql", expr: `sum by (version) (increase(driftline_prediction_errors_total[${window}])) / sum by (version) (increase(driftline_predictions_total[${window}])) > 0.5` };
    default:
      return k % 2 === 0
        ? { ...common, kind: "latency", quantile: 0.99, window, threshold: 10 }
        : { ...common, kind: "promql", expr: `histogram_quantile(0.99, sum by (le, version) (rate(driftline_prediction_duration_seconds_bucket[${window}]))) > 10` };
  }
}

type Group = { evaluationTime: number; rules: { name: string; query: string; evaluationTime: number; lastEvaluation: string; health: string; lastError?: string }[] };

/** Ingest to both models alternately; returns the round trips per model. */
async function phase(worker: RunningWorker, onTick?: () => Promise<void>): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = { [QUIET]: [], [RULED]: [] };
  for (let n = 0; n < requests; n++) {
    for (const model of n % 2 === 0 ? [QUIET, RULED] : [RULED, QUIET]) times[model].push(await ingest(worker, model, n));
    if (onTick !== undefined && n % 10 === 0) await onTick();
  }
  return times;
}

function line(label: string, ms: number[]): string {
  return `${label.padEnd(34)} median ${quantile(ms, 0.5).toFixed(1).padStart(6)} ms   p99 ${quantile(ms, 0.99).toFixed(1).padStart(7)} ms   (${ms.length} requests)`;
}

const worker = await startWorker({ vars: { ALERT_MIN_INTERVAL_SECONDS: "1" } });
try {
  await Promise.all([baseline(worker, QUIET), baseline(worker, RULED)]);
  for (let n = 0; n < 10; n++) await Promise.all([ingest(worker, QUIET, n), ingest(worker, RULED, n)]);
  console.log(`bench:alerts: ${RULES} rules on one model, ${requests} requests per model and phase, wrangler dev on loopback`);
  const before = await phase(worker);
  for (let i = 0; i < RULES; i++) await api(worker, "PUT", `/api/models/${RULED}/alerts/rule-${String(i).padStart(3, "0")}`, ruleBody(i));
  // Alarms seen while the rules run: each distinct lastEvaluation of the group with its evaluationTime and rule count.
  const alarms = new Map<string, { seconds: number; rules: number; errors: string[] }>();
  let lastGroup: Group | undefined;
  const sample = async (): Promise<void> => {
    const data = (await api(worker, "GET", `/api/v1/rules?rule_group[]=${RULED}`)) as { data: { groups: Group[] } };
    const group = data.data.groups[0];
    if (group === undefined) return;
    const byTime = new Map<string, number>();
    for (const r of group.rules) byTime.set(r.lastEvaluation, (byTime.get(r.lastEvaluation) ?? 0) + 1);
    const [latest, count] = [...byTime.entries()].sort(([a], [b]) => (a < b ? 1 : -1))[0];
    if (latest.startsWith("0001")) return;
    alarms.set(latest, { seconds: group.evaluationTime, rules: count, errors: group.rules.filter((r) => r.health === "err").map((r) => r.lastError ?? "") });
    lastGroup = group;
  };
  await new Promise((r) => setTimeout(r, 3_000));
  await sample();
  const during = await phase(worker, sample);
  await sample();
  const seen = [...alarms.values()].filter((a) => a.rules === RULES);
  console.log("");
  console.log(`alarms of "${RULED}" sampled: ${alarms.size}; with all ${RULES} rules evaluated in the one alarm: ${seen.length}`);
  const errors = [...new Set([...alarms.values()].flatMap((a) => a.errors))];
  if (errors.length > 0) console.log(`rules in error: ${errors.slice(0, 3).join(" | ")}`);
  const evalMs = seen.map((a) => a.seconds * 1000);
  console.log(`${"rule group evaluationTime".padEnd(34)} median ${quantile(evalMs, 0.5).toFixed(1).padStart(6)} ms   p99 ${quantile(evalMs, 0.99).toFixed(1).padStart(7)} ms   (${evalMs.length} alarms)`);
  // Where the time goes: the last alarm's evaluation time per kind of rule (ruleBody's four cases).
  const kinds = new Map<string, number[]>();
  for (const r of lastGroup?.rules ?? []) {
    const i = Number(r.name.slice(5));
    const body = ruleBody(i);
    const kind = `${String(body.kind)}${body.kind === "promql" ? ` (${["", "drift gauge", "error ratio", "histogram_quantile"][i % 4]})` : ""}`;
    kinds.set(kind, [...(kinds.get(kind) ?? []), r.evaluationTime * 1000]);
  }
  for (const [kind, ms] of kinds) console.log(`  ${kind.padEnd(32)} ${String(ms.length).padStart(3)} rules, ${ms.reduce((a, b) => a + b, 0).toFixed(1).padStart(6)} ms in all, median ${quantile(ms, 0.5).toFixed(2)} ms per rule`);
  console.log("");
  console.log("ingest round trip (OTLP/JSON, 50 predictions x 20 features)");
  console.log(line("before rules: quiet model", before[QUIET]));
  console.log(line("before rules: ruled model", before[RULED]));
  console.log(line("200 rules running: quiet model", during[QUIET]));
  console.log(line("200 rules running: ruled model", during[RULED]));
  const ratio = quantile(during[RULED], 0.5) / quantile(during[QUIET], 0.5);
  const ratio99 = quantile(during[RULED], 0.99) / quantile(during[QUIET], 0.99);
  console.log(`ruled / quiet while the rules run: median ${ratio.toFixed(2)}, p99 ${ratio99.toFixed(2)}`);
} finally {
  await worker.stop();
}

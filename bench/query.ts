/**
 * `npm run bench:query`: query_range over 24 h at a 1-minute step of one drift gauge for the 50
 * features of one model, timed on Driftline (`wrangler dev`, loopback) and on a real Prometheus
 * 2.42 holding the same series, medians of interleaved runs in one process (docs/benchmarks.md,
 * "Query").
 *
 * 1. Seeds a Worker with 24 h of one model (50 numeric features, 100 predictions a minute,
 *    backdated within the 48 h minute retention, ten features drifting in the second half of the
 *    day) and uploads a baseline.
 * 2. Asks Driftline for the expression once; its matrix is written as OpenMetrics with one sample
 *    per minute and backfilled into a fresh TSDB with `promtool tsdb create-blocks-from
 *    openmetrics`: the series a Prometheus would hold had it scraped /metrics every minute for the
 *    day (a live scrape only ever sees "now"). Prometheus is started on that TSDB, scraping nothing.
 * 3. Checks that both answer the same series with the same values, then times the query on each,
 *    alternating which goes first, and prints medians and their ratio.
 *
 * Driftline computes PSI against the baseline at every step from the stored minute digests (their
 * CDFs at the baseline's deciles, summed over the window by prefix sums: binned-window.ts);
 * Prometheus reads stored samples. Everything runs on 127.0.0.1.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBaseline, uploadBaseline } from "../sdk/src/index.ts";
import { postLogs } from "../test/support/otlp-json.ts";
import { PROMTOOL_BIN, prometheusMissing, promApi, startPrometheus } from "../test/support/prometheus.ts";
import type { ApiMatrix } from "../test/support/prometheus.ts";
import { startWorker } from "../test/support/worker.ts";
import { seededRandom as uniforms } from "@driftline/collector/testing";

const MODEL = "m";
const FEATURES = Array.from({ length: 50 }, (_, i) => `f${String(i).padStart(2, "0")}`);
/** Hours of traffic; BENCH_QUERY_HOURS shortens it for a quick try (the reported figure uses 24). */
const HOURS = Number(process.env.BENCH_QUERY_HOURS ?? 24);
const PER_MINUTE = 100;
/** Minutes of traffic per OTLP request: 1 000 records of 52 attributes, ~3 MB of JSON (< 4 MiB). */
const MINUTES_PER_REQUEST = 10;
const RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 7);
const EXPRESSION = `driftline_feature_drift{model="${MODEL}",method="psi",window="1h"}`;
/**
 * The other gauges issue 14 compares with Prometheus for the same number of samples: the feature
 * quantiles (5 per feature, the merged path) at the same step, and the drift status (every method
 * per window) at the dashboards' 5-minute status step (dashboards/src/defaults.ts: a cold status
 * at a 1-minute step costs ~3 ms × 72 000 windows, docs/benchmarks.md).
 */
const OTHERS: readonly { expr: string; stepSeconds: number; what: string }[] = [
  { expr: `driftline_feature_quantile{model="${MODEL}",window="1h"}`, stepSeconds: 60, what: "5 quantiles per feature, merged window digests" },
  { expr: `driftline_drift_status{model="${MODEL}",window="1h"}`, stepSeconds: 300, what: "every method per window, worst status" },
];


/** Roughly normal values (a sum of three uniforms), shifted by `shift` for the drifting features. */
function row(random: () => number, shift: (feature: number) => number): Record<string, number> {
  const out: Record<string, number> = {};
  FEATURES.forEach((name, i) => {
    out[name] = random() + random() + random() - 1.5 + shift(i);
  });
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times `work`. `wrangler dev` reloads the Worker whenever a source file changes (there is no flag
 * to stop it watching), and a request in flight then fails with "Your worker restarted
 * mid-request": such an attempt is announced, not timed, and run again (at most twice).
 */
async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  for (let attempt = 0; ; attempt++) {
    const start = performance.now();
    try {
      const value = await work();
      return { ms: performance.now() - start, value };
    } catch (error) {
      if (attempt >= 2 || !String(error).includes("restarted")) throw error;
      console.log("(the Worker reloaded during a request; that attempt is discarded and run again)");
    }
  }
}

/** Matrices as OpenMetrics text, one gauge family each (named by `__name__`), samples in time order per series. */
function openMetrics(matrices: readonly ApiMatrix[]): string {
  const lines: string[] = [];
  for (const matrix of matrices) {
    if (matrix.length === 0) continue;
    lines.push(`# TYPE ${matrix[0].metric.__name__} gauge`);
    // A family may have hundreds of thousands of lines: appended one by one, not spread as arguments.
    for (const line of familyLines(matrix)) lines.push(line);
  }
  lines.push("# EOF");
  return lines.join("\n") + "\n";
}

function familyLines(matrix: ApiMatrix): string[] {
  const lines: string[] = [];
  const name = matrix[0].metric.__name__;
  for (const series of matrix) {
    const labels = Object.entries(series.metric)
      .filter(([name]) => name !== "__name__")
      .map(([name, value]) => `${name}="${value}"`)
      .join(",");
    for (const [t, v] of series.values) lines.push(`${name}{${labels}} ${v} ${t}`);
  }
  return lines;
}

function sameAnswer(a: ApiMatrix, b: ApiMatrix): string | null {
  const index = (m: ApiMatrix) => new Map(m.map((s) => [JSON.stringify(Object.entries(s.metric).sort()), JSON.stringify(s.values)]));
  const x = index(a);
  const y = index(b);
  if (x.size !== y.size) return `${x.size} series against ${y.size}`;
  for (const [key, values] of x) {
    const other = y.get(key);
    if (other === values) continue;
    // The first sample that differs, to tell a gap (Prometheus' lookback fills it) from a value.
    const ours = JSON.parse(values) as [number, string][];
    const theirs = other === undefined ? [] : (JSON.parse(other) as [number, string][]);
    const at = ours.findIndex((v, i) => theirs[i]?.[0] !== v[0] || theirs[i]?.[1] !== v[1]);
    return `series ${key} differs: ${ours.length} samples against ${theirs.length}; first difference at #${at}: ${JSON.stringify(ours[at])} against ${JSON.stringify(theirs[at])}`;
  }
  return null;
}

async function main(): Promise<void> {
  const missing = prometheusMissing();
  if (missing !== null) throw new Error(`bench:query needs Prometheus: ${missing}`);
  const worker = await startWorker();
  const dir = mkdtempSync(join(tmpdir(), "driftline-bench-query-"));
  let prometheus: Awaited<ReturnType<typeof startPrometheus>> | undefined;
  try {
    const random = uniforms(5);
    const training = Array.from({ length: 5_000 }, () => row(random, () => 0));
    await uploadBaseline(await buildBaseline(training), { endpoint: worker.url, token: worker.ingestToken, model: MODEL, version: "v1" });

    const endMinute = Math.floor(Date.now() / 60_000);
    const firstMinute = endMinute - HOURS * 60 + 1;
    const seeding = await timed(async () => {
      // Requests are built as they are sent (two in flight): all of them at once would be ~400 MB of JSON.
      const request = (from: number): string => {
        const records: Record<string, string | number>[] = [];
        const timesMs: number[] = [];
        for (let m = from; m < Math.min(from + MINUTES_PER_REQUEST, endMinute + 1); m++) {
          // The first ten features drift by half a standard deviation in the second half of the day.
          const shift = m - firstMinute >= (HOURS * 60) / 2 ? (i: number) => (i < 10 ? 0.5 : 0) : () => 0;
          for (let k = 0; k < PER_MINUTE; k++) {
            const record: Record<string, string | number> = { "ml.model.id": MODEL, "ml.model.version": "v1", "ml.prediction.latency": 0.01 + 0.02 * random() };
            for (const [name, value] of Object.entries(row(random, shift))) record[`ml.feature.${name}`] = value;
            records.push(record);
            timesMs.push(m * 60_000 + Math.floor((k * 60_000) / PER_MINUTE));
          }
        }
        return predictionsAt(records, timesMs);
      };
      let next = firstMinute;
      let sent = 0;
      const send = async (): Promise<void> => {
        while (next <= endMinute) {
          const body = request(next);
          next += MINUTES_PER_REQUEST;
          // 503 is OTLP's "retry": wrangler dev restarts the Worker when a source file changes.
          let response = await postLogs(worker, body);
          for (let retry = 0; retry < 3 && response.status === 503; retry++) response = await postLogs(worker, body);
          if (response.status !== 200) throw new Error(`seeding: ${response.status} ${await response.text()}`);
          sent++;
        }
      };
      await Promise.all([send(), send()]);
      return sent;
    });
    console.log(`seeded ${HOURS} h × ${PER_MINUTE} predictions/min × ${FEATURES.length} features in ${(seeding.ms / 1000).toFixed(1)} s (${seeding.value} requests)`);

    const driftline = promApi(worker.url, { Authorization: `Bearer ${worker.readToken}` });
    const stored = await driftline.query(`sum(driftline_predictions_total{model="${MODEL}"})`, Date.now() / 1000);
    const expected = HOURS * 60 * PER_MINUTE;
    // Delivery is at least once: a request retried after a 503 may have been stored twice.
    if (!(Number(stored[0]?.value[1]) >= expected)) throw new Error(`seeding: the Worker holds ${stored[0]?.value[1]} predictions, fewer than the ${expected} sent`);
    const startSeconds = (endMinute - HOURS * 60) * 60 + 60;
    const endSeconds = endMinute * 60;
    const first = await timed(() => driftline.queryRange(EXPRESSION, startSeconds, endSeconds, 60));
    const samples = first.value.reduce((n, s) => n + s.values.length, 0);
    console.log(`Driftline: ${first.value.length} series, ${samples} samples (first run ${first.ms.toFixed(0)} ms)`);

    // The other gauges, first (cold: nothing cached) runs; their answers are backfilled beside the drift.
    const othersFirst = [];
    for (const other of OTHERS) {
      const run = await timed(() => driftline.queryRange(other.expr, startSeconds, endSeconds, other.stepSeconds));
      othersFirst.push(run);
      console.log(`Driftline: ${other.expr} at ${other.stepSeconds} s: ${run.value.length} series, ${run.value.reduce((n, x) => n + x.values.length, 0)} samples (first run, nothing cached: ${run.ms.toFixed(0)} ms)`);
    }
    const input = join(dir, "drift.om");
    writeFileSync(input, openMetrics([first.value, ...othersFirst.map((r) => r.value)]));
    const tsdb = join(dir, "tsdb");
    const backfill = spawnSync(PROMTOOL_BIN, ["tsdb", "create-blocks-from", "openmetrics", input, tsdb], { encoding: "utf8" });
    if (backfill.status !== 0) throw new Error(`promtool backfill failed:\n${backfill.stdout}${backfill.stderr}`);
    prometheus = await startPrometheus({ dataDir: tsdb });
    const check = sameAnswer(first.value, await prometheus.api.queryRange(EXPRESSION, startSeconds, endSeconds, 60));
    if (check !== null) throw new Error(`Prometheus and Driftline answer differently: ${check}`);
    for (const [i, other] of OTHERS.entries()) {
      const differs = sameAnswer(othersFirst[i].value, await prometheus.api.queryRange(other.expr, startSeconds, endSeconds, other.stepSeconds));
      if (differs !== null) throw new Error(`Prometheus and Driftline answer ${other.expr} differently: ${differs}`);
    }

    const ours: number[] = [];
    const theirs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const pair = [
        async () => ours.push((await timed(() => driftline.queryRange(EXPRESSION, startSeconds, endSeconds, 60))).ms),
        async () => theirs.push((await timed(() => prometheus!.api.queryRange(EXPRESSION, startSeconds, endSeconds, 60))).ms),
      ];
      if (run % 2 === 1) pair.reverse();
      for (const work of pair) await work();
    }
    const ratios = ours.map((ms, i) => ms / theirs[i]);
    console.log(`\nquery_range ${EXPRESSION}\n  ${HOURS} h at a 60 s step: ${FEATURES.length} series × ${HOURS * 60} steps; ${RUNS} runs each, alternating\n`);
    console.log(`| engine | median | min | max |`);
    console.log(`|---|---|---|---|`);
    console.log(`| Driftline (bucket CDFs, prefix sums, PSI per step) | ${median(ours).toFixed(1)} ms | ${Math.min(...ours).toFixed(1)} ms | ${Math.max(...ours).toFixed(1)} ms |`);
    console.log(`| Prometheus 2.42 (stored samples) | ${median(theirs).toFixed(1)} ms | ${Math.min(...theirs).toFixed(1)} ms | ${Math.max(...theirs).toFixed(1)} ms |`);
    console.log(`\nratio Driftline / Prometheus: median of per-run ratios ${median(ratios).toFixed(1)}×`);
    console.log(`(Driftline's first run, nothing cached: ${first.ms.toFixed(0)} ms; later runs read the closed minutes from the ModelStore's cache, store/read/gauge-cache.ts)`);
    console.log(`\nThe same range, the same samples on both sides, ${RUNS} runs each, alternating:\n`);
    console.log(`| query | step | samples | Driftline first run | Driftline median | Prometheus median | ratio |`);
    console.log(`|---|---|---|---|---|---|---|`);
    for (const [i, other] of OTHERS.entries()) {
      const mine: number[] = [];
      const peer: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const pair = [
          async () => mine.push((await timed(() => driftline.queryRange(other.expr, startSeconds, endSeconds, other.stepSeconds))).ms),
          async () => peer.push((await timed(() => prometheus!.api.queryRange(other.expr, startSeconds, endSeconds, other.stepSeconds))).ms),
        ];
        if (run % 2 === 1) pair.reverse();
        for (const work of pair) await work();
      }
      const n = othersFirst[i].value.reduce((sum, x) => sum + x.values.length, 0);
      const r = median(mine.map((ms, k) => ms / peer[k]));
      console.log(`| \`${other.expr}\` (${other.what}) | ${other.stepSeconds} s | ${n} | ${othersFirst[i].ms.toFixed(0)} ms | ${median(mine).toFixed(1)} ms | ${median(peer).toFixed(1)} ms | ${r.toFixed(1)}× |`);
    }
    // Driftline only, one run each: the other windows, and a gauge that needs the merged digest
    // of every window (quantiles go through the sliding merge of window-reader.ts, not the binned path).
    const others = [
      ...["5m", "1d", "7d"].map((window) => EXPRESSION.replace('window="1h"', `window="${window}"`)),
      `driftline_feature_quantile{model="${MODEL}",quantile="0.5",window="1d"}`,
    ];
    console.log("\nDriftline alone, one run each over the same range and step:");
    for (const other of others) {
      const run = await timed(() => driftline.queryRange(other, startSeconds, endSeconds, 60));
      console.log(`  ${other}: ${run.value.length} series, ${run.value.reduce((n, x) => n + x.values.length, 0)} samples, ${run.ms.toFixed(0)} ms`);
    }
  } finally {
    await prometheus?.stop();
    await worker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An OTLP/JSON logs request with one `ml.prediction` record per entry, each with its own timestamp. */
function predictionsAt(records: Record<string, string | number>[], timesMs: number[]): string {
  const logRecords = records.map((attributes, i) => ({
    timeUnixNano: `${timesMs[i]}000000`,
    eventName: "ml.prediction",
    attributes: Object.entries(attributes).map(([key, value]) => ({ key, value: typeof value === "number" ? { doubleValue: value } : { stringValue: value } })),
  }));
  return JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ scope: { name: "driftline-bench" }, logRecords }] }] });
}

await main();

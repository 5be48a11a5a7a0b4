/**
 * Overload (issue 11, item 4): what the real Worker under `wrangler dev` answers when offered more
 * than it can take. First the sustained rate is measured (closed loop, BENCH_CONNECTIONS senders
 * for BENCH_WARMUP_SECONDS); then requests are offered open-loop at 2×, 5× and 10× that rate for
 * BENCH_SECONDS (default 30) each, the way a fleet of exporters keeps sending whether or not the
 * last batch was answered.
 *
 * Printed per level: the status mix (200; our own 429/503 with Retry-After and a google.rpc.Status
 * body; anything else, such as wrangler's proxy's "Your worker restarted mid-request" or a dropped
 * connection), the p50/p99 latency of accepted requests as the sender saw it and as the Worker
 * measured it from admission to answer (its `Server-Timing: worker;dur=`), the load average, and at the end acknowledged against
 * counted predictions. Targets: zero loss, every refusal ours, p99 of accepted < 2 s at 10×.
 *
 * Loopback only, bounded in time and in requests outstanding (BENCH_MAX_OUTSTANDING). Run with
 * `npm run bench:overload`.
 */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { seededRandom } from "@driftline/collector/testing";
import { startWorker } from "../test/support/worker.ts";
import type { RunningWorker } from "../test/support/worker.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 30);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 4);
const maxOutstanding = Number(process.env.BENCH_MAX_OUTSTANDING ?? 2_000);
const levels = (process.env.BENCH_LEVELS ?? "2,5,10").split(",").map(Number);
const predictionsPerBatch = 100;
const featuresPerPrediction = 10;
const MODEL = "bench-overload";
/** Closed-loop seconds before the sustained rate is measured (not counted in it; counted as acknowledged). */
const WARM_START_SECONDS = 3;

function encodeBatch(seed: number): Uint8Array {
  const random = seededRandom(seed);
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource: resourceFromAttributes({ "ml.model.id": MODEL, "ml.model.version": "v1" }), processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger("bench-overload");
  for (let p = 0; p < predictionsPerBatch; p++) {
    const attributes: Record<string, number> = { "ml.prediction.value": random() };
    for (let f = 0; f < featuresPerPrediction; f++) attributes[`ml.feature.f${f}`] = random() * 100;
    logger.emit({ eventName: "ml.prediction", attributes });
  }
  const bytes = ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords());
  if (bytes === undefined) throw new Error("serializer returned nothing");
  return gzipSync(bytes);
}

type Outcome = { kind: "accepted"; ms: number; workerMs: number } | { kind: "ours"; status: number } | { kind: "other"; what: string };

async function post(worker: RunningWorker, body: Uint8Array): Promise<Outcome> {
  const started = performance.now();
  try {
    const response = await fetch(`${worker.url}/v1/logs`, {
      method: "POST",
      body: body as BodyInit,
      headers: { Authorization: `Bearer ${worker.ingestToken}`, "Content-Type": "application/x-protobuf", "Content-Encoding": "gzip" },
      signal: AbortSignal.timeout(60_000),
    });
    const text = new Uint8Array(await response.arrayBuffer());
    if (response.status === 200) {
      const workerMs = Number(/worker;dur=(\d+)/.exec(response.headers.get("Server-Timing") ?? "")?.[1] ?? NaN);
      return { kind: "accepted", ms: performance.now() - started, workerMs };
    }
    const ours = (response.status === 429 || response.status === 503) && response.headers.get("Retry-After") !== null && response.headers.get("Content-Type") === "application/x-protobuf";
    if (ours) return { kind: "ours", status: response.status };
    return { kind: "other", what: `${response.status} ${new TextDecoder().decode(text).slice(0, 60)}` };
  } catch (error) {
    return { kind: "other", what: `network: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}` };
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

type Tally = { accepted: number[]; inWorker: number[]; ours: Map<number, number>; other: Map<string, number>; skipped: number };

function tally(): Tally {
  return { accepted: [], inWorker: [], ours: new Map(), other: new Map(), skipped: 0 };
}

function record(t: Tally, outcome: Outcome): void {
  if (outcome.kind === "accepted") {
    t.accepted.push(outcome.ms);
    t.inWorker.push(outcome.workerMs);
  }
  else if (outcome.kind === "ours") t.ours.set(outcome.status, (t.ours.get(outcome.status) ?? 0) + 1);
  else t.other.set(outcome.what, (t.other.get(outcome.what) ?? 0) + 1);
}

async function closedLoop(worker: RunningWorker, batches: Uint8Array[], durationS: number): Promise<Tally> {
  const t = tally();
  const end = performance.now() + durationS * 1000;
  let next = 0;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < end) record(t, await post(worker, batches[next++ % batches.length]));
  }));
  return t;
}

async function openLoop(worker: RunningWorker, batches: Uint8Array[], ratePerSecond: number, durationS: number): Promise<Tally> {
  const t = tally();
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  const total = Math.round(ratePerSecond * durationS);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (inFlight.size >= maxOutstanding) {
      t.skipped++;
      continue;
    }
    const p: Promise<void> = post(worker, batches[i % batches.length]).then((o) => {
      record(t, o);
      inFlight.delete(p);
    });
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return t;
}

function line(label: string, offered: number, t: Tally, durationS: number): string {
  const sorted = [...t.accepted].sort((a, b) => a - b);
  const inWorker = [...t.inWorker].sort((a, b) => a - b);
  const ours = [...t.ours].map(([s, n]) => `${s}×${n}`).join(" ") || "0";
  const other = [...t.other].map(([w, n]) => `${n}× ${w}`).join("; ") || "0";
  const answered = t.accepted.length + [...t.ours.values()].reduce((a, b) => a + b, 0) + [...t.other.values()].reduce((a, b) => a + b, 0);
  return `${label.padEnd(10)} offered ${offered.toFixed(1).padStart(7)} req/s  answered ${answered}  accepted ${t.accepted.length} (${(t.accepted.length / durationS).toFixed(1)} req/s)  ours ${ours}  other ${other}  skipped ${t.skipped}  p50 ${quantile(sorted, 0.5).toFixed(0)} ms  p99 ${quantile(sorted, 0.99).toFixed(0)} ms (in the Worker: p50 ${quantile(inWorker, 0.5).toFixed(0)}, p99 ${quantile(inWorker, 0.99).toFixed(0)} ms)  load ${loadAverage()}`;
}

function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

async function counted(worker: RunningWorker): Promise<number> {
  const response = await fetch(`${worker.url}/api/models/${MODEL}`, { headers: { Authorization: `Bearer ${worker.readToken}` } });
  if (response.status === 404) return 0;
  const detail = (await response.json()) as { versions: { predictions: number }[] };
  return detail.versions.reduce((n, v) => n + v.predictions, 0);
}

const batches = Array.from({ length: 8 }, (_, i) => encodeBatch(i + 1));
console.log(`bench:overload: ${predictionsPerBatch} predictions × ${featuresPerPrediction} features per request (${batches[0].length} bytes gzip protobuf), ${connections} closed-loop senders for ${warmupSeconds} s, then ${levels.join("×, ")}× for ${seconds} s each`);
// BENCH_LOG_LEVEL=warn leaves out wrangler's per-request log line (a loopback request to its Node process).
const worker = await startWorker({ logLevel: process.env.BENCH_LOG_LEVEL as "warn" | undefined, vars: Object.fromEntries((process.env.BENCH_VARS ?? "").split(",").filter(Boolean).map((kv) => kv.split("=") as [string, string])) });
try {
  // Not counted: the first requests start the isolate and the Durable Objects and warm the JIT.
  const warmStart = await closedLoop(worker, batches, WARM_START_SECONDS);
  const warm = await closedLoop(worker, batches, warmupSeconds);
  const sustained = warm.accepted.length / warmupSeconds;
  console.log(line("sustained", sustained, warm, warmupSeconds));
  let acknowledged = warm.accepted.length + warmStart.accepted.length;
  for (const level of levels) {
    const t = await openLoop(worker, batches, sustained * level, seconds);
    acknowledged += t.accepted.length;
    console.log(line(`${level}×`, sustained * level, t, seconds));
  }
  await new Promise((r) => setTimeout(r, 2_000));
  const stored = await counted(worker);
  const ackPredictions = acknowledged * predictionsPerBatch;
  console.log(`acknowledged ${ackPredictions} predictions, counted ${stored}: ${stored >= ackPredictions ? `zero loss${stored > ackPredictions ? ` (${stored - ackPredictions} counted from requests whose answer was not 200: at least once)` : ""}` : `LOST ${ackPredictions - stored}`}`);
} finally {
  await worker.stop();
}

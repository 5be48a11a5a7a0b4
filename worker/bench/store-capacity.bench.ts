/**
 * `npm run bench:capacity` (issue 19, "measure first"): the ModelStore's time per ingest RPC as a
 * function of the series and predictions one request carries, and from it the predictions per
 * second one object can take.
 *
 * Method. Runs in workerd (the same runtime as `wrangler dev`, through the Vitest plugin). For each
 * shape (features × predictions per request) the request is folded once here, as the Worker folds
 * it, and the resulting batch is sent to a fresh ModelStore with awaited `ingest` RPCs, one after
 * another: nothing else calls the object, so an RPC never waits in its queue and its round trip is
 * the object's own work on it (structured-clone of the batch, the merge into the open minute
 * buckets, the SQLite transaction and its commit) plus the RPC's fixed overhead. The round trip is
 * timed in the caller around the `await`, which is I/O, so the clock reads the same locally and on
 * Cloudflare (where a Worker's clock only advances on I/O). The first `WARMUP_CALLS` calls of a
 * shape (the series' first rows, the JIT) are not counted. The fold's time per request is printed
 * beside it: that is the Worker's share (timed in sync code, which only a local workerd's clock
 * shows; bench:decode has the decode).
 *
 * The model looks like the SDK's: numeric features, `ml.prediction.value` and
 * `ml.prediction.latency` per prediction, all in the current minute, no `ml.prediction.id` (a
 * separate line measures the accuracy join's rows, which cost per prediction, not per series).
 * Results go to docs/operations.md, "Capacity of one ModelStore".
 */
import { env } from "cloudflare:workers";
import { DEFAULT_LIMITS, foldRequest, Signal } from "@driftline/collector";
import type { LogsData, ModelBatch } from "@driftline/collector";
import { seededRandom } from "@driftline/collector/testing";
import { it } from "vitest";

const FEATURES = (readVar("BENCH_FEATURES") ?? "1,10,20,50,100").split(",").map(Number);
const PREDICTIONS = (readVar("BENCH_PREDICTIONS") ?? "1,100,512,2048,8192").split(",").map(Number);
/** Calls per shape that are not counted: the first rows of each series, the JIT. */
const WARMUP_CALLS = 3;
/** Counted calls per shape: at most this many, and no more than BUDGET_MS of calls. */
const MAX_CALLS = 40;
const BUDGET_MS = 4_000;

let nextStore = 0;

function readVar(name: string): string | undefined {
  const value = (env as unknown as Record<string, unknown>)[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function request(features: number, predictions: number, withIds: boolean, seed: number): LogsData {
  const random = seededRandom(seed);
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const logRecords: LogsData["resourceLogs"][number]["scopeLogs"][number]["logRecords"] = [];
  for (let p = 0; p < predictions; p++) {
    const attributes: Record<string, number | string> = { "ml.prediction.value": random(), "ml.prediction.latency": 0.002 + random() * 0.05 };
    if (withIds) attributes["ml.prediction.id"] = `p-${seed}-${p}`;
    for (let f = 0; f < features; f++) attributes[`ml.feature.f${f}`] = 50 + 20 * Math.sin(p + f) + random() * 10;
    logRecords.push({ timeUnixNano: nowNs, observedTimeUnixNano: nowNs, severityNumber: 9, severityText: "", body: null, attributes, eventName: "ml.prediction", traceId: "", spanId: "" });
  }
  return { resourceLogs: [{ resource: { "ml.model.id": "capacity", "ml.model.version": "v1" }, scopeLogs: [{ scope: { name: "bench", version: "" }, logRecords }] }] };
}

type Shape = { features: number; predictions: number; series: number; foldMs: number; calls: number; p50Ms: number; meanMs: number; pipelinedMs: number };

/** RPCs kept in flight to measure what the object sustains when it is the bottleneck. */
const PIPELINE_DEPTH = 8;

async function measure(features: number, predictions: number, withIds: boolean): Promise<Shape> {
  const data = request(features, predictions, withIds, features * 100_003 + predictions);
  const foldStart = performance.now();
  const folded = foldRequest(Signal.Logs, data, DEFAULT_LIMITS, Date.now());
  const foldMs = performance.now() - foldStart;
  const batch: ModelBatch = folded.batches[0];
  const stub = env.MODEL_STORE.getByName(`bench\u0000capacity-${nextStore++}`);
  const times: number[] = [];
  const started = Date.now();
  for (let call = 0; call < WARMUP_CALLS + MAX_CALLS; call++) {
    // A new prediction id per call, as new predictions have; without ids the batch is reused.
    const sent = withIds ? foldRequest(Signal.Logs, request(features, predictions, true, call), DEFAULT_LIMITS, Date.now()).batches[0] : batch;
    const before = Date.now();
    const receipt = await stub.ingest(sent);
    const after = Date.now();
    if (receipt.rejected > 0) throw new Error(`${receipt.rejected} records rejected: ${receipt.message}`);
    if (call >= WARMUP_CALLS) times.push(after - before);
    if (call >= WARMUP_CALLS + 5 && after - started > BUDGET_MS) break;
  }
  times.sort((a, b) => a - b);
  // Pipelined: PIPELINE_DEPTH calls always waiting, so the object never idles between them while a
  // commit is in flight (its output gate holds the answer, not the next call); total time over calls.
  const pipelined = Math.max(times.length, 16);
  let issued = 0;
  const pipeStart = Date.now();
  await Promise.all(Array.from({ length: PIPELINE_DEPTH }, async () => {
    while (issued < pipelined) {
      issued++;
      const sent = withIds ? foldRequest(Signal.Logs, request(features, predictions, true, 1_000 + issued), DEFAULT_LIMITS, Date.now()).batches[0] : batch;
      await stub.ingest(sent);
    }
  }));
  const pipelinedMs = (Date.now() - pipeStart) / pipelined;
  return {
    pipelinedMs,
    features,
    predictions,
    series: new Set(batch.deltas.map((d) => `${d.kind}|${d.name}`)).size,
    foldMs,
    calls: times.length,
    p50Ms: times[times.length >> 1],
    meanMs: times.reduce((a, b) => a + b, 0) / times.length,
  };
}

function row(s: Shape, label = ""): string {
  const perSecond = (s.predictions * 1000) / s.pipelinedMs;
  return `| ${s.features} | ${s.predictions}${label} | ${s.series} | ${s.p50Ms.toFixed(1)} | ${s.meanMs.toFixed(2)} | ${s.pipelinedMs.toFixed(2)} | ${(1000 / s.pipelinedMs).toFixed(0)} | ${Math.round(perSecond).toLocaleString("en-US")} | ${s.foldMs.toFixed(1)} |`;
}

it("measures the ModelStore's time per ingest RPC", async () => {
  const lines = [
    "| features | predictions / request | series / request | serial RPC p50 ms | serial RPC mean ms | pipelined ms / RPC | RPCs/s | predictions/s | Worker fold ms |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const features of FEATURES) {
    for (const predictions of PREDICTIONS) lines.push(row(await measure(features, predictions, false)));
  }
  for (const features of [20]) lines.push(row(await measure(features, 512, true), " (with ml.prediction.id)"));
  console.log(`\nbench:capacity, one ModelStore, ingest RPCs timed in the caller: serial round trips, then ${PIPELINE_DEPTH} in flight\n${lines.join("\n")}\n`);
});

/**
 * OTLP decode benchmark: Driftline's protobuf reader against the JSON path (UTF-8 decode,
 * JSON.parse and OTLP/JSON normalization) on the same requests, in the same run.
 *
 * Payloads are made by the OpenTelemetry JS SDK and serialized by @opentelemetry/otlp-transformer:
 * - logs: 1 000 `ml.prediction` log records with 20 attributes each (model id and version,
 *   prediction id, score, latency and 15 features: numbers, integers and strings);
 * - metrics: 1 000 data points, mostly explicit-bucket histograms (7 buckets) with their
 *   attribute sets, plus a counter, a gauge, an up-down counter and an exponential histogram.
 *
 * Method: each case is warmed up, then timed in 15 interleaved rounds of enough calls to take
 * about 100 ms each; the figures are the median time per call and the median of the per-round
 * ratios. Run with `npm run bench:decode`.
 */
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
} from "@opentelemetry/otlp-transformer";
import { decodeOtlp } from "@driftline/collector/otlp";
import { collectMetrics, recordLogs } from "@driftline/collector/testing";
import type { Signal } from "@driftline/collector/otlp";

const rounds = 15;
const roundMilliseconds = 100;

/** Calls of `run` that take about one round, found while warming it up. */
function callsPerRound(run: () => unknown): number {
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < 300) {
    run();
    calls++;
  }
  return Math.max(1, Math.round((calls * roundMilliseconds) / 300));
}

/** Milliseconds per call over one round of `calls` calls. */
function timeRound(run: () => unknown, calls: number): number {
  const start = performance.now();
  for (let i = 0; i < calls; i++) run();
  return (performance.now() - start) / calls;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Times the runs in interleaved rounds (A, B, C, A, B, C, …), so that load from other processes
 * falls on all of them alike; returns the median milliseconds per call of each run and the median
 * of the per-round ratios of each run to the first.
 */
function compare(runs: (() => unknown)[]): { medians: number[]; ratios: number[] } {
  const calls = runs.map(callsPerRound);
  const perRound: number[][] = runs.map(() => []);
  for (let round = 0; round < rounds; round++) runs.forEach((run, i) => perRound[i].push(timeRound(run, calls[i])));
  return {
    medians: perRound.map(median),
    ratios: perRound.map((times) => median(times.map((t, round) => t / perRound[0][round]))),
  };
}

type Case = { signal: Signal; label: string; items: number; protobuf: Uint8Array; json: Uint8Array };

function countOf(signal: Signal, body: Uint8Array): number {
  if (signal === "logs") {
    return decodeOtlp("logs", "protobuf", body).resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords)).length;
  }
  return decodeOtlp("metrics", "protobuf", body)
    .resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics))
    .reduce((n, m) => n + (m.data.type === "none" ? 0 : m.data.dataPoints.length), 0);
}

async function buildCases(): Promise<Case[]> {
  // recordLogs' first record is the every-attribute-type fixture: drop it, keep 1 000 predictions.
  const logRecords = (await recordLogs(1000, 15)).slice(1);
  const metrics = await collectMetrics("delta", 995);
  const logsProtobuf = ProtobufLogsSerializer.serializeRequest(logRecords) as Uint8Array;
  const metricsProtobuf = ProtobufMetricsSerializer.serializeRequest(metrics) as Uint8Array;
  return [
    {
      signal: "logs",
      label: "1 000 prediction log records × 20 attributes",
      items: countOf("logs", logsProtobuf),
      protobuf: logsProtobuf,
      json: JsonLogsSerializer.serializeRequest(logRecords) as Uint8Array,
    },
    {
      signal: "metrics",
      label: "1 000 metric data points (histograms mostly)",
      items: countOf("metrics", metricsProtobuf),
      protobuf: metricsProtobuf,
      json: JsonMetricsSerializer.serializeRequest(metrics) as Uint8Array,
    },
  ];
}

function format(milliseconds: number): string {
  return `${milliseconds.toFixed(3).padStart(8)} ms`;
}

const cases = await buildCases();
const utf8 = new TextDecoder();
console.log(`OTLP decode, Node ${process.version}, medians of ${rounds} interleaved rounds of ~${roundMilliseconds} ms\n`);
for (const c of cases) {
  // Both paths must produce the same records, or the comparison means nothing.
  const same = JSON.stringify(decodeOtlp(c.signal, "protobuf", c.protobuf), (_k, v) => (typeof v === "bigint" ? `${v}n` : v)) ===
    JSON.stringify(decodeOtlp(c.signal, "json", c.json), (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
  if (!same) throw new Error(`${c.signal}: protobuf and JSON decode to different records`);
  const { medians, ratios } = compare([
    () => decodeOtlp(c.signal, "protobuf", c.protobuf),
    () => decodeOtlp(c.signal, "json", c.json),
    () => JSON.parse(utf8.decode(c.json)),
  ]);
  const [protobufMs, jsonMs, parseOnlyMs] = medians;
  const rate = (ms: number) => `${(c.items / ms / 1000).toFixed(2)} M items/s`;
  console.log(`${c.signal}: ${c.label} (${c.items} items; protobuf ${c.protobuf.length} B, JSON ${c.json.length} B)`);
  console.log(`  Driftline protobuf decode           ${format(protobufMs)}  ${rate(protobufMs)}`);
  console.log(`  Driftline JSON decode (parse+norm)  ${format(jsonMs)}  ${rate(jsonMs)}`);
  console.log(`  JSON.parse alone (no normalization) ${format(parseOnlyMs)}  ${rate(parseOnlyMs)}`);
  console.log(`  ratio JSON / protobuf               ${ratios[1].toFixed(2)}×  (median of per-round ratios; target ≥ 3×)`);
  console.log(`  ratio JSON.parse alone / protobuf   ${ratios[2].toFixed(2)}×\n`);
}

const transformerRequestDecoder = (ProtobufLogsSerializer as unknown as Record<string, unknown>).deserializeRequest;
console.log(
  typeof transformerRequestDecoder === "function"
    ? "@opentelemetry/otlp-transformer has a request deserializer: add it to this benchmark."
    : "@opentelemetry/otlp-transformer: no request deserializer to compare (its ProtobufReader only reads export responses).",
);

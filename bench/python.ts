/**
 * `npm run bench:python`: the Python client's cost on the caller's thread (median µs per
 * `record_prediction` with 20 features, beside the bare `json.dumps` of the same record in the
 * same run) and the sustained predictions per second from one process into wrangler dev with
 * zero loss, once per wire format (bench/python_client.py says how each is measured). Targets
 * (issue 15): ≤ 20 µs on the caller's thread; ≥ 20,000 predictions/s. Loss is checked twice: the
 * monitor's stats and the Worker's own count of the model's predictions.
 *
 * Where the time goes: the Python process reports its threads' CPU time (producer, encoding
 * thread, sending thread), and this script reads the CPU time of wrangler dev's process group
 * (workerd and wrangler's node) from /proc around each sustained run, so the two sides of the
 * loopback can be compared per prediction. The formats run in the order of
 * BENCH_PYTHON_PROTOCOLS (default `http/protobuf,http/json,http/protobuf,http/json`:
 * alternated, so that load from other processes falls on both alike). BENCH_PYTHON_TOTAL,
 * BENCH_PYTHON_BATCH and BENCH_PYTHON_GZIP_LEVEL change the sustained runs (bench/python_client.py).
 */
import { cpus, loadavg } from "node:os";
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { runPython } from "../test/support/python.ts";
import { startWorker } from "../test/support/worker.ts";
import type { RunningWorker } from "../test/support/worker.ts";

const TARGET_MICROS = 20;
const TARGET_RATE = 20_000;
const CLIENT = resolve(import.meta.dirname, "python_client.py");
/** Linux's USER_HZ: /proc reports CPU time in ticks of 1/100 s. */
const TICKS_PER_SECOND = 100;

type Cost = { monitorMedianMicros: number; jsonDumpsMedianMicros: number; monitorCpuMedianMicros: number; jsonDumpsCpuMedianMicros: number; medianRatio: number; recorded: number; dropped: number };
type Throughput = {
  protocol: string;
  batch: number;
  gzipLevel: number;
  threadsCpuSeconds: { producer: number; encoder: number | null; sender: number | null };
  total: number;
  seconds: number;
  predictionsPerSecond: number;
  cpuSeconds: number;
  predictionsPerCpuSecond: number;
  delivered: boolean;
  exported: number;
  dropped: number;
  retries: number;
};

/** CPU seconds used so far by the live processes of process group `group`, by command name; null without /proc. */
function groupCpuSeconds(group: number): Map<string, number> | null {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return null;
  }
  const byName = new Map<string, number>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    const close = stat.lastIndexOf(")");
    const name = stat.slice(stat.indexOf("(") + 1, close);
    // After "(comm) ": state, ppid, pgrp, …, utime (14th field of the line), stime (15th).
    const fields = stat.slice(close + 2).split(" ");
    if (Number(fields[2]) !== group) continue;
    byName.set(name, (byName.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
  }
  return byName;
}

function difference(after: Map<string, number> | null, before: Map<string, number> | null): Map<string, number> | null {
  if (after === null || before === null) return null;
  return new Map([...after].map(([name, seconds]) => [name, seconds - (before.get(name) ?? 0)]));
}

async function run<T>(args: string[]): Promise<T> {
  const result = await runPython([CLIENT, ...args], {});
  if (result.code !== 0) throw new Error(`bench/python_client.py ${args.slice(2).join(" ")} exited ${result.code}:\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

async function workerCount(worker: RunningWorker, model: string): Promise<number> {
  const response = await fetch(`${worker.url}/api/models/${model}`, { headers: { Authorization: `Bearer ${worker.readToken}` } });
  const counted = (await response.json()) as { versions: { predictions: number }[] };
  return counted.versions.reduce((sum, v) => sum + v.predictions, 0);
}

const micros = (seconds: number, count: number) => ((seconds / count) * 1e6).toFixed(1);
const protocols = (process.env.BENCH_PYTHON_PROTOCOLS ?? "http/protobuf,http/json,http/protobuf,http/json").split(",");

const worker = await startWorker();
let failed = false;
try {
  const { python, cost } = await run<{ python: string; cost: Cost }>([worker.url, worker.ingestToken, "cost"]);
  console.log(`Python ${python}, driftline client, 20 features per prediction`);
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${cpus().length} cores`);
  console.log(
    `record_prediction on the caller's thread: ${cost.monitorMedianMicros.toFixed(2)} µs median wall, ${cost.monitorCpuMedianMicros.toFixed(2)} µs CPU (target ≤ ${TARGET_MICROS} µs) ${cost.monitorMedianMicros <= TARGET_MICROS ? "✓" : "✗"}`,
  );
  console.log(
    `json.dumps of the same record:            ${cost.jsonDumpsMedianMicros.toFixed(2)} µs median wall, ${cost.jsonDumpsCpuMedianMicros.toFixed(2)} µs CPU; record_prediction / json.dumps = ${cost.medianRatio.toFixed(2)}× (median of per-round ratios)`,
  );
  if (cost.dropped !== 0) failed = true;

  for (const [i, protocol] of protocols.entries()) {
    const model = `bench-py-rate-${i}`;
    const before = groupCpuSeconds(worker.pid);
    const { throughput: t } = await run<{ throughput: Throughput }>([worker.url, worker.ingestToken, "throughput", protocol, model]);
    const workerCpu = difference(groupCpuSeconds(worker.pid), before);
    const counted = await workerCount(worker, model);
    const lossless = t.dropped === 0 && t.exported === t.total && counted === t.total;
    if (!lossless) failed = true;
    console.log(
      `${t.protocol.padEnd(13)} batches of ${t.batch}, gzip ${t.gzipLevel}, sustained: ${t.total.toLocaleString("en")} predictions in ${t.seconds.toFixed(2)} s = ${Math.round(t.predictionsPerSecond).toLocaleString("en")}/s (target ≥ ${TARGET_RATE.toLocaleString("en")}/s) ${t.predictionsPerSecond >= TARGET_RATE ? "✓" : "✗"}; load ${loadavg()[0].toFixed(1)}`,
    );
    const threads = t.threadsCpuSeconds;
    const threadText = threads.encoder === null || threads.sender === null ? "" : ` (producer ${micros(threads.producer, t.total)}, encoding thread ${micros(threads.encoder, t.total)}, sender ${micros(threads.sender, t.total)})`;
    console.log(`  Python process CPU ${t.cpuSeconds.toFixed(2)} s = ${micros(t.cpuSeconds, t.total)} µs per prediction${threadText}`);
    if (workerCpu !== null) {
      const total = [...workerCpu.values()].reduce((a, b) => a + b, 0);
      const parts = [...workerCpu].filter(([, s]) => s > 0).map(([name, s]) => `${name} ${micros(s, t.total)}`);
      console.log(`  wrangler dev CPU ${total.toFixed(2)} s = ${micros(total, t.total)} µs per prediction (${parts.join(", ")})`);
    }
    console.log(`  loss: monitor dropped ${t.dropped}, exported ${t.exported}, Worker counted ${counted}, retries ${t.retries} ${lossless ? "✓ zero loss" : "✗ LOSS"}`);
  }
  if (failed) process.exitCode = 1;
} finally {
  await worker.stop();
}

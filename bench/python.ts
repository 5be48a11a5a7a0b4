/**
 * `npm run bench:python`: the Python client's cost on the caller's thread (median µs per
 * `record_prediction` with 20 features, beside the bare `json.dumps` of the same record in the
 * same run) and the sustained predictions per second from one process into wrangler dev with
 * zero loss (bench/python_client.py says how each is measured). Targets (issue 15): ≤ 20 µs on
 * the caller's thread; ≥ 20,000 predictions/s. Loss is checked twice: the monitor's stats and
 * the Worker's own count of the model's predictions.
 */
import { cpus, loadavg } from "node:os";
import { resolve } from "node:path";
import { runPython } from "../test/support/python.ts";
import { startWorker } from "../test/support/worker.ts";

const TARGET_MICROS = 20;
const TARGET_RATE = 20_000;

type Result = {
  python: string;
  cost: { monitorMedianMicros: number; jsonDumpsMedianMicros: number; monitorCpuMedianMicros: number; jsonDumpsCpuMedianMicros: number; medianRatio: number; recorded: number; dropped: number };
  throughput: { total: number; seconds: number; predictionsPerSecond: number; cpuSeconds: number; predictionsPerCpuSecond: number; delivered: boolean; exported: number; dropped: number; retries: number };
};

const worker = await startWorker();
try {
  const run = await runPython([resolve(import.meta.dirname, "python_client.py"), worker.url, worker.ingestToken], {});
  if (run.code !== 0) throw new Error(`bench/python_client.py exited ${run.code}:\n${run.stderr}`);
  const result = JSON.parse(run.stdout) as Result;
  const counted = (await (await fetch(`${worker.url}/api/models/bench-py-rate`, { headers: { Authorization: `Bearer ${worker.readToken}` } })).json()) as { versions: { predictions: number }[] };
  const workerCount = counted.versions.reduce((sum, v) => sum + v.predictions, 0);
  const { cost, throughput } = result;
  const lossless = throughput.dropped === 0 && throughput.exported === throughput.total && workerCount === throughput.total && cost.dropped === 0;
  console.log(`Python ${result.python}, driftline client, 20 features per prediction`);
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${cpus().length} cores`);
  console.log(
    `record_prediction on the caller's thread: ${cost.monitorMedianMicros.toFixed(2)} µs median wall, ${cost.monitorCpuMedianMicros.toFixed(2)} µs CPU (target ≤ ${TARGET_MICROS} µs) ${cost.monitorMedianMicros <= TARGET_MICROS ? "✓" : "✗"}`,
  );
  console.log(
    `json.dumps of the same record:            ${cost.jsonDumpsMedianMicros.toFixed(2)} µs median wall, ${cost.jsonDumpsCpuMedianMicros.toFixed(2)} µs CPU; record_prediction / json.dumps = ${cost.medianRatio.toFixed(2)}× (median of per-round ratios)`,
  );
  console.log(
    `sustained: ${throughput.total.toLocaleString("en")} predictions in ${throughput.seconds.toFixed(2)} s = ${Math.round(throughput.predictionsPerSecond).toLocaleString("en")}/s (target ≥ ${TARGET_RATE.toLocaleString("en")}/s) ${throughput.predictionsPerSecond >= TARGET_RATE ? "✓" : "✗"}`,
  );
  console.log(`  process CPU ${throughput.cpuSeconds.toFixed(2)} s (both threads) = ${Math.round(throughput.predictionsPerCpuSecond).toLocaleString("en")} predictions per CPU-second`);
  console.log(`loss: monitor dropped ${throughput.dropped}, exported ${throughput.exported}, Worker counted ${workerCount}, retries ${throughput.retries} ${lossless ? "✓ zero loss" : "✗ LOSS"}`);
  if (!lossless) process.exitCode = 1;
} finally {
  await worker.stop();
}

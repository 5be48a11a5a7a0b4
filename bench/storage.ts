/**
 * `npm run bench:storage`: what a model costs in Durable Object storage (DESIGN.md, "Budgets").
 *
 * Sends `MINUTES` minutes of one model's traffic (50 numeric features, `PER_MINUTE` predictions a
 * minute, normal values; timestamps backdated inside the 48 h of minute buckets) to the real
 * Worker under `wrangler dev` on loopback, one OTLP/JSON request per minute, and reads the
 * store's database size (`storageBytes` of GET /api/models/:model) before and after: the bytes
 * per minute bucket of a numeric series, everything included (row, index, SQLite pages). Hour and
 * day buckets only appear after the alarm's rollups, hours later, so their size is that of the
 * same data merged at the rollups' compression (300), serialized here. From both: a model with 50
 * numeric features at the default retention (minutes 48 h, hours 90 days, days 2 years).
 * docs/operations.md records a run.
 */
import { DEFAULT_COMPRESSION, TDigest } from "@driftline/collector";
import { normalSampler, seededRandom } from "@driftline/collector/testing";
import { postLogs, predictionsRequest } from "../test/support/otlp-json.ts";
import { startWorker } from "../test/support/worker.ts";

const MINUTES = Number(process.env.BENCH_MINUTES ?? 120);
const PER_MINUTE = Number(process.env.BENCH_PER_MINUTE ?? 100);
const FEATURES = 50;
const MODEL = "bench-storage";
const RETENTION = { minutes: 48 * 60, hours: 90 * 24, days: 2 * 366 };

const normal = normalSampler(seededRandom(11));

function minuteOfTraffic(): Record<string, number | string>[] {
  return Array.from({ length: PER_MINUTE }, () => {
    const record: Record<string, number | string> = { "ml.model.id": MODEL, "ml.model.version": "v1", "ml.prediction.value": normal(), "ml.prediction.latency": 0.01 + Math.abs(normal()) * 0.005 };
    for (let f = 0; f < FEATURES; f++) record[`ml.feature.f${f}`] = 100 * (f + 1) + 10 * normal();
    return record;
  });
}

async function storageBytes(url: string, token: string): Promise<number> {
  const response = await fetch(`${url}/api/models/${MODEL}`, { headers: { Authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`GET /api/models/${MODEL}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { storageBytes: number }).storageBytes;
}

/** Serialized size of a digest of `count` values at `compression`, as a rollup writes it. */
function rollupBytes(count: number, compression: number): number {
  const digest = new TDigest(compression);
  for (let i = 0; i < count; i++) digest.add(100 + 10 * normal());
  return digest.toBytes().length;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

async function main(): Promise<void> {
  const worker = await startWorker();
  try {
    const nowMinute = Math.floor(Date.now() / 60_000);
    // One warm-up minute creates the model and its series, so the measured growth is buckets.
    await postLogs(worker, predictionsRequest(minuteOfTraffic(), (nowMinute - MINUTES - 1) * 60_000));
    const before = await storageBytes(worker.url, worker.readToken);
    for (let m = MINUTES; m >= 1; m--) {
      const response = await postLogs(worker, predictionsRequest(minuteOfTraffic(), (nowMinute - m) * 60_000 + 30_000));
      if (response.status !== 200) throw new Error(`minute ${m}: ${response.status} ${await response.text()}`);
    }
    const after = await storageBytes(worker.url, worker.readToken);
    // Series per minute: 50 features, the prediction, latency, the predictions counter.
    const seriesPerMinute = FEATURES + 3;
    const perBucket = (after - before) / (MINUTES * seriesPerMinute);
    const hourBytes = rollupBytes(60 * PER_MINUTE, DEFAULT_COMPRESSION);
    const dayBytes = rollupBytes(1440 * PER_MINUTE, DEFAULT_COMPRESSION);
    const minuteTotal = perBucket * RETENTION.minutes * seriesPerMinute;
    // Rollup rows carry the same per-row overhead as minute rows, beyond the sketch itself.
    const rowOverhead = Math.max(0, perBucket - rollupBytes(PER_MINUTE, 100));
    const hourTotal = (hourBytes + rowOverhead) * RETENTION.hours * seriesPerMinute;
    const dayTotal = (dayBytes + rowOverhead) * RETENTION.days * seriesPerMinute;
    console.log(`${MINUTES} minutes × ${PER_MINUTE} predictions × ${FEATURES} numeric features into wrangler dev (loopback)`);
    console.log(`  database growth            ${mib(after - before)} for ${MINUTES * seriesPerMinute} minute buckets`);
    console.log(`  per minute bucket          ${perBucket.toFixed(0)} B (target: about 1 KiB on average)`);
    console.log(`  hour / day rollup sketch   ${hourBytes} B / ${dayBytes} B (compression ${DEFAULT_COMPRESSION}), plus ~${rowOverhead.toFixed(0)} B a row`);
    console.log(`  50 features at retention   minutes ${mib(minuteTotal)} + hours ${mib(hourTotal)} + days ${mib(dayTotal)} = ${mib(minuteTotal + hourTotal + dayTotal)} (target: under 1 GiB)`);
  } finally {
    await worker.stop();
  }
}

await main();

/**
 * `npm run bench:backfill`: backfill throughput beside live ingest, in the same run (issue 18).
 *
 * One client (the backfill command's own sender: OTLP/JSON, gzip, `CONCURRENCY` requests in
 * flight) posts the same `REQUESTS` requests of `RECORDS` predictions (20 numeric features, one
 * categorical, the prediction value: 22 values each) to the real Worker under `wrangler dev` on
 * loopback, twice per round:
 *   live:     every record timestamped now (minute buckets);
 *   backfill: the records spread, in time order, over the 30 days before the minute retention
 *             (each request covers ~`30 d / REQUESTS`: hour buckets, their days marked dirty).
 * Rounds alternate live and backfill on fresh models so neither gains from the other's warm
 * state; the figures are medians over `ROUNDS` rounds, values per second of wall time.
 * docs/benchmarks.md records a run.
 */
import { normalSampler, seededRandom } from "@driftline/collector/testing";
import { logsRequest } from "../sdk/src/backfill/records.ts";
import type { JsonLogRecord } from "../sdk/src/backfill/records.ts";
import { sendLogs } from "../sdk/src/backfill/sender.ts";
import { startWorker } from "../test/support/worker.ts";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 60);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = 4;
const FEATURES = 20;
const VALUES_PER_RECORD = FEATURES + 2;
const DAY_MS = 86_400_000;

const normal = normalSampler(seededRandom(18));
const PLANS = ["basic", "plus", "pro"];

/** The attributes of every record, built once, so both modes send the same values. */
const attributes = Array.from({ length: REQUESTS * RECORDS }, (_, i) => {
  const out: JsonLogRecord["attributes"] = [{ key: "ml.prediction.value", value: { doubleValue: normal() } }, { key: "ml.feature.plan", value: { stringValue: PLANS[i % 3] } }];
  for (let f = 0; f < FEATURES; f++) out.push({ key: `ml.feature.f${f}`, value: { doubleValue: 100 * (f + 1) + 10 * normal() } });
  return out;
});

/** The request bodies of one run: timestamps from `timeOf(record index)`. */
function bodies(model: string, timeOf: (i: number) => number): string[] {
  return Array.from({ length: REQUESTS }, (_, r) => {
    const records = Array.from({ length: RECORDS }, (_, k) => {
      const i = r * RECORDS + k;
      return { timeUnixNano: String(BigInt(Math.floor(timeOf(i))) * 1_000_000n), eventName: "ml.prediction", attributes: attributes[i] };
    });
    return logsRequest(model, "v1", records);
  });
}

/** Posts the bodies `CONCURRENCY` at a time; resolves with values per second and the records refused. */
async function run(target: { endpoint: string; token: string }, all: string[]): Promise<{ valuesPerSecond: number; rejected: number }> {
  let next = 0;
  let rejected = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < all.length) {
        const body = all[next++];
        rejected += (await sendLogs(target, body)).rejected;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { valuesPerSecond: (REQUESTS * RECORDS * VALUES_PER_RECORD) / seconds, rejected };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function main(): Promise<void> {
  const worker = await startWorker();
  const target = { endpoint: worker.url, token: worker.ingestToken };
  try {
    // Warm-up: the first request bundles and starts the isolate and the directory.
    await run(target, bodies("bench-warmup", () => Date.now()).slice(0, 2));
    const live: number[] = [];
    const backfill: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const nowMs = Date.now();
      const liveRun = await run(target, bodies(`bench-live-${round}`, () => nowMs));
      // 30 days ending 3 days ago, in time order: past the minute retention (48 h + 1 h).
      const startMs = nowMs - 33 * DAY_MS;
      const total = REQUESTS * RECORDS;
      const backfillRun = await run(target, bodies(`bench-backfill-${round}`, (i) => startMs + (30 * DAY_MS * i) / total));
      if (liveRun.rejected + backfillRun.rejected > 0) throw new Error(`records refused: live ${liveRun.rejected}, backfill ${backfillRun.rejected}`);
      live.push(liveRun.valuesPerSecond);
      backfill.push(backfillRun.valuesPerSecond);
      console.log(`round ${round + 1}: live ${fmt(liveRun.valuesPerSecond)} values/s, backfill ${fmt(backfillRun.valuesPerSecond)} values/s`);
    }
    const hoursPerRequest = (30 * 24) / REQUESTS;
    console.log(`${REQUESTS} requests × ${RECORDS} predictions × ${VALUES_PER_RECORD} values, ${CONCURRENCY} in flight, wrangler dev on loopback, medians of ${ROUNDS} rounds`);
    console.log(`  live ingest (minute buckets)            ${fmt(median(live))} values/s`);
    console.log(`  backfill, 30 days (hour buckets, ${hoursPerRequest.toFixed(0)} h a request) ${fmt(median(backfill))} values/s  (${(median(backfill) / median(live)).toFixed(2)} × live)`);
  } finally {
    await worker.stop();
  }
}

await main();

/**
 * Backfill inside the ModelStore (issue 18, docs/backfill.md): deltas older than the minute
 * retention are merged into their hour bucket (their day recomputed from its hours), older than
 * the hour retention into their day bucket, and every rollup stays the merge of the level below.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { DEFAULT_LIMITS, TDigest } from "@driftline/collector";
import type { ActualJoinRecord, ModelBatch, PredictionJoinRecord, SeriesDelta } from "@driftline/collector";
import { RETENTION } from "@driftline/collector/series";
import { describe, expect, it } from "vitest";
import type { ModelStore } from "../src/store/model-store.ts";
import { DirtyCache, writePathOf } from "../src/store/write/late-buckets.ts";

let nextModel = 0;
const store = () => env.MODEL_STORE.getByName(`tenant\u0000backfill-${nextModel++}`);
const nowMinute = () => Math.floor(Date.now() / 60_000);
const MINUTE_RETENTION = RETENTION.minutes + 60;

/** A prediction counter and a numeric feature's digest for `values` in `minute`. */
function deltas(minute: number, values: number[]): SeriesDelta[] {
  const digest = new TDigest(100);
  for (const v of values) digest.add(v);
  return [
    { kind: "predictions", version: "v1", name: "", segment: "", minute, records: values.length, value: values.length, sketch: null },
    { kind: "numeric_feature", version: "v1", name: "x", segment: "", minute, records: values.length, value: values.length, sketch: digest.toBytes() },
  ];
}
const batch = (d: SeriesDelta[]): ModelBatch => ({ modelId: "m", records: 1, deltas: d, cumulative: [] });

type Level = "bucket_1m" | "bucket_1h" | "bucket_1d";
const COLUMN = { bucket_1m: "minute", bucket_1h: "hour", bucket_1d: "day" } as const;

/** The prediction count per bucket of a level, and the feature digest's count, min and max per bucket. */
async function level(stub: ReturnType<typeof store>, table: Level): Promise<{ bucket: number; predictions: number; count: number; min: number; max: number }[]> {
  return runInDurableObject(stub, (_i: ModelStore, state) => {
    const column = COLUMN[table];
    const out = new Map<number, { bucket: number; predictions: number; count: number; min: number; max: number }>();
    for (const row of state.storage.sql.exec<{ b: number; kind: string; value: number; sketch: ArrayBuffer | null }>(`SELECT b.${column} AS b, s.kind, b.value, b.sketch FROM ${table} b JOIN series s ON s.id = b.series_id ORDER BY 1`)) {
      const entry = out.get(row.b) ?? { bucket: row.b, predictions: 0, count: 0, min: NaN, max: NaN };
      if (row.kind === "predictions") entry.predictions += row.value;
      if (row.kind === "numeric_feature" && row.sketch !== null) {
        const d = TDigest.fromBytes(new Uint8Array(row.sketch));
        Object.assign(entry, { count: d.count, min: d.min, max: d.max });
      }
      out.set(row.b, entry);
    }
    return [...out.values()];
  });
}

async function dirty(stub: ReturnType<typeof store>): Promise<string[]> {
  return runInDurableObject(stub, (_i: ModelStore, state) => state.storage.sql.exec<{ level: string; bucket: number }>("SELECT level, bucket FROM dirty_rollups ORDER BY level, bucket").toArray().map((r) => `${r.level}${r.bucket}`));
}

describe("backfill into hour and day buckets", () => {
  it("decides a live minute's path by arithmetic alone: no storage read", () => {
    const noStorage = { exec: () => { throw new Error("a live minute read storage"); } } as unknown as SqlStorage;
    const now = nowMinute();
    expect(writePathOf(noStorage, now, now, MINUTE_RETENTION, new DirtyCache())).toBe("minute");
    expect(writePathOf(noStorage, now - 47 * 60, now, MINUTE_RETENTION, new DirtyCache())).toBe("minute");
  });

  it("merges data 10 days old into its hour, marks its day dirty, and rolls the day from its hours", async () => {
    const s = store();
    const hour = Math.floor((nowMinute() - 10 * 1440) / 60);
    const day = Math.floor(hour / 24);
    await s.ingest(batch(deltas(hour * 60, [1, 2, 3])), DEFAULT_LIMITS);
    // Two deltas for one (series, hour) in one request: one read and one write of the hour.
    await s.ingest(batch([...deltas(hour * 60, [4]), ...deltas(hour * 60, [5])]), DEFAULT_LIMITS);
    expect(await level(s, "bucket_1m")).toEqual([]);
    expect(await level(s, "bucket_1h")).toEqual([{ bucket: hour, predictions: 5, count: 5, min: 1, max: 5 }]);
    expect(await dirty(s)).toEqual([`d${day}`]);
    await runDurableObjectAlarm(s);
    expect(await level(s, "bucket_1d")).toEqual([{ bucket: day, predictions: 5, count: 5, min: 1, max: 5 }]);
    expect(await dirty(s)).toEqual([]);
  });

  it("updates a day already rolled up when late data changes one of its hours", async () => {
    const s = store();
    const hour = Math.floor((nowMinute() - 20 * 1440) / 60);
    const day = Math.floor(hour / 24);
    await s.ingest(batch([...deltas(hour * 60, [10, 20]), ...deltas((hour + 1) * 60, [30])]), DEFAULT_LIMITS);
    await runDurableObjectAlarm(s);
    expect(await level(s, "bucket_1d")).toEqual([{ bucket: day, predictions: 3, count: 3, min: 10, max: 30 }]);
    await s.ingest(batch(deltas((hour + 1) * 60, [-5])), DEFAULT_LIMITS);
    await runDurableObjectAlarm(s);
    expect(await level(s, "bucket_1h")).toEqual([
      { bucket: hour, predictions: 2, count: 2, min: 10, max: 20 },
      { bucket: hour + 1, predictions: 2, count: 2, min: -5, max: 30 },
    ]);
    expect(await level(s, "bucket_1d")).toEqual([{ bucket: day, predictions: 4, count: 4, min: -5, max: 30 }]);
  });

  it("merges data past the hour retention straight into its day, marking nothing", async () => {
    const s = store();
    const day = Math.floor(nowMinute() / 1440) - RETENTION.hours / 24 - 10;
    await s.ingest(batch(deltas(day * 1440, [7, 8])), DEFAULT_LIMITS);
    await s.ingest(batch(deltas(day * 1440, [9])), DEFAULT_LIMITS);
    expect(await level(s, "bucket_1h")).toEqual([]);
    expect(await level(s, "bucket_1d")).toEqual([{ bucket: day, predictions: 3, count: 3, min: 7, max: 9 }]);
    expect(await dirty(s)).toEqual([]);
    await runDurableObjectAlarm(s);
    expect(await level(s, "bucket_1d")).toEqual([{ bucket: day, predictions: 3, count: 3, min: 7, max: 9 }]);
  });

  it("keeps the hours of a day that waits for its rollup, even past the hour retention", async () => {
    const s = store();
    const day = Math.floor(nowMinute() / 1440) - RETENTION.hours / 24 - 3;
    // Marked dirty (as an alarm that has not run yet would leave it): data for it goes to its hours.
    await runInDurableObject(s, (_i: ModelStore, state) => state.storage.sql.exec("INSERT INTO dirty_rollups (level, bucket) VALUES ('d', ?)", day));
    await s.ingest(batch(deltas(day * 1440 + 120, [1, 2])), DEFAULT_LIMITS);
    expect(await level(s, "bucket_1h")).toEqual([{ bucket: day * 24 + 2, predictions: 2, count: 2, min: 1, max: 2 }]);
    await runDurableObjectAlarm(s);
    // The day was rolled from its hours before retention deleted them.
    expect(await level(s, "bucket_1d")).toEqual([{ bucket: day, predictions: 2, count: 2, min: 1, max: 2 }]);
    await runDurableObjectAlarm(s);
    expect(await level(s, "bucket_1h")).toEqual([]);
  });

  it("keeps an hour that waits for its rollup on the minute path", async () => {
    const s = store();
    const hour = Math.floor((nowMinute() - 5 * 1440) / 60);
    await runInDurableObject(s, (_i: ModelStore, state) => state.storage.sql.exec("INSERT INTO dirty_rollups (level, bucket) VALUES ('h', ?)", hour));
    await s.ingest(batch(deltas(hour * 60 + 3, [4])), DEFAULT_LIMITS);
    expect((await level(s, "bucket_1m")).map((r) => r.bucket)).toEqual([hour * 60 + 3]);
    await runDurableObjectAlarm(s);
    expect(await level(s, "bucket_1h")).toEqual([{ bucket: hour, predictions: 1, count: 1, min: 4, max: 4 }]);
    expect(await level(s, "bucket_1d")).toEqual([{ bucket: Math.floor(hour / 24), predictions: 1, count: 1, min: 4, max: 4 }]);
  });

  it("rolls a day from hours of both paths: minutes rolled into their hour beside a backfilled hour, and updates it when a minute arrives late", async () => {
    const cut = nowMinute() - MINUTE_RETENTION;
    const minuteHour = Math.ceil(cut / 60); // the first hour whose minutes are all kept
    if (minuteHour % 24 === 0) {
      console.log("skipped: the minute retention's cut falls on a day boundary this hour, so no day holds hours of both paths");
      return;
    }
    const lateHour = minuteHour - 1; // some of its minutes may be gone: the hour path
    const day = Math.floor(minuteHour / 24);
    const s = store();
    await s.ingest(batch([...deltas(minuteHour * 60 + 5, [1, 2]), ...deltas(minuteHour * 60 + 40, [3]), ...deltas(lateHour * 60, [10, 20])]), DEFAULT_LIMITS);
    expect((await level(s, "bucket_1m")).map((r) => r.bucket)).toEqual([minuteHour * 60 + 5, minuteHour * 60 + 40]);
    await runDurableObjectAlarm(s);
    expect(await level(s, "bucket_1h")).toEqual([
      { bucket: lateHour, predictions: 2, count: 2, min: 10, max: 20 },
      { bucket: minuteHour, predictions: 3, count: 3, min: 1, max: 3 },
    ]);
    expect(await level(s, "bucket_1d")).toEqual([{ bucket: day, predictions: 5, count: 5, min: 1, max: 20 }]);
    await s.ingest(batch(deltas(minuteHour * 60 + 59, [-1])), DEFAULT_LIMITS);
    await runDurableObjectAlarm(s);
    expect(await level(s, "bucket_1d")).toEqual([{ bucket: day, predictions: 6, count: 6, min: -1, max: 20 }]);
  });

  it("joins a backfilled prediction with its backfilled actual and counts the pair in the prediction's hour", async () => {
    const s = store();
    const timeMs = Date.now() - 40 * 86_400_000;
    const minute = Math.floor(timeMs / 60_000);
    const hour = Math.floor(minute / 60);
    const prediction: PredictionJoinRecord = { side: "prediction", id: "p1", version: "v1", segments: [], minute: hour * 60, timeMs, value: 3, label: null, score: null };
    const actual: ActualJoinRecord = { side: "actual", id: "p1", version: "v1", timeMs: timeMs + 3_600_000, value: 5, label: null };
    await s.ingest({ modelId: "m", records: 1, deltas: [], cumulative: [], joins: [prediction] }, DEFAULT_LIMITS);
    // 40 days old, past the 30-day TTL from its timestamp: it still waits, from its arrival.
    await runDurableObjectAlarm(s);
    expect(await s.joinCounts()).toMatchObject({ waitingPredictions: 1 });
    await s.ingest({ modelId: "m", records: 1, deltas: [], cumulative: [], joins: [actual] }, DEFAULT_LIMITS);
    expect(await s.joinCounts()).toMatchObject({ waitingPredictions: 0, joined: 1 });
    const hours = await runInDurableObject(s, (_i: ModelStore, state) =>
      state.storage.sql.exec<{ hour: number; value: number }>("SELECT b.hour, b.value FROM bucket_1h b JOIN series s ON s.id = b.series_id WHERE s.kind = 'absolute_error'").toArray(),
    );
    // One pair, |3 − 5| = 2, in the hour of the prediction, none in the minutes.
    expect(hours).toEqual([{ hour, value: 1 }]);
    expect(await level(s, "bucket_1m")).toEqual(expect.not.arrayContaining([expect.objectContaining({ bucket: hour * 60 })]));
  });
});

describe("batches in the ModelStore", () => {
  /** A batch's deltas: its predictions counter and a feature digest, in `minute`. */
  function batchDeltas(batch: string, minute: number, values: number[], version = "v1"): SeriesDelta[] {
    return deltas(minute, values).map((d) => ({ ...d, version, segment: `=${batch}` }));
  }

  it("merges a batch's deltas over requests and minutes into one sketch, with the span of its predictions", async () => {
    const s = store();
    const minute = nowMinute() - 3 * 1440;
    await s.ingest(batch([...batchDeltas("b1", minute, [1, 2]), ...batchDeltas("b1", minute + 7, [3])]), DEFAULT_LIMITS);
    await s.ingest(batch(batchDeltas("b1", minute + 2, [4, 5])), DEFAULT_LIMITS);
    const [listed] = await s.batches(undefined, 10);
    expect(listed).toMatchObject({ version: "v1", batch: "b1", predictions: 5, from: new Date(minute * 60_000).toISOString(), to: new Date((minute + 7) * 60_000).toISOString() });
    // Nothing of a batch goes to the time series: those come from the prediction's own deltas.
    expect(await level(s, "bucket_1h")).toEqual([]);
    const sketch = await runInDurableObject(s, (_i: ModelStore, state) => state.storage.sql.exec<{ sketch: ArrayBuffer }>("SELECT sketch FROM batch_sketches WHERE kind = 'numeric_feature'").one().sketch);
    const digest = TDigest.fromBytes(new Uint8Array(sketch));
    expect([digest.count, digest.min, digest.max]).toEqual([5, 1, 5]);
  });

  it("refuses a new batch past maxBatchesPerVersion and counts its predictions, per version", async () => {
    const s = store();
    const limits = { ...DEFAULT_LIMITS, maxBatchesPerVersion: 2 };
    const minute = nowMinute();
    await s.ingest(batch([...batchDeltas("a", minute, [1]), ...batchDeltas("b", minute, [1])]), limits);
    const receipt = await s.ingest(batch([...batchDeltas("c", minute, [1, 2, 3]), ...batchDeltas("a", minute, [9]), ...batchDeltas("c", minute, [4], "v2")]), limits);
    expect(receipt.rejected).toBe(3);
    expect(receipt.message).toContain("new batches past maxBatchesPerVersion (2) per version");
    expect((await s.batches(undefined, 10)).map((b) => `${b.version}/${b.batch}:${b.predictions}`).sort()).toEqual(["v1/a:2", "v1/b:1", "v2/c:1"]);
    expect((await s.summary()).rejected).toMatchObject({ "new batches past maxBatchesPerVersion (2) per version": 3 });
  });
});

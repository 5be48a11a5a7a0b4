import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { DEFAULT_LIMITS, TDigest } from "@driftline/collector";
import type { ModelBatch, SeriesDelta } from "@driftline/collector";
import { describe, expect, it } from "vitest";
import type { ModelStore } from "../src/store/model-store.ts";

let nextModel = 0;
const store = () => env.MODEL_STORE.getByName(`tenant\u0000rollup-${nextModel++}`);
const nowMinute = () => Math.floor(Date.now() / 60_000);

function deltas(minute: number, values: number[]): SeriesDelta[] {
  const digest = new TDigest(100);
  for (const v of values) digest.add(v);
  return [
    { kind: "predictions", version: "v1", name: "", segment: "", minute, records: values.length, value: values.length, sketch: null },
    { kind: "numeric_feature", version: "v1", name: "x", segment: "", minute, records: values.length, value: values.length, sketch: digest.toBytes() },
  ];
}

const batch = (d: SeriesDelta[]): ModelBatch => ({ modelId: "m", records: 1, deltas: d, cumulative: [] });

type Row = { hour?: number; day?: number; value: number };
async function rows(stub: ReturnType<typeof store>, table: "bucket_1m" | "bucket_1h" | "bucket_1d"): Promise<Row[]> {
  return runInDurableObject(stub, (_instance: ModelStore, state) => {
    const column = table === "bucket_1m" ? "minute" : table === "bucket_1h" ? "hour" : "day";
    return state.storage.sql
      .exec<Row>(`SELECT b.${column} AS ${column === "minute" ? "hour" : column}, sum(b.value) AS value FROM ${table} b JOIN series s ON s.id = b.series_id WHERE s.kind = 'predictions' GROUP BY 1 ORDER BY 1`)
      .toArray();
  });
}

describe("ModelStore rollups and retention", () => {
  it("schedules an alarm on ingest and rolls ended hours into hour and day buckets", async () => {
    const s = store();
    // Two minutes in an hour that ended yesterday (inside the 48 h accepted), one in the current hour.
    const yesterday = nowMinute() - 26 * 60;
    const hour = Math.floor(yesterday / 60);
    await s.ingest(batch([...deltas(hour * 60 + 1, [1, 2, 3]), ...deltas(hour * 60 + 30, [4, 5])]), DEFAULT_LIMITS);
    await s.ingest(batch(deltas(nowMinute(), [6])), DEFAULT_LIMITS);
    expect(await runDurableObjectAlarm(s)).toBe(true);
    expect(await rows(s, "bucket_1h")).toEqual([{ hour, value: 5 }]);
    expect(await rows(s, "bucket_1d")).toEqual([{ day: Math.floor(hour / 24), value: 5 }]);
    const digest = await runInDurableObject(s, (_i: ModelStore, state) => {
      const row = state.storage.sql.exec<{ sketch: ArrayBuffer }>("SELECT b.sketch FROM bucket_1h b JOIN series s ON s.id = b.series_id WHERE s.kind = 'numeric_feature'").one();
      return TDigest.fromBytes(new Uint8Array(row.sketch));
    });
    expect([digest.count, digest.min, digest.max]).toEqual([5, 1, 5]);
    // The alarm re-arms itself: the current hour still has to be rolled up once it ends.
    expect(await runInDurableObject(s, (_i: ModelStore, state) => state.storage.getAlarm())).not.toBeNull();
  });

  it("recomputes an hour when late data arrives for it", async () => {
    const s = store();
    const hour = Math.floor((nowMinute() - 5 * 60) / 60);
    await s.ingest(batch(deltas(hour * 60 + 10, [1, 1])), DEFAULT_LIMITS);
    await runDurableObjectAlarm(s);
    expect(await rows(s, "bucket_1h")).toEqual([{ hour, value: 2 }]);
    await s.ingest(batch(deltas(hour * 60 + 50, [7, 7, 7])), DEFAULT_LIMITS);
    await runDurableObjectAlarm(s);
    expect(await rows(s, "bucket_1h")).toEqual([{ hour, value: 5 }]);
  });

  it("deletes minute buckets past the retention once their hour is rolled up", async () => {
    const s = store();
    const hour = Math.floor((nowMinute() - 60) / 60) - 1;
    await s.ingest(batch(deltas(hour * 60, [1])), DEFAULT_LIMITS);
    // Age the store's minute rows past 48 h by moving them back in time, as the clock would.
    await runInDurableObject(s, (_i: ModelStore, state) => {
      const old = hour - 72;
      state.storage.sql.exec("UPDATE bucket_1m SET minute = ?", old * 60);
      state.storage.sql.exec("UPDATE dirty_rollups SET bucket = ? WHERE level = 'h'", old);
    });
    await runDurableObjectAlarm(s);
    expect(await rows(s, "bucket_1m")).toEqual([]);
    expect((await rows(s, "bucket_1h")).map((r) => r.value)).toEqual([1]);
  });

  it("keeps data past the minute retention in the drift API's 7d window, through the hour rollup", async () => {
    const s = store();
    const baseline = new TDigest();
    for (let i = 0; i < 200; i++) baseline.add(i % 10);
    await s.putBaseline("v1", [{ kind: "numeric_feature", name: "x", sketch: baseline.toBytes(), count: baseline.count }], 200, DEFAULT_LIMITS);
    const hour = Math.floor((nowMinute() - 60) / 60) - 1;
    await s.ingest(batch(deltas(hour * 60, [1, 2, 3])), DEFAULT_LIMITS);
    // Age the minute rows past 48 h, as the clock would; the alarm rolls their hour and deletes them.
    await runInDurableObject(s, (_i: ModelStore, state) => {
      const old = hour - 72;
      state.storage.sql.exec("UPDATE bucket_1m SET minute = ?", old * 60);
      state.storage.sql.exec("UPDATE dirty_rollups SET bucket = ? WHERE level = 'h'", old);
    });
    await runDurableObjectAlarm(s);
    expect(await rows(s, "bucket_1m")).toEqual([]);
    const week = await s.drift("v1", "7d", DEFAULT_LIMITS);
    expect(week?.features.find((f) => f.name === "x")?.currentCount).toBe(3);
    const hourWindow = await s.drift("v1", "1h", DEFAULT_LIMITS);
    expect(hourWindow?.features.find((f) => f.name === "x")?.currentCount).toBe(0);
  });

  it("keeps the series index and data across an eviction", async () => {
    const s = store();
    await s.ingest(batch(deltas(nowMinute(), [1, 2])), DEFAULT_LIMITS);
    await evictDurableObject(s);
    await s.ingest(batch(deltas(nowMinute(), [3])), DEFAULT_LIMITS);
    const summary = await s.summary();
    expect(summary.series.find((x) => x.kind === "predictions")?.total).toBe(3);
    expect(summary.series.filter((x) => x.kind === "numeric_feature")).toHaveLength(1);
  });
});

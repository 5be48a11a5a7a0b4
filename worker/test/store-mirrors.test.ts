/**
 * Regression tests for issue 10's defects in the ModelStore: in-memory mirrors of stored state
 * that outlived a rolled-back transaction, configuration that reached the object two ways, and
 * an alarm that could throw on a bad variable.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { DEFAULT_LIMITS, TDigest } from "@driftline/collector";
import type { ModelBatch, SeriesDelta } from "@driftline/collector";
import { describe, expect, it } from "vitest";
import { ModelStore } from "../src/store/model-store.ts";

let nextModel = 0;
const store = () => env.MODEL_STORE.getByName(`tenant\u0000mirrors-${nextModel++}`);
const nowMinute = () => Math.floor(Date.now() / 60_000);

function digestDelta(name: string, values: number[], minute = nowMinute()): SeriesDelta {
  const digest = new TDigest();
  for (const v of values) digest.add(v);
  return { kind: "numeric_feature", version: "v1", name, segment: "", minute, records: values.length, value: values.length, sketch: digest.toBytes() };
}

const batch = (deltas: SeriesDelta[]): ModelBatch => ({ modelId: "m", records: 1, deltas, cumulative: [] });

describe("ModelStore mirrors of stored state", () => {
  it("SeriesIndex is rolled back with a failed ingest: two series never share an id", async () => {
    const s = store();
    // A new series, then a delta whose sketch is corrupt: the transaction inserts the first
    // series' row, then throws while merging; SQLite rolls the row back.
    const corrupt: SeriesDelta = { ...digestDelta("broken", [1]), sketch: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) };
    // Called in the object itself, so that the expected exception does not cross the RPC boundary.
    await runInDurableObject(s, async (instance: ModelStore) => {
      await expect(instance.ingest(batch([digestDelta("a", [1, 2]), corrupt]), DEFAULT_LIMITS)).rejects.toThrow(/cannot decode a t-digest/);
    });
    // SQLite reuses the rolled-back rowid for the next new series; a stale index would map
    // "a" to it as well and merge a's values into b's row.
    await s.ingest(batch([digestDelta("b", [10, 20, 30])]), DEFAULT_LIMITS);
    await s.ingest(batch([digestDelta("a", [1, 2])]), DEFAULT_LIMITS);
    const summary = await s.summary();
    const totals = Object.fromEntries(summary.series.filter((x) => x.kind === "numeric_feature").map((x) => [x.name, x.total]));
    expect(totals).toEqual({ a: 2, b: 3 });
  });

  it("Minute retention is the same across an eviction: the object reads its own configuration", async () => {
    const s = store();
    const minute = nowMinute();
    await s.ingest(batch([digestDelta("x", [1])]), DEFAULT_LIMITS);
    // Age the minute to 48.5 h ago: past the 48 h default, inside the retention that covers
    // maxPastSeconds (48 h) plus an hour. Its hour is due for a rollup.
    const aged = minute - 48 * 60 - 30;
    await runInDurableObject(s, (_i: ModelStore, state) => {
      state.storage.sql.exec("UPDATE bucket_1m SET minute = ?", aged);
      state.storage.sql.exec("UPDATE dirty_rollups SET bucket = ? WHERE level = 'h'", Math.floor(aged / 60));
    });
    await evictDurableObject(s);
    await runDurableObjectAlarm(s);
    const kept = await runInDurableObject(s, (_i: ModelStore, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM bucket_1m").one().n);
    expect(kept).toBe(1);
  });

  it("The alarm never throws on a bad limit variable: it logs and retries", async () => {
    const s = store();
    await s.ingest(batch([digestDelta("x", [1])]), DEFAULT_LIMITS);
    await runInDurableObject(s, async (_i: ModelStore, state) => {
      const misconfigured = new ModelStore(state, { ...env, MAX_CATEGORIES_PER_SERIES: "lots" } as typeof env);
      await expect(misconfigured.alarm()).resolves.toBeUndefined();
      // It comes back later rather than never.
      expect(await state.storage.getAlarm()).not.toBeNull();
    });
  });
});

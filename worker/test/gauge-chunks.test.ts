/**
 * The gauge cache kept in the ModelStore's SQLite (store/read/gauge-chunks.ts): an evicted object
 * starts with an empty memory, and its cache answers from the stored chunks; every invalidation
 * (a late write, a write to an aliased member, a new baseline, another category cap) reaches them.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { DEFAULT_LIMITS, TDigest } from "@driftline/collector";
import type { SeriesDelta } from "@driftline/collector";
import { describe, expect, it } from "vitest";
import type { ModelStore } from "../src/store/model-store.ts";
import { ChunkPool, GaugeCache, PERSIST_AFTER_VALUES, gaugeKey } from "../src/store/read/gauge-cache.ts";
import type { ChunkBacking } from "../src/store/read/gauge-cache.ts";
import { SqlChunkBacking } from "../src/store/read/gauge-chunks.ts";
import type { StoreSelect } from "../src/store/read/select.ts";

let nextModel = 0;

function stub() {
  return env.MODEL_STORE.getByName(`tenant\u0000gauge-chunks-${nextModel++}`);
}

/** A cache as a restarted object makes it: its own empty pool, the object's SQLite behind it. */
function restarted(sql: SqlStorage, maxStored?: number): GaugeCache {
  const cache = new GaugeCache(new ChunkPool(50), new SqlChunkBacking(sql, maxStored));
  cache.useSettings(100);
  return cache;
}

const KEY = gaugeKey("1h", "driftline_drift_status");
const DAY = 1_440;

describe("GaugeCache over the object's SQLite", () => {
  it("answers a restarted object's lookups from the chunks written back, values and absences alike", async () => {
    await runInDurableObject(stub(), (_instance: ModelStore, state) => {
      const sql = state.storage.sql;
      const first = restarted(sql);
      for (let m = 10 * DAY; m < 10 * DAY + 30; m++) first.store(7, KEY, m, m % 3 === 0 ? null : m / 1000);
      first.persist();
      const second = restarted(sql);
      expect(second.lookup(7, KEY, 10 * DAY + 4)).toBe((10 * DAY + 4) / 1000);
      expect(second.lookup(7, KEY, 10 * DAY + 3)).toBeNull();
      expect(second.lookup(7, KEY, 10 * DAY + 30)).toBeUndefined();
      expect(second.lookup(8, KEY, 10 * DAY + 4)).toBeUndefined();
    });
  });

  it(`writes a chunk back once it has ${PERSIST_AFTER_VALUES} new values, not on every refresh`, async () => {
    await runInDurableObject(stub(), (_instance: ModelStore, state) => {
      const sql = state.storage.sql;
      const cache = restarted(sql);
      for (let m = 0; m < PERSIST_AFTER_VALUES - 1; m++) cache.store(1, KEY, DAY + m, 1);
      cache.persist();
      expect(restarted(sql).lookup(1, KEY, DAY)).toBeUndefined();
      cache.store(1, KEY, DAY + PERSIST_AFTER_VALUES, 1);
      cache.persist();
      expect(restarted(sql).lookup(1, KEY, DAY)).toBe(1);
    });
  });

  it("forgets stored values from a late write's minute on, of the series and of the groups it is a member of, after a restart too", async () => {
    await runInDurableObject(stub(), (_instance: ModelStore, state) => {
      const sql = state.storage.sql;
      const first = restarted(sql);
      first.alias(2, 1);
      for (const day of [3, 4]) for (let m = 0; m < 20; m++) first.store(1, KEY, day * DAY + m, 0.5);
      first.persist(true);
      // A restarted object learns the alias from storage: a write to member 2 on day 4 reaches owner 1.
      restarted(sql).invalidate(2, 4 * DAY + 10);
      const after = restarted(sql);
      expect(after.lookup(1, KEY, 3 * DAY + 19)).toBe(0.5);
      expect(after.lookup(1, KEY, 4 * DAY + 5)).toBeUndefined();
      // A write after every stored minute (the open minute, as ingest writes) drops nothing.
      after.invalidate(1, 3 * DAY + 500);
      expect(restarted(sql).lookup(1, KEY, 3 * DAY + 19)).toBe(0.5);
    });
  });

  it("drops every stored chunk on clear (a new baseline), and ignores chunks computed under another category cap", async () => {
    await runInDurableObject(stub(), (_instance: ModelStore, state) => {
      const sql = state.storage.sql;
      const first = restarted(sql);
      for (let m = 0; m < 20; m++) first.store(1, KEY, m, 2);
      first.persist(true);
      const otherCap = new GaugeCache(new ChunkPool(50), new SqlChunkBacking(sql));
      otherCap.useSettings(50);
      expect(otherCap.lookup(1, KEY, 5)).toBeUndefined();
      restarted(sql).clear();
      expect(restarted(sql).lookup(1, KEY, 5)).toBeUndefined();
      expect(sql.exec<{ n: number }>("SELECT count(*) AS n FROM gauge_chunks").one().n).toBe(0);
    });
  });

  it("never fails the read that computed the values when storing them fails", () => {
    // SQLite cannot be made to fail here; a backing whose writes throw (storage full) stands in.
    const failing: ChunkBacking = {
      load: () => undefined,
      save: () => {
        throw new Error("SQLITE_FULL");
      },
      dropFrom: () => undefined,
      dropAll: () => undefined,
      lastMinutes: () => new Map(),
      aliases: () => [],
      addAlias: () => undefined,
    };
    const cache = new GaugeCache(new ChunkPool(10), failing);
    for (let m = 0; m < 20; m++) cache.store(1, KEY, m, 3);
    expect(() => cache.persist(true)).not.toThrow();
    expect(cache.lookup(1, KEY, 5)).toBe(3);
  });

  it("keeps at most its bound of chunks, dropping those written longest ago", async () => {
    await runInDurableObject(stub(), (_instance: ModelStore, state) => {
      const sql = state.storage.sql;
      const cache = restarted(sql, 3);
      for (let series = 1; series <= 5; series++) {
        for (let m = 0; m < 20; m++) cache.store(series, KEY, m, series);
        cache.persist(true);
      }
      expect(sql.exec<{ n: number }>("SELECT count(*) AS n FROM gauge_chunks").one().n).toBe(3);
    });
  });
});

describe("ModelStore: windowed values after the object is evicted", () => {
  it("answers a repeated range query from the stored chunks with the same answer, nothing computed", async () => {
    const model = "gauge-chunks-store";
    const store = env.MODEL_STORE.getByName(`tenant\u0000${model}`);
    const now = Math.floor(Date.now() / 60_000);
    const baseline = new TDigest();
    for (let i = 0; i < 2_000; i++) baseline.add((i % 100) / 25);
    await store.putBaseline("v1", [{ kind: "numeric_feature", name: "income", sketch: baseline.toBytes(), count: baseline.count }], 2_000, DEFAULT_LIMITS);
    const deltas: SeriesDelta[] = Array.from({ length: 30 }, (_, i) => {
      const d = new TDigest();
      for (let k = 0; k < 50; k++) d.add(((k * 7 + i) % 100) / 25 + (i >= 15 ? 1 : 0));
      return { kind: "numeric_feature", version: "v1", name: "income", segment: "", minute: now - 30 + i, records: 50, value: 50, sketch: d.toBytes() };
    });
    await store.ingest({ modelId: "m", records: 1, deltas, cumulative: [] }, DEFAULT_LIMITS);
    const request: StoreSelect = {
      model,
      matchers: [
        { name: "__name__", type: "=~", value: "driftline_feature_drift|driftline_drift_status|driftline_feature_quantile" },
        { name: "window", type: "=", value: "5m" },
      ],
      startMs: (now - 40) * 60_000,
      endMs: (now - 1) * 60_000,
      stepMs: 60_000,
      rangeMs: 0,
      lookbackMs: 300_000,
    };
    const first = await store.querySelect(request, DEFAULT_LIMITS);
    // The eviction: the object's memory is gone, its SQLite stays.
    await runInDurableObject(store, (instance: ModelStore, state) => {
      (instance as unknown as { gaugeCache: GaugeCache }).gaugeCache = new GaugeCache(new ChunkPool(200), new SqlChunkBacking(state.storage.sql));
    });
    const second = await store.querySelect(request, DEFAULT_LIMITS);
    const misses = await runInDurableObject(store, (instance: ModelStore) => (instance as unknown as { gaugeCache: GaugeCache }).gaugeCache.misses);
    expect(Array.isArray(first) && first.length).toBeGreaterThan(5);
    expect(second).toEqual(first);
    expect(misses).toBe(0);
  });
});

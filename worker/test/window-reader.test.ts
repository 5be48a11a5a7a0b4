import { env, runInDurableObject } from "cloudflare:test";
import { CategoricalCounts, TDigest } from "@driftline/collector";
import { describe, expect, it } from "vitest";
import type { ModelStore } from "../src/store/model-store.ts";
import { mergeDigests } from "../src/store/baselines.ts";
import { NOW_MINUTE, digestOf, exactWindow, seed } from "./support/window-data.ts";
import type { Seeded } from "./support/window-data.ts";
import { ReadLimitError } from "../src/store/read/read-limit.ts";
import { WindowReader, newBudget } from "../src/store/read/window-reader.ts";

let nextStore = 0;

function stub() {
  return env.MODEL_STORE.getByName(`tenant\u0000window-reader-${nextStore++}`);
}

/**
 * The window (hi − window, hi] merged from scratch, as the reader did before it shared work:
 * clean whole hours from their rollup, every other minute from its bucket, all in one merge.
 */
function fromScratch(sql: SqlStorage, seeded: Seeded, windowMinutes: number, hi: number): TDigest {
  const lo = hi - windowMinutes + 1;
  const parts: TDigest[] = [];
  const used = new Set<number>();
  if (windowMinutes >= 60) {
    for (let hour = Math.ceil(lo / 60); hour * 60 + 59 <= hi; hour++) {
      if (!seeded.hoursRolled.has(hour)) continue;
      used.add(hour);
      const row = sql.exec<{ sketch: ArrayBuffer }>("SELECT sketch FROM bucket_1h WHERE series_id = ? AND hour = ?", seeded.id, hour).one();
      parts.push(TDigest.fromBytes(new Uint8Array(row.sketch)));
    }
  }
  for (let m = lo; m <= hi; m++) if (!used.has(Math.floor(m / 60)) && seeded.values.has(m)) parts.push(digestOf(seeded.values.get(m)!));
  return mergeDigests(parts);
}

/** How far q lies from the band of ranks [F(x⁻), F(x)] of x in the sorted values (docs/sketches.md). */
function rankError(sorted: Float64Array, x: number, q: number): number {
  let below = 0;
  let atOrBelow = 0;
  for (const v of sorted) {
    if (v < x) below++;
    if (v <= x) atOrBelow++;
  }
  const lo = below / sorted.length;
  const hi = atOrBelow / sorted.length;
  return q < lo ? lo - q : q > hi ? q - hi : 0;
}

const QUANTILES = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99];

describe("WindowReader: windows that share work", () => {
  // At a 1-minute step every minute starts a window; at 5 minutes (the dashboards' status step) the
  // edges merge the minutes between two window starts in one k-way merge.
  for (const [label, windowMinutes, step] of [
    ["5m", 5, 1],
    ["1h", 60, 1],
    ["1d", 1440, 1],
    ["7d", 10080, 1],
    ["1h", 60, 5],
    ["1d", 1440, 5],
  ] as const) {
    it(`agrees with the from-scratch merge at every ${step}-minute step of six hours, window=${label} (rank error ≤ max(5e-3, 1/n); count, min, max exact)`, async () => {
      await runInDurableObject(stub(), (_instance: ModelStore, state) => {
        const sql = state.storage.sql;
        const seeded = seed(sql, 1440 + 7 * 60 + 17, Math.floor(NOW_MINUTE / 60) - 3);
        const timesMs = Array.from({ length: 360 / step }, (_, i) => (NOW_MINUTE - 359 + i * step) * 60_000 + 30_000);
        const reader = new WindowReader(sql, { seriesIds: [seeded.id], type: "digest", windowMinutes, timesMs, categoriesCap: 100, budget: newBudget(), what: "test" });
        let compared = 0;
        timesMs.forEach((t, i) => {
          const sliding = reader.at(t) as TDigest;
          // Every step is computed by the reader; a spread of them is checked against the slow answers.
          if (i % 11 !== 0 && i !== timesMs.length - 1) return;
          const hi = Math.floor(t / 60_000);
          const scratch = fromScratch(sql, seeded, windowMinutes, hi);
          const exact = exactWindow(seeded, windowMinutes, hi);
          expect(sliding.count).toBe(exact.length);
          expect(sliding.count).toBe(scratch.count);
          expect(sliding.min).toBe(exact[0]);
          expect(sliding.max).toBe(exact[exact.length - 1]);
          expect(sliding.sum).toBeCloseTo(scratch.sum, 6);
          // One value's rank is 1/n: a 5m window holds only ~180 values.
          const bound = Math.max(5e-3, 1 / exact.length) + 1e-12;
          for (const q of QUANTILES) {
            expect(rankError(exact, sliding.quantile(q), q), `q=${q} at minute ${hi}`).toBeLessThanOrEqual(bound);
            expect(rankError(exact, scratch.quantile(q), q)).toBeLessThanOrEqual(bound);
          }
          compared++;
        });
        expect(compared).toBe(Math.ceil(timesMs.length / 11) + ((timesMs.length - 1) % 11 === 0 ? 0 : 1));
      });
    });
  }

  it("merges O(1) sketches per step: a 1h window over 24 h at a 1-minute step costs at most 3 merges per step, not 60", async () => {
    await runInDurableObject(stub(), (_instance: ModelStore, state) => {
      const sql = state.storage.sql;
      const seeded = seed(sql, 1500, null);
      const timesMs = Array.from({ length: 1440 }, (_, i) => (NOW_MINUTE - 1439 + i) * 60_000);
      const reader = new WindowReader(sql, { seriesIds: [seeded.id], type: "digest", windowMinutes: 60, timesMs, categoriesCap: 100, budget: newBudget(), what: "test" });
      for (const t of timesMs) reader.at(t);
      expect(reader.merges / timesMs.length).toBeLessThanOrEqual(3);
      expect(reader.merges).toBeGreaterThan(0);
    });
  });

  it("starts afresh when windows do not overlap, so a large step merges only what its windows hold", async () => {
    await runInDurableObject(stub(), (_instance: ModelStore, state) => {
      const sql = state.storage.sql;
      const seeded = seed(sql, 1500, null);
      // A 5m window every hour: 25 windows of at most 5 minutes each.
      const timesMs = Array.from({ length: 25 }, (_, i) => (NOW_MINUTE - 24 * 60 + i * 60) * 60_000);
      const reader = new WindowReader(sql, { seriesIds: [seeded.id], type: "digest", windowMinutes: 5, timesMs, categoriesCap: 100, budget: newBudget(), what: "test" });
      for (const t of timesMs) expect(reader.at(t).count).toBe(exactWindow(seeded, 5, Math.floor(t / 60_000)).length);
      expect(reader.merges).toBeLessThanOrEqual(25 * 5 * 3);
    });
  });

  it("charges the merges it does to the budget and refuses with the limit's name once it is spent", async () => {
    await runInDurableObject(stub(), (_instance: ModelStore, state) => {
      const sql = state.storage.sql;
      const seeded = seed(sql, 600, null);
      const timesMs = Array.from({ length: 300 }, (_, i) => (NOW_MINUTE - 299 + i) * 60_000);
      const budget = { remaining: 100 };
      const reader = new WindowReader(sql, { seriesIds: [seeded.id], type: "digest", windowMinutes: 60, timesMs, categoriesCap: 100, budget, what: "window=1h" });
      expect(() => timesMs.forEach((t) => reader.at(t))).toThrow(ReadLimitError);
      expect(() => reader.at(timesMs[timesMs.length - 1])).toThrow(/^window=1h at 300 evaluation times needs more than the limit of 500000 sketch merges per query \(MAX_SKETCH_MERGES\)/);
      const fresh = newBudget();
      const full = new WindowReader(sql, { seriesIds: [seeded.id], type: "digest", windowMinutes: 60, timesMs, categoriesCap: 100, budget: fresh, what: "window=1h" });
      for (const t of timesMs) full.at(t);
      expect(newBudget().remaining - fresh.remaining).toBe(full.merges);
    });
  });

  it("merges categorical counts over sliding windows exactly while under the category cap", async () => {
    await runInDurableObject(stub(), (_instance: ModelStore, state) => {
      const sql = state.storage.sql;
      const { id } = sql
        .exec<{ id: number }>("INSERT INTO series (kind, version, name, segment, first_minute, last_minute, total) VALUES ('categorical_feature', 'v1', 'c', '', ?, ?, 0) RETURNING id", NOW_MINUTE - 200, NOW_MINUTE)
        .one();
      for (let m = NOW_MINUTE - 200; m <= NOW_MINUTE; m++) {
        const counts = new CategoricalCounts(100);
        counts.add(`k${m % 7}`, 1 + (m % 3));
        sql.exec("INSERT INTO bucket_1m (series_id, minute, value, sketch) VALUES (?, ?, 1, ?)", id, m, counts.toBytes());
      }
      const timesMs = Array.from({ length: 120 }, (_, i) => (NOW_MINUTE - 119 + i) * 60_000);
      const reader = new WindowReader(sql, { seriesIds: [id], type: "counts", windowMinutes: 60, timesMs, categoriesCap: 100, budget: newBudget(), what: "test" });
      for (const t of timesMs) {
        const hi = Math.floor(t / 60_000);
        const expected = new Map<string, number>();
        for (let m = hi - 59; m <= hi; m++) expected.set(`k${m % 7}`, (expected.get(`k${m % 7}`) ?? 0) + 1 + (m % 3));
        const got = reader.at(t) as CategoricalCounts;
        for (const [key, count] of expected) expect(got.get(key)).toBe(count);
      }
    });
  });

  it("refuses times that go backwards", async () => {
    await runInDurableObject(stub(), (_instance: ModelStore, state) => {
      const reader = new WindowReader(state.storage.sql, { seriesIds: [1], type: "digest", windowMinutes: 5, timesMs: [0, 60_000], categoriesCap: 100, budget: newBudget(), what: "test" });
      reader.at(120_000);
      expect(() => reader.at(0)).toThrow(/times must ascend/);
    });
  });
});

/**
 * WindowCounts (the data-quality ratios' counter windows) against the definition summed minute by
 * minute: clean whole hours inside the window from their rollup, every other minute from its
 * bucket. Rollups hold other values than their minutes, so a wrong cut shows.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ModelStore } from "../src/store/model-store.ts";
import { WindowCounts, windowCount } from "../src/store/read/window-count.ts";

const HOUR0 = Math.floor(Date.now() / 3_600_000) - 30;

describe("WindowCounts", () => {
  it("equals the minute-by-minute sum with clean and dirty hour rollups, for every window and 600 times", async () => {
    await runInDurableObject(env.MODEL_STORE.getByName("tenant\u0000window-count-0"), (_instance: ModelStore, state) => {
      const sql = state.storage.sql;
      const ids = [1, 2].map((n) => sql.exec<{ id: number }>("INSERT INTO series (kind, version, name, segment, first_minute, last_minute, total) VALUES ('predictions', 'v1', '', ?, 0, 0, 0) RETURNING id", `s=${n}`).one().id);
      const minutes = new Map<number, number>();
      const hours = new Map<number, number>();
      let x = 7;
      const next = (): number => (x = (x * 1103515245 + 12345) % 2147483648) % 17;
      for (let m = HOUR0 * 60; m < (HOUR0 + 28) * 60; m++) {
        if (next() < 4) continue; // gaps
        for (const id of ids) {
          const value = next() + 1;
          sql.exec("INSERT INTO bucket_1m (series_id, minute, value, sketch) VALUES (?, ?, ?, NULL)", id, m, value);
          minutes.set(m, (minutes.get(m) ?? 0) + value);
        }
      }
      const dirty = new Set([HOUR0 + 3, HOUR0 + 10]);
      for (let h = HOUR0; h < HOUR0 + 24; h++) {
        // A rollup that differs from its minutes' sum (+1000) tells which one a window read.
        const value = 1000 + h - HOUR0;
        sql.exec("INSERT INTO bucket_1h (series_id, hour, value, sketch) VALUES (?, ?, ?, NULL)", ids[0], h, value);
        hours.set(h, value);
      }
      for (const h of dirty) sql.exec("INSERT INTO dirty_rollups (level, bucket) VALUES ('h', ?)", h);
      const expected = (windowMinutes: number, hi: number): number => {
        const lo = hi - windowMinutes + 1;
        const whole = new Set<number>();
        let total = 0;
        if (windowMinutes >= 60) {
          for (let h = Math.ceil(lo / 60); h * 60 + 59 <= hi; h++) {
            if (!hours.has(h) || dirty.has(h)) continue;
            whole.add(h);
            total += hours.get(h)!;
          }
        }
        for (let m = lo; m <= hi; m++) if (!whole.has(Math.floor(m / 60))) total += minutes.get(m) ?? 0;
        return total;
      };
      for (const windowMinutes of [1, 5, 60, 90, 1440]) {
        const times = Array.from({ length: 600 }, (_, i) => ((HOUR0 + 1) * 60 + i * 3 + (i % 2)) * 60_000 + 30_000);
        const counts = new WindowCounts(sql, ids, windowMinutes, times);
        for (const t of times) expect(counts.at(t), `window ${windowMinutes} at minute ${t / 60_000}`).toBe(expected(windowMinutes, Math.floor(t / 60_000)));
        expect(windowCount(sql, ids, windowMinutes, times[77])).toBe(expected(windowMinutes, Math.floor(times[77] / 60_000)));
      }
      expect(new WindowCounts(sql, [], 60, [Date.now()]).at(Date.now())).toBe(0);
    });
  });
});

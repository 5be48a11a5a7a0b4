import { env, runInDurableObject } from "cloudflare:test";
import { numericDrift } from "@driftline/collector";
import type { NumericDriftMethod, TDigest } from "@driftline/collector";
import { describe, expect, it } from "vitest";
import { exactNumericHellinger, exactNumericJensenShannon, exactNumericPsi } from "@driftline/collector/testing";
import type { ModelStore } from "../src/store/model-store.ts";
import { binnedDrift } from "../src/store/read/binned-window.ts";
import { WindowReader, newBudget } from "../src/store/read/window-reader.ts";
import { NOW_MINUTE, digestOf, exactWindow, prng, seed } from "./support/window-data.ts";

let nextStore = 0;
function stub() {
  return env.MODEL_STORE.getByName(`tenant\u0000binned-window-${nextStore++}`);
}

const METHODS: NumericDriftMethod[] = ["psi", "js", "hellinger"];
const EXACT = { psi: exactNumericPsi, js: exactNumericJensenShannon, hellinger: exactNumericHellinger } as const;

/** Baseline values like the seeded series' (a sum of three uniforms), unshifted. */
function baselineValues(wholeNumbers: boolean): number[] {
  const random = prng(3);
  return Array.from({ length: 20_000 }, () => {
    const v = random() + random() + random() - 1.5;
    return wholeNumbers ? Math.round(v * 3) : v;
  });
}

describe("binned drift: PSI, JS and Hellinger from prefix sums of bucket CDFs", () => {
  for (const wholeNumbers of [false, true]) {
    for (const [label, windowMinutes] of [
      ["5m", 5],
      ["1h", 60],
      ["1d", 1440],
    ] as const) {
      it(`agrees with the merged window within 0.02${wholeNumbers ? "" : " and with the exact statistic within 0.01"}, window=${label}${wholeNumbers ? ", whole numbers" : ""}`, async () => {
        await runInDurableObject(stub(), (_instance: ModelStore, state) => {
          const sql = state.storage.sql;
          const seeded = seed(sql, 1440 + 4 * 60 + 17, Math.floor(NOW_MINUTE / 60) - 2, { wholeNumbers });
          const base = baselineValues(wholeNumbers);
          const baseline = digestOf(base);
          const timesMs = Array.from({ length: 240 }, (_, i) => (NOW_MINUTE - 239 + i) * 60_000 + 15_000);
          const binned = binnedDrift(sql, { seriesIds: [seeded.id], windowMinutes, timesMs, baseline, methods: METHODS })!;
          expect(binned).not.toBeNull();
          const reader = new WindowReader(sql, { seriesIds: [seeded.id], type: "digest", windowMinutes, timesMs, categoriesCap: 100, budget: newBudget(), what: "test" });
          let compared = 0;
          timesMs.forEach((t, i) => {
            const merged = numericDrift(baseline, reader.at(t) as TDigest, { methods: METHODS });
            if (i % 13 !== 0) return;
            const current = exactWindow(seeded, windowMinutes, Math.floor(t / 60_000));
            for (const result of merged) {
              const series = binned.get(result.method)!;
              const at = series.timestamps.indexOf(t);
              expect(at >= 0, `${result.method} at ${t}: a sample exactly where the window has data`).toBe(current.length > 0);
              if (current.length === 0) continue;
              const value = series.values[at];
              // Each is within 0.01 of the exact statistic (docs/drift.md), so within 0.02 of each other.
              expect(Math.abs(value - result.value), `${result.method} at ${t}: binned ${value}, merged ${result.value}`).toBeLessThanOrEqual(0.02);
              // The exact helpers bin ties at the quantiles themselves; on whole numbers the sketch
              // path reads half-integers by design (docs/drift.md), so only the merged window applies.
              if (!wholeNumbers) {
                const exact = EXACT[result.method as keyof typeof EXACT](base, current);
                expect(Math.abs(value - exact), `${result.method} at ${t}: binned ${value}, exact ${exact}`).toBeLessThanOrEqual(0.01);
              }
              compared++;
            }
          });
          expect(compared).toBe(19 * 3);
        });
      });
    }
  }

  it("has no sample where the window holds no bucket", async () => {
    await runInDurableObject(stub(), (_instance: ModelStore, state) => {
      const sql = state.storage.sql;
      const seeded = seed(sql, 30, null);
      const baseline = digestOf(baselineValues(false));
      const timesMs = [(NOW_MINUTE - 40) * 60_000, NOW_MINUTE * 60_000, (NOW_MINUTE + 10) * 60_000];
      const binned = binnedDrift(sql, { seriesIds: [seeded.id], windowMinutes: 5, timesMs, baseline, methods: ["psi"] })!;
      expect(binned.get("psi")!.timestamps).toEqual([NOW_MINUTE * 60_000]);
    });
  });

  it("declines (null) methods that read more than the CDF, so the caller merges", async () => {
    await runInDurableObject(stub(), (_instance: ModelStore, state) => {
      const baseline = digestOf(baselineValues(false));
      expect(binnedDrift(state.storage.sql, { seriesIds: [1], windowMinutes: 5, timesMs: [NOW_MINUTE * 60_000], baseline, methods: ["ks"] })).toBeNull();
    });
  });
});

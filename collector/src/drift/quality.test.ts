import { describe, expect, it } from "vitest";
import { TDigest } from "../sketch/tdigest.ts";
import { CategoricalCounts } from "../sketch/categorical-counts.ts";
import { MINUTE_COMPRESSION } from "../fold/batch.ts";
import { mulberry32, normalSample } from "../../testing/drift/prng.ts";
import { missingRatio, newCategoryRatio, outOfRangeRatio } from "./quality.ts";

function digest(values: ArrayLike<number>, compression?: number): TDigest {
  const d = new TDigest(compression);
  for (let i = 0; i < values.length; i++) d.add(values[i]);
  return d;
}

describe("data quality ratios", () => {
  it("count null, NaN and absent values alike as missing, against the predictions or the baseline's rows", () => {
    // Mixed traffic: 1 000 predictions, the feature null in 70, NaN in 30 and absent from 100.
    const raw: (number | null | undefined)[] = [];
    for (let i = 0; i < 1000; i++) raw.push(i < 70 ? null : i < 100 ? Number.NaN : i < 200 ? undefined : i);
    const present = raw.filter((v) => typeof v === "number" && Number.isFinite(v)).length;
    const d = digest(raw.filter((v): v is number => typeof v === "number"));
    expect(d.count).toBe(present);
    expect(missingRatio(d.count, raw.length)).toBeCloseTo(200 / 1000, 15);
    expect(missingRatio(0, 0)).toBeNaN();
  });

  it("give the share outside the baseline's [min, max] within the digest's tail error, and exactly 0 inside it", () => {
    const baselineValues = normalSample(mulberry32(1), 20_000, 0, 1);
    const baseline = digest(baselineValues);
    let low = Infinity;
    let high = -Infinity;
    for (const v of baselineValues) {
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    // Traffic that leaves the training range: a 1.5σ shift pushes a share past the baseline's max.
    for (const [shift, tolerance] of [[0, 0], [1.5, 0.002], [-2, 0.002], [6, 0.002]] as const) {
      const current = normalSample(mulberry32(2), 5_000, shift, 1);
      const exact = current.filter((v) => v < low || v > high).length / current.length;
      const ratio = outOfRangeRatio(baseline, digest(current, MINUTE_COMPRESSION));
      if (exact === 0 && shift === 0) expect(ratio).toBe(0);
      expect(Math.abs(ratio - exact), `shift ${shift}: exact ${exact}, sketch ${ratio}`).toBeLessThanOrEqual(tolerance);
    }
    expect(outOfRangeRatio(baseline, new TDigest())).toBeNaN();
  });

  it("give the exact share of values in categories the baseline never saw", () => {
    const baseline = new CategoricalCounts();
    for (const c of ["a", "a", "b", "c"]) baseline.add(c);
    const current = new CategoricalCounts();
    const raw = ["a", "b", "new", "new", "other-new", "c", "a", "a"];
    for (const c of raw) current.add(c);
    expect(newCategoryRatio(baseline, current)).toBe(raw.filter((c) => !["a", "b", "c"].includes(c)).length / raw.length);
    expect(newCategoryRatio(baseline, new CategoricalCounts())).toBeNaN();
  });
});

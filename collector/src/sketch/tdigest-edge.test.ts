// Named edge cases of TDigest (STYLE.md: "edge cases are handled explicitly and tested by name").
import { describe, expect, it } from "vitest";
import { TDigest } from "./tdigest.ts";
import { sample } from "../../testing/sketch/datasets.ts";
import { rankError, sortedCopy } from "../../testing/sketch/exact.ts";

describe("TDigest edge cases", () => {
  it("answers NaN and count 0 when empty", () => {
    const d = new TDigest();
    expect(d.count).toBe(0);
    expect(d.quantile(0.5)).toBeNaN();
    expect(d.quantile(0)).toBeNaN();
    expect(d.cdf(1)).toBeNaN();
    expect(d.min).toBeNaN();
    expect(d.max).toBeNaN();
    expect(d.mean).toBeNaN();
    expect(d.variance).toBeNaN();
    expect(d.centroidCount).toBe(0);
  });

  it("returns the single value at every quantile", () => {
    const d = new TDigest();
    d.add(42.5);
    for (const q of [0, 0.01, 0.5, 0.99, 1]) expect(d.quantile(q)).toBe(42.5);
    expect(d.cdf(42.4)).toBe(0);
    expect(d.cdf(42.5)).toBe(1);
    expect(d.count).toBe(1);
    expect(d.variance).toBe(0);
  });

  it("splits two values at the median", () => {
    const d = new TDigest();
    d.add(3);
    d.add(-1);
    expect(d.quantile(0)).toBe(-1);
    expect(d.quantile(0.25)).toBe(-1);
    expect(d.quantile(0.75)).toBe(3);
    expect(d.quantile(1)).toBe(3);
    expect(d.cdf(-1)).toBe(0.5);
    expect(d.cdf(0)).toBe(0.5);
    expect(d.cdf(3)).toBe(1);
    expect(d.mean).toBe(1);
  });

  it("returns min at q = 0 and max at q = 1 exactly, after many merges", () => {
    const data = sample("lognormal", 3e5, 4);
    const d = new TDigest();
    d.addMany(data);
    const sorted = sortedCopy(data);
    expect(d.quantile(0)).toBe(sorted[0]);
    expect(d.quantile(1)).toBe(sorted[sorted.length - 1]);
  });

  it("answers the common value for all-equal input, with zero variance", () => {
    const d = new TDigest();
    d.addMany(new Float64Array(100_000).fill(7.25));
    for (const q of [0, 0.001, 0.5, 0.999, 1]) expect(d.quantile(q)).toBe(7.25);
    expect(d.cdf(7.25)).toBe(1);
    expect(d.cdf(7.2)).toBe(0);
    expect(d.variance).toBe(0);
    expect(d.count).toBe(100_000);
  });

  it("treats add(x, w) like w copies of x", () => {
    const weighted = new TDigest();
    const repeated = new TDigest();
    const random = sample("normal", 2000, 8);
    for (let i = 0; i < random.length; i++) {
      const w = 1 + (i % 5);
      weighted.add(random[i], w);
      for (let k = 0; k < w; k++) repeated.add(random[i]);
    }
    expect(weighted.count).toBe(repeated.count);
    expect(weighted.mean).toBeCloseTo(repeated.mean, 12);
    expect(weighted.variance).toBeCloseTo(repeated.variance, 12);
    const expanded = new Float64Array(repeated.count);
    let at = 0;
    for (let i = 0; i < random.length; i++) for (let k = 0; k < 1 + (i % 5); k++) expanded[at++] = random[i];
    const sorted = sortedCopy(expanded);
    for (const q of [0.01, 0.1, 0.5, 0.9, 0.99]) {
      expect(rankError(sorted, q, weighted.quantile(q))).toBeLessThanOrEqual(5e-3);
    }
  });

  it("ignores weight 0 and rejects negative, NaN or infinite weights", () => {
    const d = new TDigest();
    d.add(1, 0);
    expect(d.count).toBe(0);
    expect(() => d.add(1, -1)).toThrow(/weight must be a finite number ≥ 0, got -1/);
    expect(() => d.add(1, NaN)).toThrow(RangeError);
    expect(() => d.add(1, Infinity)).toThrow(RangeError);
  });

  it("rejects q outside [0, 1] and an out-of-range compression, naming the limit", () => {
    const d = new TDigest();
    d.add(1);
    expect(() => d.quantile(1.5)).toThrow(/q must be in \[0, 1\], got 1.5/);
    expect(() => d.quantile(NaN)).toThrow(RangeError);
    expect(() => new TDigest(5)).toThrow(/compression must be in \[10, 100000\], got 5/);
  });
});

describe("TDigest missing values (NaN, +∞, −∞)", () => {
  it("counts them as missing and leaves quantiles, count and moments unchanged", () => {
    const values = sample("normal", 50_000, 12);
    const clean = new TDigest();
    clean.addMany(values);
    const dirty = new TDigest();
    const withMissing = new Float64Array(values.length + 300);
    withMissing.set(values);
    for (let i = 0; i < 100; i++) {
      withMissing[values.length + 3 * i] = NaN;
      withMissing[values.length + 3 * i + 1] = Infinity;
      withMissing[values.length + 3 * i + 2] = -Infinity;
    }
    dirty.addMany(withMissing);
    dirty.add(NaN);
    dirty.add(Infinity, 2);
    expect(dirty.missing).toBe(303);
    expect(dirty.count).toBe(clean.count);
    expect(dirty.centroids()).toEqual(clean.centroids());
    for (const q of [0, 0.001, 0.5, 0.999, 1]) expect(dirty.quantile(q)).toBe(clean.quantile(q));
    expect(dirty.max).toBe(clean.max);
    expect(dirty.min).toBe(clean.min);
    expect(dirty.mean).toBe(clean.mean);
    expect(dirty.variance).toBe(clean.variance);
  });

  it("stays empty when only missing values arrive", () => {
    const d = new TDigest();
    d.addMany(Float64Array.of(NaN, Infinity, -Infinity));
    expect(d.count).toBe(0);
    expect(d.missing).toBe(3);
    expect(d.quantile(0.5)).toBeNaN();
  });
});

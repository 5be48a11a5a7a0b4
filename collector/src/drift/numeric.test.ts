import { describe, expect, it } from "vitest";
import {
  exactKs,
  exactNormedWasserstein,
  exactNumericHellinger,
  exactNumericJensenShannon,
  exactNumericPsi,
} from "../../testing/drift/exact.ts";
import { numericDrift, numericHellinger, numericJensenShannon, numericKs, numericPsi, numericWasserstein } from "./numeric.ts";
import { lognormalSample, mulberry32, normalSample } from "../../testing/drift/prng.ts";
import { InverseEcdfDistribution, SortedDistribution } from "../../testing/drift/sorted-distribution.ts";

// With exact distributions as input, the only error left is the quantile grid's, so these
// tests pin the formulas and the binning; drift-accuracy.test.ts adds the t-digest's error.
describe("numeric drift on exact distributions", () => {
  const uniform = mulberry32(20240601);
  const cases = [
    ["normal, no shift", normalSample(uniform, 20_000, 0, 1), normalSample(uniform, 20_000, 0, 1)],
    ["normal, 0.3σ shift", normalSample(uniform, 20_000, 0, 1), normalSample(uniform, 15_000, 0.3, 1)],
    ["lognormal, scale ×1.5", lognormalSample(uniform, 20_000, 0, 1), lognormalSample(uniform, 20_000, 0, 1.5)],
  ] as const;

  describe.each(cases)("%s", (_name, baselineValues, currentValues) => {
    const baseline = new SortedDistribution(baselineValues);
    const current = new SortedDistribution(currentValues);

    it("PSI, JS and Hellinger equal the exact binned statistics", () => {
      expect(numericPsi(baseline, current).value).toBeCloseTo(exactNumericPsi(baselineValues, currentValues), 12);
      expect(numericJensenShannon(baseline, current).value).toBeCloseTo(exactNumericJensenShannon(baselineValues, currentValues), 12);
      expect(numericHellinger(baseline, current).value).toBeCloseTo(exactNumericHellinger(baselineValues, currentValues), 12);
    });

    it("KS D on the quantile grid is within 1e-3 of the exact D, never above it", () => {
      const exactD = exactKs(baselineValues, currentValues).d;
      const gridD = numericKs(baseline, current).value;
      expect(gridD).toBeLessThanOrEqual(exactD + 1e-12);
      expect(exactD - gridD).toBeLessThan(1e-3);
    });

    it("KS D on the quantile grid of inverse-ECDF quantiles is within 1e-3 of the exact D", () => {
      const exactD = exactKs(baselineValues, currentValues).d;
      const gridD = numericKs(new InverseEcdfDistribution(baselineValues), new InverseEcdfDistribution(currentValues)).value;
      expect(gridD).toBeLessThanOrEqual(exactD + 1e-12);
      expect(exactD - gridD).toBeLessThan(1e-3);
    });

    it("normed Wasserstein on the grid of inverse-ECDF quantiles is within 1e-3 of scipy's exact integral", () => {
      const exact = exactNormedWasserstein(baselineValues, currentValues);
      const grid = numericWasserstein(new InverseEcdfDistribution(baselineValues), new InverseEcdfDistribution(currentValues));
      expect(Math.abs(grid.value - exact)).toBeLessThan(1e-3);
    });
  });
});

describe("numeric drift guard rails", () => {
  const some = new SortedDistribution([1, 2, 3, 4, 5]);
  const empty = new SortedDistribution([]);

  it("reports no_data for an empty baseline or current, for every method", () => {
    for (const result of [...numericDrift(empty, some), ...numericDrift(some, empty)]) {
      expect(result.status).toBe("no_data");
      expect(result.value).toBeNaN();
    }
  });

  it("divides Wasserstein by 0.001 when the baseline is constant, as Evidently does", () => {
    const constant = new SortedDistribution([2, 2, 2, 2]);
    const shifted = new SortedDistribution([2.0005, 2.0005, 2.0005, 2.0005]);
    expect(numericWasserstein(constant, shifted).value).toBeCloseTo(0.5, 9);
  });

  it("bins a constant baseline into two bins around its value and still grades a move away", () => {
    const constant = new SortedDistribution(new Float64Array(1000).fill(3));
    const moved = new SortedDistribution(new Float64Array(1000).fill(4));
    // Baseline all in (−∞, 3], current all in (3, ∞): each side floors its empty bin to 1e-4
    // without renormalizing, so PSI = 2·(1 − 1e-4)·ln(1/1e-4).
    const expected = 2 * (1 - 1e-4) * Math.log(1e4);
    expect(numericPsi(constant, moved).value).toBeCloseTo(expected, 9);
    expect(numericPsi(constant, moved).status).toBe("alert");
  });

  it("keeps current values far outside the baseline's range in the outer bins", () => {
    const baseline = new SortedDistribution(normalSample(mulberry32(1), 5000, 0, 1));
    const farAway = new SortedDistribution(normalSample(mulberry32(2), 5000, 100, 1));
    // 20 baseline bins of 0.05 each against all current mass in the top bin.
    const divergence = 0.95 * Math.log(2) + 0.05 * Math.log(0.05 / 0.525) + Math.log(1 / 0.525);
    expect(numericJensenShannon(baseline, farAway).value).toBeCloseTo(Math.sqrt(divergence / 2), 12);
    expect(numericHellinger(baseline, farAway).status).toBe("alert");
  });

  it("rejects a bin count outside [2, 1000], naming the limit", () => {
    expect(() => numericPsi(some, some, { binCount: 1 })).toThrow(/binCount must be an integer in \[2, 1000\], got 1/);
    expect(() => numericPsi(some, some, { binCount: 2.5 })).toThrow(/got 2\.5/);
  });

  it("runs only the methods asked for, in the order asked", () => {
    const results = numericDrift(some, some, { methods: ["wasserstein", "psi"] });
    expect(results.map((r) => r.method)).toEqual(["wasserstein", "psi"]);
  });
});

import { describe, expect, it } from "vitest";
import { floorEmptyBins, hellingerDistance, jensenShannonDistance, populationStabilityIndex } from "./divergence.ts";
import { exactKs, exactNormedWasserstein } from "../../testing/drift/exact.ts";

// Reference values printed by scipy 1.17.1 / numpy for the same inputs.
const P = [0.5, 0.3, 0.2, 0.0];
const Q = [0.1, 0.2, 0.3, 0.4];

describe("floorEmptyBins", () => {
  it("floors an empty bin to 1e-4 when every non-empty bin holds more than 1e-4", () => {
    expect([...floorEmptyBins([0.5, 0.5, 0])]).toEqual([0.5, 0.5, 1e-4]);
  });

  it("floors an empty bin to a millionth of the smallest bin when that bin is at most 1e-4", () => {
    expect([...floorEmptyBins([0.99995, 0.00005, 0])]).toEqual([0.99995, 0.00005, 0.00005 / 1e6]);
  });

  it("leaves the caller's array untouched", () => {
    const input = [0.5, 0.5, 0];
    floorEmptyBins(input);
    expect(input).toEqual([0.5, 0.5, 0]);
  });
});

describe("populationStabilityIndex", () => {
  it("matches Evidently's formula with floored empty bins", () => {
    expect(populationStabilityIndex(P, Q)).toBeCloseTo(4.041658637672074, 12);
    expect(populationStabilityIndex([0.99995, 0.00005, 0], [0.5, 0.25, 0.25])).toBeCloseTo(8.058562309218967, 12);
  });

  it("is symmetric and zero for identical bins", () => {
    expect(populationStabilityIndex(Q, P)).toBeCloseTo(populationStabilityIndex(P, Q), 14);
    expect(populationStabilityIndex(Q, Q)).toBe(0);
  });

  it("rejects vectors of different lengths, naming both", () => {
    expect(() => populationStabilityIndex([0.5, 0.5], [1])).toThrow(/baseline has 2 bins but current has 1/);
  });
});

describe("jensenShannonDistance", () => {
  it("matches scipy's jensenshannon (natural log), normalizing its inputs", () => {
    expect(jensenShannonDistance(P, Q)).toBeCloseTo(0.47060916310185213, 14);
    expect(jensenShannonDistance([5, 3, 2, 0], [1, 2, 3, 4])).toBeCloseTo(0.47060916310185213, 14);
  });

  it("reaches √ln 2 for disjoint supports and 0 for identical ones", () => {
    expect(jensenShannonDistance([1, 0], [0, 1])).toBeCloseTo(Math.sqrt(Math.LN2), 14);
    expect(jensenShannonDistance(Q, Q)).toBe(0);
  });
});

describe("hellingerDistance", () => {
  it("is √(1 − Σ√(pq))", () => {
    expect(hellingerDistance(P, Q)).toBeCloseTo(0.5352525139533539, 14);
  });

  it("is 1 for disjoint supports", () => {
    expect(hellingerDistance([1, 0], [0, 1])).toBe(1);
  });
});

describe("the exact references used by the acceptance tests", () => {
  const a = [0.3, -1.2, 2.5, 0.0, 0.7, -0.4, 1.1, 3.2, -2.0, 0.9, 0.05, 1.6];
  const b = [1.3, 0.2, 2.9, 1.0, 4.1, 0.6, -0.5, 2.2, 1.8, 0.75, 3.3];

  it("computes scipy's ks_2samp statistic", () => {
    expect(exactKs(a, b).d).toBeCloseTo(0.3257575757575758, 14);
  });

  it("computes scipy's wasserstein_distance over numpy's population std", () => {
    expect(exactNormedWasserstein(a, b)).toBeCloseTo(0.7453388890355854, 13);
  });
});

/**
 * TDigest.quantiles and TDigest.cdfs, the one-pass readers KS and Wasserstein use (docs/drift.md):
 * each value is exactly what quantile(q) and cdf(x) give one at a time, for any digest (single
 * values, ties, whole numbers, merged digests, few centroids or many) and any ascending points.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TDigest } from "./tdigest.ts";
import { quantileGrid } from "../drift/quantile-grid.ts";

const values = fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: -5, max: 5 })), { minLength: 1, maxLength: 3_000 });

function digestOf(parts: number[][], compression: number): TDigest {
  const digests = parts.map((part) => {
    const d = new TDigest(compression);
    for (const v of part) d.add(v);
    return d;
  });
  return digests[0].merge(...digests.slice(1));
}

describe("TDigest one-pass quantiles and cdfs", () => {
  it("equal quantile(q) at every level of the drift grid and at 0 and 1, bit for bit", () => {
    fc.assert(
      fc.property(fc.array(values, { minLength: 1, maxLength: 4 }), fc.constantFrom(20, 100, 200), (parts, compression) => {
        const d = digestOf(parts, compression);
        const levels = Float64Array.from([0, ...quantileGrid().levels, 1]);
        const swept = d.quantiles(levels);
        levels.forEach((q, i) => expect(Object.is(swept[i], d.quantile(q))).toBe(true));
      }),
      { numRuns: 60 },
    );
  });

  it("equal cdf(x) at any non-decreasing points, inside and outside the data, bit for bit", () => {
    fc.assert(
      fc.property(values, fc.array(fc.double({ min: -2e6, max: 2e6, noNaN: true }), { maxLength: 300 }), fc.constantFrom(20, 100, 200), (data, extra, compression) => {
        const d = digestOf([data], compression);
        // The digest's own quantiles (where KS reads), its centroid means exactly, and arbitrary points.
        const xs = Float64Array.from([...d.quantiles(quantileGrid().levels), ...d.centroids().means, ...extra].sort((a, b) => a - b));
        const swept = d.cdfs(xs);
        xs.forEach((x, i) => expect(Object.is(swept[i], d.cdf(x))).toBe(true));
      }),
      { numRuns: 60 },
    );
  });

  it("start over on a point below the previous one instead of answering from the wrong centroid", () => {
    const d = new TDigest(100);
    for (let i = 0; i < 10_000; i++) d.add(i);
    const xs = Float64Array.from([9_000, 100, 5_000, 5_000, 20]);
    const levels = Float64Array.from([0.9, 0.01, 0.5, 0.5, 0.002]);
    expect([...d.cdfs(xs)]).toEqual([...xs].map((x) => d.cdf(x)));
    expect([...d.quantiles(levels)]).toEqual([...levels].map((q) => d.quantile(q)));
  });

  it("answer NaN for an empty digest and refuse levels outside [0, 1]", () => {
    expect([...new TDigest().quantiles([0.5])]).toEqual([NaN]);
    expect([...new TDigest().cdfs([0])]).toEqual([NaN]);
    const d = new TDigest();
    d.add(1);
    expect(() => d.quantiles([0.5, 1.5])).toThrow(RangeError);
  });
});

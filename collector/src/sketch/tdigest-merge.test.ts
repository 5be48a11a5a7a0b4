// merge() and the binary form of TDigest.
import { describe, expect, it } from "vitest";
import { TDigest } from "./tdigest.ts";
import { SketchDecodeError } from "./decode-error.ts";
import { CategoricalCounts } from "./categorical-counts.ts";
import { sample } from "../../testing/sketch/datasets.ts";
import type { DistributionName } from "../../testing/sketch/datasets.ts";
import { rankError, sortedCopy } from "../../testing/sketch/exact.ts";

const QS = [0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999];

function digestOf(values: Float64Array): TDigest {
  const d = new TDigest();
  d.addMany(values);
  return d;
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

describe("TDigest.merge", () => {
  const pairs: [DistributionName, DistributionName][] = [
    ["normal", "lognormal"],
    ["mixedSign", "cauchy"],
    ["uniform", "pareto"],
  ];
  for (const [left, right] of pairs) {
    it(`agrees with a digest of the union for ${left} ∪ ${right}`, () => {
      const a = sample(left, 60_000, 1);
      const b = sample(right, 40_000, 2);
      const union = sortedCopy(concat(a, b));
      const merged = digestOf(a).merge(digestOf(b));
      const direct = digestOf(concat(a, b));
      expect(merged.count).toBe(union.length);
      expect(merged.min).toBe(union[0]);
      expect(merged.max).toBe(union[union.length - 1]);
      expect(merged.mean).toBeCloseTo(direct.mean, 9);
      expect(merged.variance / direct.variance).toBeCloseTo(1, 9);
      for (const q of QS) {
        // Both estimate the same exact quantile, each within 5e-3 of it: mixedSign has a gap
        // between its modes, where an interpolated estimate can be half a centroid (~0.5 %) off.
        expect(rankError(union, q, merged.quantile(q))).toBeLessThanOrEqual(5e-3);
        expect(rankError(union, q, direct.quantile(q))).toBeLessThanOrEqual(5e-3);
      }
    });
  }

  it("is insensitive to the order of the digests within bounds", () => {
    const data = sample("mixedSign", 200_000, 5);
    const sorted = sortedCopy(data);
    const parts = Array.from({ length: 20 }, (_, i) => digestOf(data.subarray(i * 10_000, (i + 1) * 10_000)));
    const forward = new TDigest().merge(...parts);
    const backward = new TDigest().merge(...parts.slice().reverse());
    const pairwise = parts.slice(1).reduce((acc, p) => acc.merge(p), digestOf(data.subarray(0, 10_000)));
    for (const d of [forward, backward, pairwise]) {
      expect(d.count).toBe(200_000);
      for (const q of QS) expect(rankError(sorted, q, d.quantile(q))).toBeLessThanOrEqual(2e-3);
    }
  });

  it("leaves the merged-in digests' answers unchanged and ignores empty ones", () => {
    const a = digestOf(sample("normal", 10_000, 3));
    const before = a.toBytes();
    const target = digestOf(sample("normal", 5_000, 4));
    target.merge(a, new TDigest());
    expect(a.toBytes()).toEqual(before);
    expect(target.count).toBe(15_000);
  });

  it("carries the missing counts along", () => {
    const a = new TDigest();
    a.addMany(Float64Array.of(1, NaN, 2));
    const b = new TDigest();
    b.addMany(Float64Array.of(Infinity, 3));
    expect(a.merge(b).missing).toBe(2);
  });
});

describe("TDigest binary form", () => {
  it("round-trips exactly: same bytes, same quantiles, same statistics", () => {
    for (const d of [new TDigest(), digestOf(Float64Array.of(5)), digestOf(sample("cauchy", 300_000, 6))]) {
      d.add(NaN);
      d.add(2.5, 0.75);
      const bytes = d.toBytes();
      const back = TDigest.fromBytes(bytes);
      expect(back.toBytes()).toEqual(bytes);
      for (const q of [0, 0.001, 0.3, 0.5, 0.999, 1]) expect(back.quantile(q)).toBe(d.quantile(q));
      expect([back.count, back.missing, back.min, back.max, back.sum, back.variance]).toEqual([
        d.count, d.missing, d.min, d.max, d.sum, d.variance,
      ]);
      expect(back.compression).toBe(d.compression);
    }
  });

  it("keeps a 1e6-value digest under 4 KiB", () => {
    expect(digestOf(sample("lognormal", 1e6, 10)).toBytes().length).toBeLessThanOrEqual(4096);
  });

  it("keeps accepting values after a round trip", () => {
    const back = TDigest.fromBytes(digestOf(sample("normal", 10_000, 1)).toBytes());
    back.addMany(sample("normal", 10_000, 2));
    expect(back.count).toBe(20_000);
    expect(Math.abs(back.quantile(0.5))).toBeLessThan(0.05);
  });

  const good = digestOf(sample("normal", 20_000, 7)).toBytes();
  const corruptions: [string, () => Uint8Array, RegExp][] = [
    ["empty input", () => new Uint8Array(0), /shorter than the 10-byte minimum/],
    ["a flipped bit", () => flip(good, 40, 0x10), /checksum mismatch/],
    ["a flipped bit in the checksum", () => flip(good, good.length - 1, 0x01), /checksum mismatch/],
    ["truncated bytes", () => good.slice(0, good.length - 100), /checksum mismatch/],
    ["a wrong magic number", () => flip(good, 0, 0xff), /wrong magic number/],
    ["a wrong version", () => flip(good, 4, 0x02), /unsupported format version 3/],
    ["a categorical blob", () => new CategoricalCounts().toBytes(), /different sketch kind \(categorical counts\)/],
  ];
  for (const [what, bytes, message] of corruptions) {
    it(`rejects ${what} with SketchDecodeError`, () => {
      expect(() => TDigest.fromBytes(bytes())).toThrow(SketchDecodeError);
      expect(() => TDigest.fromBytes(bytes())).toThrow(message);
    });
  }

  it("rejects a checksum-valid payload that breaks an invariant", () => {
    // Rewrite a centroid mean out of order and re-seal: the checksum passes, the invariant does not.
    const d = digestOf(Float64Array.of(1, 2, 3, 4));
    const bytes = d.toBytes();
    const view = new DataView(bytes.buffer);
    const firstMean = bytes.length - 4 - 4 - 4 * 8; // 4 one-byte weights and 4 means before the CRC
    view.setFloat64(firstMean, 3.5, true);
    expect(() => TDigest.fromBytes(reseal(bytes))).toThrow(/corrupt: centroid means are not sorted/);
  });
});

function flip(bytes: Uint8Array, index: number, mask: number): Uint8Array {
  const out = bytes.slice();
  out[index] ^= mask;
  return out;
}

/** Recomputes the trailing CRC-32, so only the payload's own checks can catch the change. */
function reseal(bytes: Uint8Array): Uint8Array {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length - 4; i++) {
    c ^= bytes[i];
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  new DataView(bytes.buffer).setUint32(bytes.length - 4, (c ^ 0xffffffff) >>> 0, true);
  return bytes;
}

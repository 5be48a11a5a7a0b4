import { describe, expect, it } from "vitest";
import { NumericSummary } from "./numeric-summary.ts";
import { SketchDecodeError } from "./decode-error.ts";
import { TDigest } from "./tdigest.ts";
import { sample } from "../../testing/sketch/datasets.ts";

function exactMoments(values: Float64Array): { mean: number; variance: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let m2 = 0;
  for (const v of values) m2 += (v - mean) ** 2;
  return { mean, variance: m2 / values.length };
}

describe("NumericSummary", () => {
  it("matches two-pass mean and population variance, whether built by add, addMany or merge", () => {
    const values = sample("lognormal", 10_000, 2);
    const exact = exactMoments(values);
    const one = new NumericSummary();
    for (const v of values) one.add(v);
    const many = new NumericSummary();
    many.addMany(values);
    const merged = new NumericSummary();
    for (let i = 0; i < 10; i++) {
      const part = new NumericSummary();
      part.addMany(values.subarray(i * 1000, (i + 1) * 1000));
      merged.merge(part);
    }
    for (const s of [one, many, merged]) {
      expect(s.count).toBe(10_000);
      expect(s.mean).toBeCloseTo(exact.mean, 12);
      expect(s.variance / exact.variance).toBeCloseTo(1, 12);
      expect(s.stddev).toBeCloseTo(Math.sqrt(exact.variance), 12);
      expect(s.sumOfSquares / values.reduce((a, v) => a + v * v, 0)).toBeCloseTo(1, 12);
    }
  });

  it("keeps the variance exact when the mean dwarfs the spread (no Σx² cancellation)", () => {
    // Timestamps around 1.7e9 s with a spread of 1: Σx² − (Σx)²/n would lose every digit.
    const s = new NumericSummary();
    const values = Float64Array.from({ length: 1000 }, (_, i) => 1.7e9 + (i % 2 === 0 ? -1 : 1));
    s.addMany(values);
    expect(s.variance).toBeCloseTo(1, 9);
  });

  it("agrees with the statistics a TDigest keeps for the same values", () => {
    const values = sample("mixedSign", 20_000, 5);
    const s = new NumericSummary();
    s.addMany(values);
    const d = new TDigest();
    d.addMany(values);
    expect(d.mean).toBeCloseTo(s.mean, 10);
    expect(d.variance / s.variance).toBeCloseTo(1, 10);
    expect([d.min, d.max, d.count]).toEqual([s.min, s.max, s.count]);
  });

  it("counts NaN and ±∞ as missing, by weight, and keeps them out of every statistic", () => {
    const s = new NumericSummary();
    s.addMany(Float64Array.of(1, NaN, 3, Infinity));
    s.add(-Infinity, 2);
    expect([s.count, s.missing, s.sum, s.min, s.max, s.variance]).toEqual([2, 4, 4, 1, 3, 1]);
  });

  it("answers NaN statistics when empty", () => {
    const s = new NumericSummary();
    expect([s.count, s.mean, s.variance]).toEqual([0, NaN, NaN]);
  });

  it("round-trips through bytes and rejects corrupt or foreign ones", () => {
    const s = new NumericSummary();
    s.addMany(sample("normal", 1000, 1));
    s.add(NaN);
    const bytes = s.toBytes();
    const back = NumericSummary.fromBytes(bytes);
    expect(back.toBytes()).toEqual(bytes);
    expect(back.fields()).toEqual(s.fields());
    expect(NumericSummary.fromBytes(new NumericSummary().toBytes()).count).toBe(0);
    const flipped = bytes.slice();
    flipped[12] ^= 4;
    expect(() => NumericSummary.fromBytes(flipped)).toThrow(SketchDecodeError);
    expect(() => NumericSummary.fromBytes(bytes.slice(0, 20))).toThrow(SketchDecodeError);
    expect(() => NumericSummary.fromBytes(new TDigest().toBytes())).toThrow(/different sketch kind \(t-digest\)/);
  });
});

import { describe, expect, it } from "vitest";
import { AGGREGATORS, aggregatorOf } from "./aggregator.ts";
import { CategoricalCounts } from "./categorical-counts.ts";
import { TDigest } from "./tdigest.ts";
import { SketchDecodeError } from "./decode-error.ts";
import { MINUTE_COMPRESSION } from "../fold/batch.ts";

function digestOf(values: number[], compression?: number): TDigest {
  const digest = new TDigest(compression);
  for (const v of values) digest.add(v);
  return digest;
}

function countsOf(values: string[], cap = 10): CategoricalCounts {
  const counts = new CategoricalCounts(cap);
  for (const v of values) counts.add(v);
  return counts;
}

describe("the sketch aggregators", () => {
  it("merges digests as if every value had been added to one, and round-trips a bucket through its row", () => {
    const a = AGGREGATORS.digest;
    const parts = [digestOf([1, 2, 3]), digestOf([10, 20]), digestOf([-5])];
    const bucket = a.merge(a.empty(0), parts);
    expect(a.value(bucket)).toBe(6);
    expect(bucket.quantile(0)).toBe(-5);
    expect(bucket.quantile(1)).toBe(20);
    const decoded = a.decode(a.value(bucket), a.encode(bucket));
    expect(decoded?.count).toBe(6);
    expect(decoded?.mean).toBeCloseTo(31 / 6, 12);
    // The parts are left as they were.
    expect(parts.map((p) => p.count)).toEqual([3, 2, 1]);
  });

  it("starts a minute bucket from its first digest as it is, keeping the fold's compression", () => {
    const first = digestOf([1, 2], MINUTE_COMPRESSION);
    const bucket = AGGREGATORS.digest.start(first, 5);
    expect(bucket).toBe(first);
    expect(AGGREGATORS.digest.empty(0).compression).not.toBe(MINUTE_COMPRESSION);
  });

  it("starts a counts bucket under the store's category cap, whatever cap the delta was built with", () => {
    const bucket = AGGREGATORS.counts.start(countsOf(["a", "b", "c"], 10), 2);
    expect(bucket.maxCategories).toBe(2);
    expect(AGGREGATORS.counts.value(bucket)).toBe(3);
    expect(Object.fromEntries(bucket.entries())).toMatchObject({ a: 1, b: 1 });
  });

  it("sums counters, stores them in the value column and no blob", () => {
    const a = AGGREGATORS.counter;
    expect(a.merge(a.decode(5, null)!, [2, 3])).toBe(10);
    expect(a.encode(10)).toBeNull();
  });

  it("picks the aggregator of a series kind's sketch", () => {
    expect(aggregatorOf("numeric_feature").type).toBe("digest");
    expect(aggregatorOf("categorical_feature").type).toBe("counts");
    expect(aggregatorOf("predictions").type).toBe("counter");
  });

  it("refuses a corrupt blob instead of reading it as an empty bucket, and has nothing to decode without one", () => {
    const bytes = digestOf([1, 2, 3]).toBytes();
    bytes[bytes.length - 1] ^= 0xff;
    expect(() => AGGREGATORS.digest.decode(3, bytes)).toThrow(SketchDecodeError);
    expect(AGGREGATORS.digest.decode(3, null)).toBeNull();
  });
});

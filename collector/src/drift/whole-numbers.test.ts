import { describe, expect, it } from "vitest";
import { TDigest } from "../sketch/tdigest.ts";
import { exactKs, exactNumericJensenShannon, exactNumericPsi } from "../../testing/drift/exact.ts";
import { numericDrift, numericKs } from "./numeric.ts";
import { mulberry32, normalSample } from "../../testing/drift/prng.ts";

const N = 100_000;

/** Whole-number values (ages), rounded from a normal sample. */
function ages(seed: number, shift = 0): Float64Array {
  return normalSample(mulberry32(seed), N, 40 + shift, 12).map(Math.round);
}

/**
 * The current window as the store builds it: minute buckets at compression 100, merged into one
 * digest, while the baseline is one digest built from the training rows. The two split each tie
 * into centroids differently, which is what made KS alert on undrifted integer features (the
 * demo's `age` and `late_payments`).
 */
function asStoreWindow(values: Float64Array): TDigest {
  const minutes: TDigest[] = [];
  for (let m = 0; m < 100; m++) {
    const minute = new TDigest(100);
    minute.addMany(values.subarray(m * (N / 100), (m + 1) * (N / 100)));
    minutes.push(minute);
  }
  return new TDigest().merge(...minutes);
}

function baselineOf(values: Float64Array): TDigest {
  const digest = new TDigest();
  digest.addMany(values);
  return digest;
}

describe("whole-number features", () => {
  it("are recognised by the digest, through merges and bytes", () => {
    const window = asStoreWindow(ages(1));
    expect(window.integers).toBe(true);
    expect(TDigest.fromBytes(window.toBytes()).integers).toBe(true);
    window.add(0.5);
    expect(window.integers).toBe(false);
  });

  it("do not alert when they have not drifted, and KS D agrees with the exact one", () => {
    const baselineValues = ages(11);
    const currentValues = ages(12);
    const results = numericDrift(baselineOf(baselineValues), asStoreWindow(currentValues));
    for (const result of results) expect(result.status, result.method).toBe("ok");
    const ks = numericKs(baselineOf(baselineValues), asStoreWindow(currentValues));
    expect(Math.abs(ks.value - exactKs(baselineValues, currentValues).d)).toBeLessThanOrEqual(0.005);
  });

  it("alert on a three-year shift, with KS D, PSI and JS close to the exact values", () => {
    const baselineValues = ages(21);
    const currentValues = ages(22, 3);
    const baseline = baselineOf(baselineValues);
    const current = asStoreWindow(currentValues);
    const byMethod = Object.fromEntries(numericDrift(baseline, current).map((r) => [r.method, r]));
    expect(byMethod.ks.status).toBe("alert");
    expect(Math.abs(byMethod.ks.value - exactKs(baselineValues, currentValues).d)).toBeLessThanOrEqual(0.005);
    // The exact references bin at the baseline's quantiles, which for whole numbers are whole
    // numbers; the sketch bins at the half-integer above, the same bins for this data.
    expect(Math.abs(byMethod.psi.value - exactNumericPsi(baselineValues, currentValues))).toBeLessThanOrEqual(0.01);
    expect(Math.abs(byMethod.js.value - exactNumericJensenShannon(baselineValues, currentValues))).toBeLessThanOrEqual(0.01);
  });
});

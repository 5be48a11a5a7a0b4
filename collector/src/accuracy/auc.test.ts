import { describe, expect, it } from "vitest";
import { mulberry32, normalSample } from "../../testing/drift/prng.ts";
import { MINUTE_COMPRESSION } from "../fold/batch.ts";
import { TDigest } from "../sketch/tdigest.ts";
import { binaryAucFromLabelDigests, digestScores, rocAuc } from "./auc.ts";
import { exactAuc } from "../../testing/accuracy/exact.ts";

/** The tolerance docs/accuracy.md states for AUC from digests against the exact AUC (continuous scores). */
const AUC_TOLERANCE = 0.002;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Digests as the store builds them: minute digests of 1 000 scores merged into a window digest. */
function windowDigest(values: Float64Array): TDigest {
  const window = new TDigest();
  for (let i = 0; i < values.length; i += 1000) {
    const minute = new TDigest(MINUTE_COMPRESSION);
    minute.addMany(values.subarray(i, i + 1000));
    window.merge(minute);
  }
  return window;
}

const uniform = mulberry32(20240611);
const u = (n: number, f: (x: number) => number): Float64Array => Float64Array.from({ length: n }, () => f(uniform()));
/** 10⁵ scores per case, positives then negatives. */
const CASES: Record<string, [Float64Array, Float64Array]> = {
  "logistic scores of normal logits one standard deviation apart": [normalSample(uniform, 50_000, 1, 1).map(sigmoid), normalSample(uniform, 50_000, 0, 1).map(sigmoid)],
  "power-law scores (√u against u²)": [u(50_000, Math.sqrt), u(50_000, (x) => x * x)],
  "scores rounded to two decimals (many ties)": [normalSample(uniform, 50_000, 0.6, 1).map((x) => Math.round(sigmoid(x) * 100) / 100), normalSample(uniform, 50_000, 0, 1).map((x) => Math.round(sigmoid(x) * 100) / 100)],
  "1 % positives": [normalSample(uniform, 1_000, 2, 1).map(sigmoid), normalSample(uniform, 99_000, 0, 1).map(sigmoid)],
  "nearly separable classes": [normalSample(uniform, 50_000, 3, 1).map(sigmoid), normalSample(uniform, 50_000, -3, 1).map(sigmoid)],
  "no skill (same distribution)": [u(50_000, (x) => x), u(50_000, (x) => x)],
};

describe("ROC AUC from two digests", () => {
  for (const [name, [positives, negatives]] of Object.entries(CASES)) {
    it(`is within ${AUC_TOLERANCE} of the exact AUC for ${name}`, () => {
      const exact = exactAuc(positives, negatives);
      const estimate = rocAuc([digestScores(windowDigest(positives))], [digestScores(windowDigest(negatives))]);
      expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(AUC_TOLERANCE);
    });
  }

  it("is NaN when one side has no scores", () => {
    expect(rocAuc([digestScores(windowDigest(u(10, (x) => x)))], [digestScores(new TDigest())])).toBeNaN();
  });

  it("is exact for a handful of scores without ties", () => {
    const pos = new TDigest();
    const neg = new TDigest();
    for (const x of [0.9, 0.7, 0.4]) pos.add(x);
    for (const x of [0.8, 0.3, 0.2, 0.1]) neg.add(x);
    expect(rocAuc([digestScores(pos)], [digestScores(neg)])).toBeCloseTo(exactAuc([0.9, 0.7, 0.4], [0.8, 0.3, 0.2, 0.1]), 2);
  });
});

describe("binary AUC from the per-label hit and miss digests", () => {
  it("equals the exact AUC of the positive class when scores are probabilities of the predicted label", () => {
    // A binary classifier: p = P(positive); it predicts "yes" when p ≥ 0.5 and scores its label.
    const n = 100_000;
    const p = normalSample(uniform, n, 0, 1.5).map(sigmoid);
    const isPositive = Array.from(p, (x) => uniform() < x);
    const hit = new Map([["yes", new TDigest()], ["no", new TDigest()]]);
    const miss = new Map([["yes", new TDigest()], ["no", new TDigest()]]);
    const positives: number[] = [];
    const negatives: number[] = [];
    for (let i = 0; i < n; i++) {
      const label = p[i] >= 0.5 ? "yes" : "no";
      const score = label === "yes" ? p[i] : 1 - p[i];
      (label === (isPositive[i] ? "yes" : "no") ? hit : miss).get(label)!.add(score);
      (isPositive[i] ? positives : negatives).push(p[i]);
    }
    const exact = exactAuc(positives, negatives);
    expect(Math.abs(binaryAucFromLabelDigests(["no", "yes"], hit, miss) - exact)).toBeLessThanOrEqual(AUC_TOLERANCE);
    // The area is the same whichever label is taken as positive.
    expect(Math.abs(binaryAucFromLabelDigests(["yes", "no"], hit, miss) - exact)).toBeLessThanOrEqual(AUC_TOLERANCE);
  });

  it("is NaN unless there are exactly two labels", () => {
    expect(binaryAucFromLabelDigests(["a", "b", "c"], new Map(), new Map())).toBeNaN();
  });
});

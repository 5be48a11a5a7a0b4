import { describe, expect, it } from "vitest";
import { mulberry32, normalSample } from "../../testing/drift/prng.ts";
import { CategoricalCounts } from "../sketch/categorical-counts.ts";
import { TDigest } from "../sketch/tdigest.ts";
import { classificationMetrics } from "./confusion.ts";
import { exactBinaryLogLoss, exactClassification, exactRegression } from "../../testing/accuracy/exact.ts";
import { pairLogLoss } from "./log-loss.ts";
import { regressionMetrics } from "./regression.ts";

const uniform = mulberry32(99);

describe("classification figures from per-actual-class confusion counts", () => {
  it("equal the exact accuracy, per-class and macro precision, recall and F1 on three classes", () => {
    const labels = ["ant", "bee", "cat"];
    const actual: string[] = [];
    const predicted: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const a = labels[Math.floor(uniform() * 3)];
      actual.push(a);
      predicted.push(uniform() < 0.7 ? a : labels[Math.floor(uniform() * 3)]);
    }
    const byActual = new Map<string, CategoricalCounts>();
    actual.forEach((a, i) => {
      if (!byActual.has(a)) byActual.set(a, new CategoricalCounts());
      byActual.get(a)!.add(predicted[i]);
    });
    const got = classificationMetrics(byActual);
    const want = exactClassification(actual, predicted);
    expect(got.pairs).toBe(10_000);
    expect(got.accuracy).toBeCloseTo(want.accuracy, 12);
    expect(got.classes.map((c) => c.label)).toEqual(labels);
    got.classes.forEach((c, k) => {
      expect(c.precision).toBeCloseTo(want.perClass[k].precision, 12);
      expect(c.recall).toBeCloseTo(want.perClass[k].recall, 12);
      expect(c.f1).toBeCloseTo(want.perClass[k].f1, 12);
    });
    expect(got.macro.f1).toBeCloseTo(want.macro.f1, 12);
    expect(got.macro.precision).toBeCloseTo(want.macro.precision, 12);
    expect(got.macro.recall).toBeCloseTo(want.macro.recall, 12);
  });

  it("counts a label that was only ever predicted as a class with recall 0 (scikit-learn's labels=None)", () => {
    const yes = new CategoricalCounts();
    yes.add("yes", 3);
    yes.add("maybe", 1);
    const got = classificationMetrics(new Map([["yes", yes]]));
    expect(got.classes.map((c) => [c.label, c.precision, c.recall])).toEqual([["maybe", 0, 0], ["yes", 1, 0.75]]);
    expect(got.accuracy).toBe(0.75);
  });

  it("has no accuracy without pairs", () => {
    expect(classificationMetrics(new Map()).accuracy).toBeNaN();
  });
});

describe("log loss from the score of the predicted label", () => {
  it("equals the exact binary log loss when the score is the probability of the predicted label", () => {
    const p = Array.from({ length: 5_000 }, () => uniform());
    const isPositive = p.map((x) => uniform() < x);
    let total = 0;
    p.forEach((x, i) => {
      const label = x >= 0.5;
      total += pairLogLoss(label ? x : 1 - x, label === isPositive[i]);
    });
    expect(total / p.length).toBeCloseTo(exactBinaryLogLoss(isPositive, p), 10);
  });

  it("clips a confident wrong score to −ln(1e-15) instead of infinity", () => {
    expect(pairLogLoss(1, false)).toBeCloseTo(-Math.log(1e-15), 9);
  });
});

describe("regression figures from the error digests", () => {
  it("equal the exact MAE, RMSE and MAPE, leaving zero actuals out of MAPE", () => {
    const actual = Array.from(normalSample(uniform, 20_000, 100, 30), (x, i) => (i % 100 === 0 ? 0 : x));
    const predicted = actual.map((a) => a + (uniform() - 0.3) * 20);
    const error = new TDigest();
    const absolute = new TDigest();
    const percentage = new TDigest();
    actual.forEach((a, i) => {
      const e = predicted[i] - a;
      error.add(e);
      absolute.add(Math.abs(e));
      if (a !== 0) percentage.add(Math.abs(e) / Math.abs(a));
    });
    const got = regressionMetrics(error, absolute, percentage);
    const want = exactRegression(actual, predicted);
    expect(got.mae).toBeCloseTo(want.mae, 9);
    expect(got.rmse).toBeCloseTo(want.rmse, 9);
    expect(got.mape).toBeCloseTo(want.mape, 9);
    expect(got.mapeExcluded).toBe(200);
  });

  it("has no figures without pairs", () => {
    expect(regressionMetrics(new TDigest(), new TDigest(), new TDigest()).mae).toBeNaN();
  });
});

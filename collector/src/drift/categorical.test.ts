import { describe, expect, it } from "vitest";
import { alignCategories, categoricalChiSquare, categoricalDrift, categoricalJensenShannon, categoricalPsi } from "./categorical.ts";
import {
  exactCategoricalJensenShannon,
  exactCategoricalPsi,
  exactChiSquareGoodnessOfFit,
  exactChiSquareHomogeneity,
} from "../../testing/drift/exact.ts";
import { categoricalSample, mulberry32 } from "../../testing/drift/prng.ts";
import { CountedCategories } from "../../testing/drift/sorted-distribution.ts";

describe("categorical drift", () => {
  const labels = (counts: Record<string, number>) =>
    new CountedCategories(Object.entries(counts).flatMap(([label, n]) => Array<string>(n).fill(label)));

  it("matches scipy's chi2_contingency(correction=False) in the two-sample form", () => {
    const result = categoricalChiSquare(labels({ a: 40, b: 40, c: 20 }), labels({ a: 30, b: 50, c: 20 }));
    expect(result.value).toBeCloseTo(2.5396825396825395, 12);
    expect(result.pValue).toBeCloseTo(0.28087620176428163, 12);
    expect(result.status).toBe("ok");
    // A category only the current side has stays finite: the pooled table expects it on both sides.
    const withNew = categoricalChiSquare(labels({ a: 40, b: 40, c: 20 }), labels({ a: 30, b: 50, c: 15, d: 5 }));
    expect(withNew.value).toBeCloseTo(8.253968253968253, 12);
    expect(withNew.pValue).toBeCloseTo(0.041044438068105454, 12);
  });

  it("matches scipy's chisquare in Evidently's goodness-of-fit form", () => {
    // scipy.stats.chisquare([30, 50, 20], [40, 40, 20]) = (5.0, 0.0820849986238988).
    const result = categoricalChiSquare(labels({ a: 40, b: 40, c: 20 }), labels({ a: 30, b: 50, c: 20 }), {
      form: "goodness-of-fit",
    });
    expect(result.value).toBeCloseTo(5, 12);
    expect(result.pValue).toBeCloseTo(0.0820849986238988, 12);
  });

  it("keeps the two-sample false-alarm rate near the nominal 5% where Evidently's form over-alerts", () => {
    // 200 seeded pairs of equal-size samples from one mix: no drift, so a test at p ≤ 0.05
    // should alert in about 5% of them. The goodness-of-fit form treats the baseline's
    // proportions as exact and alerts far more often (docs/drift.md, "chi-squared").
    const mix = { web: 50, ios: 30, android: 15, kiosk: 5 };
    let twoSampleAlerts = 0;
    let goodnessOfFitAlerts = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const uniform = mulberry32(seed);
      const baseline = new CountedCategories(categoricalSample(uniform, 5000, mix));
      const current = new CountedCategories(categoricalSample(uniform, 5000, mix));
      if (categoricalChiSquare(baseline, current).status === "alert") twoSampleAlerts++;
      if (categoricalChiSquare(baseline, current, { form: "goodness-of-fit" }).status === "alert") goodnessOfFitAlerts++;
    }
    expect(twoSampleAlerts / 200).toBeLessThanOrEqual(0.1);
    expect(goodnessOfFitAlerts / 200).toBeGreaterThan(0.2);
  });

  it("aligns both sides on the union of categories, keeping first-seen order", () => {
    const aligned = alignCategories(new CountedCategories(["x", "y", "y"]), new CountedCategories(["z", "y"]));
    expect(aligned.categories).toEqual(["x", "y", "z"]);
    expect([...aligned.baseline]).toEqual([1, 2, 0]);
    expect([...aligned.current]).toEqual([0, 1, 1]);
  });

  it("gives p-value 0 in the goodness-of-fit form when a category the baseline never saw appears", () => {
    const result = categoricalChiSquare(new CountedCategories(["a", "b"]), new CountedCategories(["a", "b", "new"]), {
      form: "goodness-of-fit",
    });
    expect(result.value).toBe(Number.POSITIVE_INFINITY);
    expect(result.pValue).toBe(0);
    expect(result.status).toBe("alert");
  });

  it("floors a category missing on one side in PSI instead of returning infinity", () => {
    const result = categoricalPsi(new CountedCategories(["a", "a", "b"]), new CountedCategories(["a", "c"]));
    expect(Number.isFinite(result.value)).toBe(true);
    expect(result.status).toBe("alert");
  });

  it("reports p-value 1 when both sides hold a single, same category", () => {
    const result = categoricalChiSquare(new CountedCategories(["a", "a"]), new CountedCategories(["a"]));
    expect(result).toMatchObject({ value: 0, pValue: 1, status: "ok" });
  });

  it("reports no_data when either side is empty, for every method", () => {
    const some = new CountedCategories(["a"]);
    const none = new CountedCategories([]);
    for (const result of [...categoricalDrift(some, none), ...categoricalDrift(none, some)]) {
      expect(result.status).toBe("no_data");
      expect(result.value).toBeNaN();
    }
  });

  describe("on a mix shift of 10⁵ labels each, agrees exactly with the raw-array references", () => {
    const uniform = mulberry32(77);
    const baselineMix = { web: 50, ios: 30, android: 15, kiosk: 4.99, fax: 0.01 };
    const shiftedMix = { web: 40, ios: 30, android: 25, kiosk: 5, partner: 0.02 };
    const baselineLabels = categoricalSample(uniform, 100_000, baselineMix);
    const sameLabels = categoricalSample(uniform, 100_000, baselineMix);
    const shiftedLabels = categoricalSample(uniform, 100_000, shiftedMix);
    const baseline = new CountedCategories(baselineLabels);

    it.each([
      ["unchanged mix", sameLabels, "ok"],
      ["shifted mix", shiftedLabels, "alert"],
    ] as const)("%s", (_name, labels, expectedStatus) => {
      const current = new CountedCategories(labels);
      expect(categoricalPsi(baseline, current).value).toBeCloseTo(exactCategoricalPsi(baselineLabels, labels), 12);
      expect(categoricalJensenShannon(baseline, current).value).toBeCloseTo(
        exactCategoricalJensenShannon(baselineLabels, labels),
        12,
      );
      const chi = categoricalChiSquare(baseline, current);
      const exact = exactChiSquareHomogeneity(baselineLabels, labels);
      expect(chi.value).toBeCloseTo(exact.statistic, 6);
      expect(chi.pValue).toBeCloseTo(exact.pValue, 12);
      expect(chi.status).toBe(expectedStatus);
      const goodnessOfFit = categoricalChiSquare(baseline, current, { form: "goodness-of-fit" });
      const exactGoodnessOfFit = exactChiSquareGoodnessOfFit(baselineLabels, labels);
      expect(goodnessOfFit.value).toBeCloseTo(exactGoodnessOfFit.statistic, 6);
      expect(goodnessOfFit.pValue).toBeCloseTo(exactGoodnessOfFit.pValue, 12);
    });
  });
});

import { describe, expect, it } from "vitest";
import { exactCategoricalJensenShannon, exactChiSquareHomogeneity, exactKs, exactNormedWasserstein } from "../../testing/drift/exact.ts";
import { mulberry32, normalSample } from "../../testing/drift/prng.ts";
import { CountedCategories, SortedDistribution } from "../../testing/drift/sorted-distribution.ts";
import { defaultStatusMethod, SMALL_WINDOW_VALUES } from "./status-rule.ts";
import { seriesDrift } from "./series-drift.ts";
import { resolveFeatureSettings } from "./settings.ts";
import { classify } from "./thresholds.ts";

describe("the default status rule", () => {
  it("picks KS for numeric windows of at most 1 000 values and normed Wasserstein above", () => {
    expect(defaultStatusMethod("numeric", 1)).toBe("ks");
    expect(defaultStatusMethod("numeric", SMALL_WINDOW_VALUES)).toBe("ks");
    expect(defaultStatusMethod("numeric", SMALL_WINDOW_VALUES + 1)).toBe("wasserstein");
  });

  it("picks chi-squared for categorical windows of at most 1 000 values and Jensen–Shannon above", () => {
    expect(defaultStatusMethod("categorical", 500)).toBe("chisquare");
    expect(defaultStatusMethod("categorical", 5_000)).toBe("js");
  });

  it("grades a large window by Wasserstein alone, although KS's p-value alone would alert", () => {
    // 10⁵ values shifted by 0.03σ: a difference nobody acts on, yet far past KS's resolution.
    const baseline = normalSample(mulberry32(1), 100_000, 0, 1);
    const current = normalSample(mulberry32(2), 100_000, 0.03, 1);
    const verdict = seriesDrift({ type: "numeric", baseline: new SortedDistribution(baseline), current: new SortedDistribution(current) });
    expect(verdict.statusMethod).toBe("wasserstein");
    expect(verdict.configured).toBe(false);
    const ks = verdict.results.find((r) => r.method === "ks")!;
    expect(ks.status).toBe("alert");
    expect(ks.pValue!).toBeLessThan(0.005);
    expect(exactKs(baseline, current).d).toBeCloseTo(ks.value, 2);
    const wasserstein = exactNormedWasserstein(baseline, current);
    expect(verdict.results.find((r) => r.method === "wasserstein")!.value).toBeCloseTo(wasserstein, 2);
    expect(verdict.status).toBe(classify(wasserstein, "value", { warn: 0.1, alert: 0.1 }));
    expect(verdict.status).toBe("ok");
    // Every method is still reported.
    expect(verdict.results.map((r) => r.method)).toEqual(["psi", "ks", "js", "wasserstein", "hellinger"]);
  });

  it("grades a small window by the KS p-value at the 0.05 warn and 0.005 alert levels", () => {
    const baseline = normalSample(mulberry32(3), 10_000, 0, 1);
    const current = normalSample(mulberry32(4), 400, 0.5, 1);
    const verdict = seriesDrift({ type: "numeric", baseline: new SortedDistribution(baseline), current: new SortedDistribution(current) });
    expect(verdict.statusMethod).toBe("ks");
    expect(verdict.status).toBe("alert");
    expect(verdict.results.find((r) => r.method === "ks")).toMatchObject({ warn: 0.05, alert: 0.005 });
  });

  it("grades categories by chi-squared or Jensen–Shannon by window size, as the exact computations on the counts", () => {
    const labels = (counts: Record<string, number>): string[] => Object.entries(counts).flatMap(([label, n]) => Array<string>(n).fill(label));
    const baseline = labels({ a: 4000, b: 3000, c: 2000, d: 1000 });
    const small = labels({ a: 30, b: 30, c: 20, d: 20 });
    const large = labels({ a: 3000, b: 3000, c: 2000, d: 2000 });
    const smallVerdict = seriesDrift({ type: "categorical", baseline: new CountedCategories(baseline), current: new CountedCategories(small) });
    expect(smallVerdict.statusMethod).toBe("chisquare");
    const chi = exactChiSquareHomogeneity(baseline, small);
    expect(smallVerdict.status).toBe(classify(chi.pValue, "pValue", { warn: 0.05, alert: 0.005 }));
    const largeVerdict = seriesDrift({ type: "categorical", baseline: new CountedCategories(baseline), current: new CountedCategories(large) });
    expect(largeVerdict.statusMethod).toBe("js");
    const js = exactCategoricalJensenShannon(baseline, large);
    expect(largeVerdict.results.find((r) => r.method === "js")!.value).toBeCloseTo(js, 12);
    expect(largeVerdict.status).toBe(js >= 0.1 ? "alert" : "ok");
  });

  it("grades by the configured method and levels, and falls back to the default where the method does not apply", () => {
    const baseline = normalSample(mulberry32(5), 5_000, 0, 1);
    const current = normalSample(mulberry32(6), 5_000, 0.2, 1);
    const pair = { type: "numeric" as const, baseline: new SortedDistribution(baseline), current: new SortedDistribution(current) };
    const settings = resolveFeatureSettings({ features: { x: { method: "psi", warn: 0.01, alert: 0.5 } } }, "v1", "x");
    const verdict = seriesDrift(pair, settings);
    expect(verdict).toMatchObject({ statusMethod: "psi", configured: true, status: "warn" });
    expect(verdict.results.find((r) => r.method === "psi")).toMatchObject({ warn: 0.01, alert: 0.5 });
    // Other methods keep their default levels.
    expect(verdict.results.find((r) => r.method === "js")).toMatchObject({ warn: 0.1, alert: 0.1 });
    const chisquare = seriesDrift(pair, resolveFeatureSettings({ defaults: { method: "chisquare" } }, "v1", "x"));
    expect(chisquare).toMatchObject({ statusMethod: "wasserstein", configured: false });
  });

  it("computes the deciding method even when only others are asked for", () => {
    const baseline = normalSample(mulberry32(7), 2_000, 0, 1);
    const verdict = seriesDrift({ type: "numeric", baseline: new SortedDistribution(baseline), current: new SortedDistribution(baseline) }, undefined, ["psi"]);
    expect(verdict.results.map((r) => r.method)).toEqual(["psi", "wasserstein"]);
    expect(verdict.status).toBe("ok");
  });
});

import { describe, expect, it } from "vitest";
import { CategoricalCounts } from "../sketch/categorical-counts.ts";
import { categoricalDrift } from "./categorical.ts";
import { exactCategoricalJensenShannon, exactCategoricalPsi, exactChiSquareHomogeneity } from "../../testing/drift/exact.ts";
import { categoricalSample, mulberry32 } from "../../testing/drift/prng.ts";

// The acceptance tests of issue 2, categorical half: below its cap the sketch's counts are
// exact, so drift from two sketches equals the exact statistic on the raw labels.
const SAMPLE_SIZE = 100_000;
const uniform = mulberry32(0xca7);

describe("categorical drift from category counts agrees with the exact statistics on 10⁵ labels", () => {
  const baselineMix = { web: 50, ios: 30, android: 15, kiosk: 4.99, fax: 0.01 };
  const baselineLabels = categoricalSample(uniform, SAMPLE_SIZE, baselineMix);
  const scenarios = [
    ["unchanged mix", categoricalSample(uniform, SAMPLE_SIZE, baselineMix), "ok"],
    ["shifted mix with a new category", categoricalSample(uniform, SAMPLE_SIZE, { web: 30, ios: 30, android: 35, kiosk: 5, partner: 0.02 }), "alert"],
  ] as const;

  function countsOf(labels: readonly string[]): CategoricalCounts {
    const counts = new CategoricalCounts();
    for (const label of labels) counts.add(label);
    return counts;
  }

  const baseline = countsOf(baselineLabels);

  it.each(scenarios)("%s", (_name, labels, expected) => {
    const [psi, js, chisquare] = categoricalDrift(baseline, countsOf(labels));
    expect(psi.value).toBeCloseTo(exactCategoricalPsi(baselineLabels, labels), 12);
    expect(js.value).toBeCloseTo(exactCategoricalJensenShannon(baselineLabels, labels), 12);
    const exactChi = exactChiSquareHomogeneity(baselineLabels, labels);
    expect(chisquare.value).toBeCloseTo(exactChi.statistic, 6);
    expect(chisquare.pValue).toBeCloseTo(exactChi.pValue, 12);
    expect([psi.status, js.status, chisquare.status]).toEqual([expected, expected, expected]);
  });
});

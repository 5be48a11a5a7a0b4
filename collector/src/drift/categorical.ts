import { jensenShannonDistance, populationStabilityIndex } from "./divergence.ts";
import { chiSquaredSurvival } from "./special.ts";
import { driftResult, noDataResult } from "./thresholds.ts";
import type { CategoricalDistribution, DriftOptions, DriftResult } from "./types.ts";
import { CATEGORICAL_DRIFT_METHODS } from "../series/drift-methods.ts";
import type { CategoricalDriftMethod } from "../series/drift-methods.ts";

/**
 * Categorical drift between a baseline and a current set of counts. The categories are the
 * union of both sides (a category missing on one side has count 0 there), as Evidently's
 * `get_binned_data` does for categorical features. An overflow bucket (`__other__`) is
 * compared like any category. An empty side gives `status: "no_data"`, never a throw.
 */

/** Counts of both sides aligned on the union of their categories (in first-seen order). */
export type AlignedCounts = {
  readonly categories: readonly string[];
  readonly baseline: Float64Array;
  readonly current: Float64Array;
  readonly baselineTotal: number;
  readonly currentTotal: number;
};

/** Aligns two count sets on the union of their categories; categories with zero count on both sides are dropped. */
export function alignCategories(baseline: CategoricalDistribution, current: CategoricalDistribution): AlignedCounts {
  const index = new Map<string, number>();
  const baselineCounts: number[] = [];
  const currentCounts: number[] = [];
  const slot = (category: string): number => {
    let i = index.get(category);
    if (i === undefined) {
      i = baselineCounts.length;
      index.set(category, i);
      baselineCounts.push(0);
      currentCounts.push(0);
    }
    return i;
  };
  let baselineTotal = 0;
  let currentTotal = 0;
  for (const [category, count] of baseline.entries()) {
    if (!(count > 0)) continue;
    baselineCounts[slot(category)] += count;
    baselineTotal += count;
  }
  for (const [category, count] of current.entries()) {
    if (!(count > 0)) continue;
    currentCounts[slot(category)] += count;
    currentTotal += count;
  }
  return {
    categories: [...index.keys()],
    baseline: Float64Array.from(baselineCounts),
    current: Float64Array.from(currentCounts),
    baselineTotal,
    currentTotal,
  };
}

function proportions(counts: Float64Array, total: number): Float64Array {
  return counts.map((count) => count / total);
}

/** PSI over the categories, a category absent on one side floored as Evidently does. */
export function categoricalPsi(
  baseline: CategoricalDistribution,
  current: CategoricalDistribution,
  options?: DriftOptions,
): DriftResult {
  const aligned = alignCategories(baseline, current);
  if (aligned.baselineTotal === 0 || aligned.currentTotal === 0) return noDataResult("psi", options);
  const value = populationStabilityIndex(
    proportions(aligned.baseline, aligned.baselineTotal),
    proportions(aligned.current, aligned.currentTotal),
  );
  return driftResult("psi", value, undefined, options);
}

/** Jensen–Shannon distance (natural log) of the category proportions. */
export function categoricalJensenShannon(
  baseline: CategoricalDistribution,
  current: CategoricalDistribution,
  options?: DriftOptions,
): DriftResult {
  const aligned = alignCategories(baseline, current);
  if (aligned.baselineTotal === 0 || aligned.currentTotal === 0) return noDataResult("js", options);
  return driftResult("js", jensenShannonDistance(aligned.baseline, aligned.current), undefined, options);
}

/**
 * Which chi-squared test {@link categoricalChiSquare} runs.
 * - `two-sample` (default): Pearson's test of homogeneity on the 2 × k table of baseline and
 *   current counts (scipy's `chi2_contingency(table, correction=False)`). Both sides are
 *   samples, and the test accounts for the baseline's own sampling noise.
 * - `goodness-of-fit`: Evidently's `chisquare`, the current counts against the counts the
 *   baseline's proportions predict (f_exp = baseline count · n_c/n_b), as if those proportions
 *   were exact. It over-rejects unless the baseline is much larger than the current window:
 *   with equal sizes its statistic is about twice a χ²(k − 1) variable under no drift.
 */
export const ChiSquareForm = {
  twoSample: "two-sample",
  goodnessOfFit: "goodness-of-fit",
} as const;

/** One of the {@link ChiSquareForm} values. */
export type ChiSquareForm = (typeof ChiSquareForm)[keyof typeof ChiSquareForm];

/** Options of {@link categoricalChiSquare}. */
export type ChiSquareOptions = DriftOptions & {
  /** The test to run; `two-sample` by default. */
  readonly form?: ChiSquareForm;
};

/**
 * Pearson's chi-squared test of the current category counts against the baseline's, with
 * k − 1 degrees of freedom over the k categories seen on either side; the status follows the
 * p-value. See {@link ChiSquareForm} for the two forms. In the goodness-of-fit form a category
 * the baseline never saw has an expected count of 0, so any current count there makes the
 * statistic infinite and the p-value 0 (as scipy's `chisquare`). With a single category
 * nothing can shift: statistic 0, p-value 1.
 */
export function categoricalChiSquare(
  baseline: CategoricalDistribution,
  current: CategoricalDistribution,
  options?: ChiSquareOptions,
): DriftResult {
  const aligned = alignCategories(baseline, current);
  if (aligned.baselineTotal === 0 || aligned.currentTotal === 0) return noDataResult("chisquare", options);
  const statistic =
    (options?.form ?? ChiSquareForm.twoSample) === ChiSquareForm.twoSample
      ? homogeneityStatistic(aligned)
      : goodnessOfFitStatistic(aligned);
  const degreesOfFreedom = aligned.categories.length - 1;
  const pValue = degreesOfFreedom > 0 ? chiSquaredSurvival(statistic, degreesOfFreedom) : 1;
  return driftResult("chisquare", statistic, pValue, options);
}

/** Σ over both rows of (O − E)²/E, with E from the pooled proportions. */
function homogeneityStatistic(aligned: AlignedCounts): number {
  const grandTotal = aligned.baselineTotal + aligned.currentTotal;
  let statistic = 0;
  for (let i = 0; i < aligned.categories.length; i++) {
    // alignCategories drops categories empty on both sides, so the pooled share is > 0.
    const pooledShare = (aligned.baseline[i] + aligned.current[i]) / grandTotal;
    const expectedBaseline = aligned.baselineTotal * pooledShare;
    const expectedCurrent = aligned.currentTotal * pooledShare;
    statistic += (aligned.baseline[i] - expectedBaseline) ** 2 / expectedBaseline;
    statistic += (aligned.current[i] - expectedCurrent) ** 2 / expectedCurrent;
  }
  return statistic;
}

/** Σ (O − E)²/E of the current counts against baseline counts scaled to the current total. */
function goodnessOfFitStatistic(aligned: AlignedCounts): number {
  const scale = aligned.currentTotal / aligned.baselineTotal;
  let statistic = 0;
  for (let i = 0; i < aligned.categories.length; i++) {
    const expected = aligned.baseline[i] * scale;
    const observed = aligned.current[i];
    statistic += expected > 0 ? (observed - expected) ** 2 / expected : Number.POSITIVE_INFINITY;
  }
  return statistic;
}

/** Per-method options for {@link categoricalDrift}. */
export type CategoricalDriftOptions = {
  readonly methods?: readonly CategoricalDriftMethod[];
  readonly psi?: DriftOptions;
  readonly js?: DriftOptions;
  readonly chisquare?: ChiSquareOptions;
};

/** Runs the chosen categorical methods (all three by default) on one baseline/current pair. */
export function categoricalDrift(
  baseline: CategoricalDistribution,
  current: CategoricalDistribution,
  options: CategoricalDriftOptions = {},
): DriftResult[] {
  const methods = options.methods ?? CATEGORICAL_DRIFT_METHODS;
  return methods.map((method) => {
    switch (method) {
      case "psi":
        return categoricalPsi(baseline, current, options.psi);
      case "js":
        return categoricalJensenShannon(baseline, current, options.js);
      case "chisquare":
        return categoricalChiSquare(baseline, current, options.chisquare);
    }
  });
}

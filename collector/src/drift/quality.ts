import type { CategoricalDistribution, NumericDistribution } from "./types.ts";

/**
 * Data quality of a window against the baseline (docs/drift.md, "Data quality"): ratios that a
 * drift distance hides, because a feature that turns null or leaves the training range may move
 * no distribution much. Each is NaN when the window has nothing to divide by.
 */

/**
 * Share of the expected values that are missing: `present` values of the feature out of
 * `expected` (the predictions of the version in the window, or the baseline's rows). A value is
 * missing when it is null, NaN or ±∞, or absent from a prediction that the feature belongs to:
 * all three reach the collector as "no finite value", so the baseline (rows − values) and the
 * traffic (predictions − values) count them the same way.
 */
export function missingRatio(present: number, expected: number): number {
  if (!(expected > 0)) return Number.NaN;
  return Math.min(1, Math.max(0, 1 - present / expected));
}

/**
 * Share of the window's values outside the baseline's [min, max]. 0 exactly when the window's
 * own min and max lie inside (a digest keeps both exactly); otherwise read from the window's CDF
 * at the two bounds, so within the digest's rank error near the tails (docs/sketches.md).
 */
export function outOfRangeRatio(baseline: NumericDistribution, current: NumericDistribution): number {
  if (!(current.count > 0) || !(baseline.count > 0)) return Number.NaN;
  const low = baseline.min;
  const high = baseline.max;
  if (current.min >= low && current.max <= high) return 0;
  // Strictly below low: the CDF just under it. Strictly above high: 1 − F(high).
  const below = current.min < low ? current.cdf(low - Math.max(Math.abs(low), 1) * Number.EPSILON * 4) : 0;
  const above = current.max > high ? 1 - current.cdf(high) : 0;
  return Math.min(1, Math.max(0, below + above));
}

/**
 * Share of the window's values whose category the baseline never saw. Exact while both sides
 * are under the category cap; once the baseline has overflowed into `__other__`, a category it
 * lumped there counts as new, so the ratio is an upper bound.
 */
export function newCategoryRatio(baseline: CategoricalDistribution, current: CategoricalDistribution): number {
  const known = new Set<string>();
  for (const [category, count] of baseline.entries()) if (count > 0) known.add(category);
  let total = 0;
  let unseen = 0;
  for (const [category, count] of current.entries()) {
    if (!(count > 0)) continue;
    total += count;
    if (!known.has(category)) unseen += count;
  }
  return total > 0 ? unseen / total : Number.NaN;
}

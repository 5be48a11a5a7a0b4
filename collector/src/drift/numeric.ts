import { binProportions, isWholeNumbered, quantileBinEdges } from "./binning.ts";
import { hellingerDistance, jensenShannonDistance, populationStabilityIndex } from "./divergence.ts";
import { quantileGrid } from "./quantile-grid.ts";
import { ksTwoSamplePValue } from "./special.ts";
import { driftResult, noDataResult } from "./thresholds.ts";
import type { BinnedDriftOptions, DriftOptions, DriftResult, NumericDistribution } from "./types.ts";
import { NUMERIC_DRIFT_METHODS } from "../series/drift-methods.ts";
import type { NumericDriftMethod } from "../series/drift-methods.ts";

/**
 * Numeric drift between a baseline and a current distribution (two t-digests in production,
 * exact sorted arrays in the tests). Every function reads the distributions only through
 * `quantile`, `cdf`, `count` and `variance`, so its error is the sketch's error plus a grid
 * error that docs/drift.md bounds. An empty side gives `status: "no_data"`, never a throw.
 */

/** Bins of the numeric PSI: the baseline's deciles (DESIGN.md). */
export const PSI_BIN_COUNT = 10;
/**
 * Bins of the numeric JS and Hellinger: 20 equal-mass baseline bins, close to the ~19
 * Sturges bins Evidently would use for 10⁵ values but placed by quantile, so an outlier
 * cannot squeeze the whole distribution into one bin.
 */
export const DISTANCE_BIN_COUNT = 20;
/**
 * Evidently's floor on the baseline standard deviation in the normed Wasserstein distance
 * (`max(np.std(reference), 0.001)`), which keeps a constant baseline from dividing by zero.
 */
export const MIN_WASSERSTEIN_NORM = 0.001;

function isEmpty(distribution: NumericDistribution): boolean {
  return !(distribution.count > 0);
}

function binnedPair(baseline: NumericDistribution, current: NumericDistribution, binCount: number): [Float64Array, Float64Array] {
  const edges = quantileBinEdges(baseline, binCount, isWholeNumbered(baseline, current));
  return [binProportions(baseline, edges), binProportions(current, edges)];
}

/** PSI over the baseline's deciles (or `binCount` equal-mass bins), empty bins floored as Evidently does. */
export function numericPsi(baseline: NumericDistribution, current: NumericDistribution, options?: BinnedDriftOptions): DriftResult {
  if (isEmpty(baseline) || isEmpty(current)) return noDataResult("psi", options);
  const [b, c] = binnedPair(baseline, current, options?.binCount ?? PSI_BIN_COUNT);
  return driftResult("psi", populationStabilityIndex(b, c), undefined, options);
}

/** Jensen–Shannon distance (natural log) over 20 equal-mass baseline bins (or `binCount`). */
export function numericJensenShannon(
  baseline: NumericDistribution,
  current: NumericDistribution,
  options?: BinnedDriftOptions,
): DriftResult {
  if (isEmpty(baseline) || isEmpty(current)) return noDataResult("js", options);
  const [b, c] = binnedPair(baseline, current, options?.binCount ?? DISTANCE_BIN_COUNT);
  return driftResult("js", jensenShannonDistance(b, c), undefined, options);
}

/** Hellinger distance over 20 equal-mass baseline bins (or `binCount`). */
export function numericHellinger(
  baseline: NumericDistribution,
  current: NumericDistribution,
  options?: BinnedDriftOptions,
): DriftResult {
  if (isEmpty(baseline) || isEmpty(current)) return noDataResult("hellinger", options);
  const [b, c] = binnedPair(baseline, current, options?.binCount ?? DISTANCE_BIN_COUNT);
  return driftResult("hellinger", hellingerDistance(b, c), undefined, options);
}

/**
 * Two-sample Kolmogorov–Smirnov: D = sup over x of |F_b(x) − F_c(x)|, taken over the quantile
 * points of both distributions on the shared grid (where either CDF moves), with the p-value
 * of scipy's `ks_2samp(method="asymp")` for the two counts. The status follows the p-value.
 */
export function numericKs(baseline: NumericDistribution, current: NumericDistribution, options?: DriftOptions): DriftResult {
  if (isEmpty(baseline) || isEmpty(current)) return noDataResult("ks", options);
  const { levels } = quantileGrid();
  // Whole-number data is read at half-integers: the ECDF is flat between whole numbers, so
  // F(k + ½) = F(k) exactly, and there a sketch's CDF is accurate, unlike at the ties themselves.
  const wholeNumbers = isWholeNumbered(baseline, current);
  const scratch = gridScratch();
  let d = 0;
  for (const distribution of [baseline, current]) {
    // Both CDFs are read at the distribution's grid quantiles, which are non-decreasing in the
    // level, so each side is one sweep (quantilesOf, cdfsOf).
    const xs = quantilesOf(distribution, levels, scratch.quantiles);
    if (wholeNumbers) for (let i = 0; i < xs.length; i++) xs[i] = Math.floor(xs[i]) + 0.5;
    const fb = cdfsOf(baseline, xs, scratch.baseline);
    const fc = cdfsOf(current, xs, scratch.current);
    for (let i = 0; i < xs.length; i++) {
      const gap = Math.abs(fb[i] - fc[i]);
      if (gap > d) d = gap;
    }
  }
  return driftResult("ks", d, ksTwoSamplePValue(d, baseline.count, current.count), options);
}

/**
 * Wasserstein-1 distance ∫₀¹ |Q_b(q) − Q_c(q)| dq (equal to scipy's `wasserstein_distance`),
 * integrated on the shared grid, divided by max(σ_b, 0.001) with σ_b the baseline's population
 * standard deviation, as Evidently's `wasserstein` method.
 */
export function numericWasserstein(
  baseline: NumericDistribution,
  current: NumericDistribution,
  options?: DriftOptions,
): DriftResult {
  if (isEmpty(baseline) || isEmpty(current)) return noDataResult("wasserstein", options);
  const { levels, weights } = quantileGrid();
  const scratch = gridScratch();
  const b = quantilesOf(baseline, levels, scratch.baseline);
  const c = quantilesOf(current, levels, scratch.current);
  let distance = 0;
  for (let i = 0; i < levels.length; i++) distance += weights[i] * Math.abs(b[i] - c[i]);
  const norm = Math.max(Math.sqrt(Math.max(0, baseline.variance)), MIN_WASSERSTEIN_NORM);
  return driftResult("wasserstein", distance / norm, undefined, options);
}

/** Scratch arrays for one grid's worth of values, reused by every call (nothing here is re-entrant). */
let scratchArrays: { quantiles: Float64Array; baseline: Float64Array; current: Float64Array } | undefined;

function gridScratch(): { quantiles: Float64Array; baseline: Float64Array; current: Float64Array } {
  const n = quantileGrid().levels.length;
  if (scratchArrays === undefined) scratchArrays = { quantiles: new Float64Array(n), baseline: new Float64Array(n), current: new Float64Array(n) };
  return scratchArrays;
}

/** `distribution.quantile` at each of `levels` (ascending): one sweep when the distribution has one. */
function quantilesOf(distribution: NumericDistribution, levels: Float64Array, out: Float64Array): Float64Array {
  if (distribution.quantiles !== undefined) return distribution.quantiles(levels, out);
  for (let i = 0; i < levels.length; i++) out[i] = distribution.quantile(levels[i]);
  return out;
}

/** `distribution.cdf` at each of `xs` (non-decreasing): one sweep when the distribution has one. */
function cdfsOf(distribution: NumericDistribution, xs: Float64Array, out: Float64Array): Float64Array {
  if (distribution.cdfs !== undefined) return distribution.cdfs(xs, out);
  for (let i = 0; i < xs.length; i++) out[i] = distribution.cdf(xs[i]);
  return out;
}

/** Per-method options for {@link numericDrift}. */
export type NumericDriftOptions = {
  readonly methods?: readonly NumericDriftMethod[];
  readonly psi?: BinnedDriftOptions;
  readonly ks?: DriftOptions;
  readonly js?: BinnedDriftOptions;
  readonly wasserstein?: DriftOptions;
  readonly hellinger?: BinnedDriftOptions;
};

/** Runs the chosen numeric methods (all five by default) on one baseline/current pair. */
export function numericDrift(
  baseline: NumericDistribution,
  current: NumericDistribution,
  options: NumericDriftOptions = {},
): DriftResult[] {
  const methods = options.methods ?? NUMERIC_DRIFT_METHODS;
  return methods.map((method) => {
    switch (method) {
      case "psi":
        return numericPsi(baseline, current, options.psi);
      case "ks":
        return numericKs(baseline, current, options.ks);
      case "js":
        return numericJensenShannon(baseline, current, options.js);
      case "wasserstein":
        return numericWasserstein(baseline, current, options.wasserstein);
      case "hellinger":
        return numericHellinger(baseline, current, options.hellinger);
    }
  });
}

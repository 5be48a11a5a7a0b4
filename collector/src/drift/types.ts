/**
 * The contracts the drift statistics are written against. They are structural on purpose: the
 * t-digest and the categorical counts in `../sketch/` satisfy them, and so does an exact
 * distribution over a sorted array, which is how the tests check the formulas apart from the
 * sketch error.
 */
import type { DriftMethod } from "../series/drift-methods.ts";

/**
 * A one-dimensional numeric distribution, as a t-digest summarizes one.
 * Invariant: `count === 0` means empty, and then no other member is consulted.
 */
export interface NumericDistribution {
  /** Total weight (number of values) folded in. */
  readonly count: number;
  /** Smallest value seen. */
  readonly min: number;
  /** Largest value seen. */
  readonly max: number;
  /** Arithmetic mean. */
  readonly mean: number;
  /**
   * Population variance (divisor n, as numpy's `np.std` default `ddof=0`, which is what
   * Evidently normalizes the Wasserstein distance by).
   */
  readonly variance: number;
  /** Value below which a fraction `q` (0 ≤ q ≤ 1) of the weight lies. Non-decreasing in `q`. */
  quantile(q: number): number;
  /** Fraction of the weight at or below `x`, in [0, 1]. Non-decreasing in `x`. */
  cdf(x: number): number;
  /** `quantile` at each of `levels` (non-decreasing) into `out`, when the distribution has a faster way than one call per level. */
  quantiles?(levels: ArrayLike<number>, out: Float64Array): Float64Array;
  /** `cdf` at each of `xs` (non-decreasing) into `out`, when the distribution has a faster way than one call per point. */
  cdfs?(xs: ArrayLike<number>, out: Float64Array): Float64Array;
  /**
   * True when every value is a whole number (a `TDigest` tracks it). When both sides say so, the
   * distribution is read only between whole numbers (docs/drift.md, "Whole-number features").
   */
  readonly integers?: boolean;
}

/**
 * Counts per category, as the categorical sketch keeps them (an overflow bucket such as
 * `__other__` is just another category here).
 */
export interface CategoricalDistribution {
  /** Sum of all counts. */
  readonly total: number;
  /** Every category with its count; counts are non-negative. */
  entries(): Iterable<readonly [string, number]>;
}

/** Drift status, from the method's thresholds; `no_data` when either side is empty. */
export type DriftStatus = "ok" | "warn" | "alert" | "no_data";

/**
 * Which number the thresholds are compared with: a distance (`value`, higher is worse) or a
 * test's p-value (`pValue`, lower is worse).
 */
export type ThresholdSubject = "value" | "pValue";

/** Warn and alert levels of one method. */
export type DriftThresholds = {
  /** Level at which the status becomes `warn`. */
  readonly warn: number;
  /** Level at which the status becomes `alert`. */
  readonly alert: number;
};

/** The outcome of one drift method on one (baseline, current) pair. */
export type DriftResult = {
  readonly method: DriftMethod;
  /**
   * The statistic: the distance for psi/js/wasserstein/hellinger, D for ks, the chi-squared
   * statistic for chisquare. NaN when `status` is `no_data`.
   */
  readonly value: number;
  /** The p-value, for ks and chisquare only (NaN when `status` is `no_data`). */
  readonly pValue?: number;
  /** Which of `value` or `pValue` the thresholds apply to. */
  readonly thresholdsApplyTo: ThresholdSubject;
  readonly warn: number;
  readonly alert: number;
  readonly status: DriftStatus;
};

/** Per-call options shared by every method. */
export type DriftOptions = {
  /** Overrides of the method's default thresholds (a model may set its own). */
  readonly thresholds?: Partial<DriftThresholds>;
};

/** Options of the numeric methods that bin the data at baseline quantiles (psi, js, hellinger). */
export type BinnedDriftOptions = DriftOptions & {
  /** Number of equal-mass baseline bins (psi: 10, js and hellinger: 20 by default). */
  readonly binCount?: number;
};

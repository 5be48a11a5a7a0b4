import type { TDigest } from "../sketch/tdigest.ts";

/** Regression figures of a set of joined pairs (docs/accuracy.md). */
export type RegressionMetrics = {
  /** Joined pairs counted. */
  pairs: number;
  /** Mean |predicted − actual|; NaN without pairs. */
  mae: number;
  /** √(mean (predicted − actual)²); NaN without pairs. */
  rmse: number;
  /** Mean |predicted − actual| / |actual| over the pairs whose actual ≠ 0, as a fraction (scikit-learn's scale); NaN when none. */
  mape: number;
  /** Pairs left out of MAPE because their actual was 0. */
  mapeExcluded: number;
};

/**
 * MAE, RMSE and MAPE from the digests the store keeps per minute: the signed error, the absolute
 * error and the absolute percentage error. Every figure comes from the digests' exact running
 * sums and moments, not from centroids, so it is exact whatever the compression.
 */
export function regressionMetrics(error: TDigest, absoluteError: TDigest, absolutePercentageError: TDigest): RegressionMetrics {
  const pairs = error.count;
  if (pairs === 0) return { pairs: 0, mae: NaN, rmse: NaN, mape: NaN, mapeExcluded: 0 };
  // E[e²] = Var(e) + E[e]²: the digest keeps both exactly (Welford), so no sum of squares overflows.
  const mean = error.mean;
  const rmse = Math.sqrt(Math.max(0, error.variance + mean * mean));
  const mapeCount = absolutePercentageError.count;
  return {
    pairs,
    mae: absoluteError.count === 0 ? NaN : absoluteError.sum / absoluteError.count,
    rmse,
    mape: mapeCount === 0 ? NaN : absolutePercentageError.sum / mapeCount,
    mapeExcluded: Math.max(0, absoluteError.count - mapeCount),
  };
}

/**
 * Trend functions of a range vector: deriv and predict_linear (least-squares regression, ported
 * from prometheus/promql/functions.go `linearRegression`, times relative to an intercept time to
 * keep precision) and double_exponential_smoothing (Prometheus 2's holt_winters).
 */
import type { RangeSeries } from "./values.ts";
import { kahanAdd } from "./values.ts";
import { executionError } from "./errors.ts";

/** Slope and intercept at `interceptMs` of the least-squares line through the window's samples. */
function linearRegression(s: RangeSeries, interceptMs: number): { slope: number; intercept: number } {
  const { timestamps: t, values: v, from, to } = s;
  let n = 0;
  let sumX = 0, cX = 0, sumY = 0, cY = 0, sumXY = 0, cXY = 0, sumX2 = 0, cX2 = 0;
  const initY = v[from];
  let constY = true;
  for (let i = from; i < to; i++) {
    if (constY && i > from && v[i] !== initY) constY = false;
    n++;
    const x = (t[i] - interceptMs) / 1000;
    [sumX, cX] = kahanAdd(x, sumX, cX);
    [sumY, cY] = kahanAdd(v[i], sumY, cY);
    [sumXY, cXY] = kahanAdd(x * v[i], sumXY, cXY);
    [sumX2, cX2] = kahanAdd(x * x, sumX2, cX2);
  }
  if (constY) return initY === Infinity || initY === -Infinity ? { slope: NaN, intercept: NaN } : { slope: 0, intercept: initY };
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return { slope, intercept };
}

/** deriv(v[r]): the per-second slope; fewer than two samples give no result. */
export function deriv(s: RangeSeries): number | undefined {
  if (s.to - s.from < 2) return undefined;
  return linearRegression(s, s.timestamps[s.from]).slope;
}

/**
 * predict_linear(v[r], t): the line's value `durationS` seconds after the evaluation time (as in
 * Prometheus, the evaluation time, not the window's end: with `offset` the prediction reaches
 * further).
 */
export function predictLinear(s: RangeSeries, evalTimeMs: number, durationS: number): number | undefined {
  if (s.to - s.from < 2) return undefined;
  const { slope, intercept } = linearRegression(s, evalTimeMs);
  return slope * durationS + intercept;
}

/** double_exponential_smoothing(v[r], sf, tf) (holt_winters in Prometheus 2): the smoothed value; both factors must lie strictly between 0 and 1. */
export function holtWinters(s: RangeSeries, sf: number, tf: number): number | undefined {
  if (!(sf > 0 && sf < 1)) throw executionError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf.toFixed(6)}`);
  if (!(tf > 0 && tf < 1)) throw executionError(`invalid trend factor. Expected: 0 < tf < 1, got: ${tf.toFixed(6)}`);
  const { values: v, from, to } = s;
  const n = to - from;
  if (n < 2) return undefined;
  let s1 = v[from];
  let b = v[from + 1] - v[from];
  let s0 = s1;
  for (let i = 1; i < n; i++) {
    // The trend after the first step: tf × (smoothed change) + (1 − tf) × previous trend.
    if (i > 1) b = tf * (s1 - s0) + (1 - tf) * b;
    s0 = s1;
    s1 = sf * v[from + i] + (1 - sf) * (s0 + b);
  }
  return s1;
}

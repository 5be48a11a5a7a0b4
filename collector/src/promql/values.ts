/**
 * Values flowing through the evaluator at one evaluation time. A range query evaluates the
 * expression at each step; these are the per-step values.
 */
import type { Labels } from "./source.ts";

/** One element of an instant vector. */
export type Sample = { labels: Labels; value: number };

/**
 * The samples of one series inside a range selector's window: indexes [from, to) into the
 * series' arrays, so a window costs no copy.
 */
export type RangeSeries = { labels: Labels; timestamps: Float64Array; values: Float64Array; from: number; to: number };

/** A value of one of PromQL's four types. */
export type Value =
  | { type: "scalar"; value: number }
  | { type: "string"; value: string }
  | { type: "vector"; samples: Sample[] }
  | { type: "matrix"; series: RangeSeries[] };

/** Index of the first element of the ascending array greater than x (binary search). */
export function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Kahan–Babuška summation step, as Prometheus' `kahanSumInc`, so sums agree with Prometheus to the last bit more often. */
export function kahanAdd(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  let comp = c;
  if (!Number.isFinite(t)) comp = 0;
  else if (Math.abs(sum) >= Math.abs(inc)) comp += sum - t + inc;
  else comp += inc - t + sum;
  return [t, comp];
}

/**
 * Prometheus' quantile over values (linear interpolation between closest ranks); sorts in place.
 * NaN sorts first, as in Prometheus' `vectorByValueHeap` (a plain `a - b` comparator leaves NaN
 * wherever it was: issue 12).
 */
export function quantileOf(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  values.sort(nanFirst);
  const n = values.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return values[lower] * (1 - weight) + values[upper] * weight;
}

/** Ascending order with NaN before every number, as Prometheus sorts values for quantiles. */
export function nanFirst(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The mean of values in order, as Prometheus computes `avg` and `avg_over_time`: a Kahan sum
 * while it stays finite, then an incremental mean (each value divided by the count before it is
 * added) so values near ±1.8e308 do not overflow to ±Inf (issue 12).
 */
export function meanOf(values: ArrayLike<number>, from: number, to: number): number {
  // A port of the AVG case of Prometheus 3's aggregation.go, used for avg_over_time as well.
  let sum = 0;
  let c = 0;
  let mean = 0;
  let count = 0;
  let incremental = false;
  for (let i = from; i < to; i++) {
    const v = values[i];
    count++;
    if (count === 1) {
      sum = v;
      continue;
    }
    if (!incremental) {
      const [next, nextC] = kahanAdd(v, sum, c);
      if (next !== Infinity && next !== -Infinity) {
        sum = next;
        c = nextC;
        continue;
      }
      // The sum would overflow: from here on, an incremental mean.
      incremental = true;
      mean = sum / (count - 1);
      c /= count - 1;
    }
    if (mean === Infinity || mean === -Infinity) {
      // An infinite mean stays so unless a NaN or an infinity of the other sign arrives.
      if ((v === Infinity || v === -Infinity) && mean > 0 === v > 0) continue;
      if (Number.isFinite(v)) continue;
    }
    const current = mean + c;
    [mean, c] = kahanAdd(v / count - current / count, mean, c);
  }
  if (count === 0) return NaN;
  return incremental ? mean + c : (sum + c) / count;
}

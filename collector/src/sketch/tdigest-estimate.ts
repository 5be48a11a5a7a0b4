/**
 * Quantile and CDF estimates from a digest's centroids, min and max.
 *
 * The estimate is one piecewise-linear, non-decreasing function from rank (0 … n) to value,
 * and `cdfAt` is its inverse, so `cdf(quantile(q)) ≈ q` holds by construction:
 *  - rank [0, 1] is min and [n − 1, n] is max (they are real values, kept exactly);
 *  - between centroid centres (each centroid's rank centre is its cumulative weight minus half
 *    its own) the value is interpolated linearly;
 *  - a centroid of weight 1 is a single value, so it occupies a flat rank interval of width 1
 *    instead of a point (this keeps small digests exact);
 *  - from min to the first centre and from the last centre to max, linearly as well.
 */

/** Centroids and bounds of a flushed digest; `count` ≥ 1 and `totalWeight` = Σ weights. */
export type CentroidView = {
  means: Float64Array;
  weights: Float64Array;
  count: number;
  totalWeight: number;
  min: number;
  max: number;
};

/** The value at quantile q ∈ [0, 1] (validated by the caller). */
export function quantileAt(d: CentroidView, q: number): number {
  const { means, weights, count: n, totalWeight: total, min, max } = d;
  const index = q * total;
  if (index < 1) return min;
  if (index > total - 1) return max;
  if (n === 1) {
    // One centroid of weight w ≥ 2 between min and max: interpolate through its centre.
    const centre = total / 2;
    return index <= centre
      ? interpolate(min, means[0], (index - 1) / (centre - 1))
      : interpolate(means[0], max, (index - centre) / (total - 1 - centre));
  }
  const w0 = weights[0];
  if (index < w0 / 2) return interpolate(min, means[0], (index - 1) / (w0 / 2 - 1));
  const wLast = weights[n - 1];
  if (total - index < wLast / 2) return interpolate(max, means[n - 1], (total - index - 1) / (wLast / 2 - 1));

  let centre = w0 / 2;
  for (let i = 0; i < n - 1; i++) {
    const nextCentre = centre + (weights[i] + weights[i + 1]) / 2;
    if (index < nextCentre) {
      const lo = weights[i] === 1 ? centre + 0.5 : centre;
      const hi = weights[i + 1] === 1 ? nextCentre - 0.5 : nextCentre;
      if (index <= lo) return means[i];
      if (index >= hi) return means[i + 1];
      return interpolate(means[i], means[i + 1], (index - lo) / (hi - lo));
    }
    centre = nextCentre;
  }
  return means[n - 1];
}

/** The fraction of the weight at or below x: the inverse of {@link quantileAt}. */
export function cdfAt(d: CentroidView, x: number): number {
  const { means, weights, count: n, totalWeight: total, min, max } = d;
  if (x < min) return 0;
  if (x >= max) return 1;
  // From here min ≤ x < max, so there are at least two distinct values and total ≥ 2.
  if (n === 1) {
    const centre = total / 2;
    if (x < means[0]) return (1 + inverse(min, means[0], x) * (centre - 1)) / total;
    return (centre + inverse(means[0], max, x) * (total - 1 - centre)) / total;
  }
  const w0 = weights[0];
  if (x < means[0]) return (1 + inverse(min, means[0], x) * Math.max(0, w0 / 2 - 1)) / total;
  const wLast = weights[n - 1];
  if (x >= means[n - 1]) {
    return (total - 1 - inverse(max, means[n - 1], x) * Math.max(0, wLast / 2 - 1)) / total;
  }
  // means[0] ≤ x < means[n − 1]: find the last i with means[i] ≤ x.
  let centre = w0 / 2;
  let i = 0;
  while (means[i + 1] <= x) {
    centre += (weights[i] + weights[i + 1]) / 2;
    i++;
  }
  const nextCentre = centre + (weights[i] + weights[i + 1]) / 2;
  const lo = weights[i] === 1 ? centre + 0.5 : centre;
  const hi = weights[i + 1] === 1 ? nextCentre - 0.5 : nextCentre;
  return (lo + inverse(means[i], means[i + 1], x) * (hi - lo)) / total;
}

/**
 * {@link quantileAt} at each of `levels` (non-decreasing, each in [0, 1]) into `out`, in one pass
 * over the centroids instead of one per level: the scan for a level resumes where the previous
 * one stopped, adding the same centre offsets in the same order, so every value is bit-identical
 * to `quantileAt(d, level)`. KS and Wasserstein read 2 048 levels per side (docs/drift.md).
 */
export function quantilesAt(d: CentroidView, levels: ArrayLike<number>, out: Float64Array): Float64Array {
  const { means, weights, count: n, totalWeight: total, min, max } = d;
  if (n === 1) {
    for (let k = 0; k < levels.length; k++) out[k] = quantileAt(d, levels[k]);
    return out;
  }
  const w0 = weights[0];
  const wLast = weights[n - 1];
  let i = 0;
  let centre = w0 / 2;
  let previous = -Infinity;
  for (let k = 0; k < levels.length; k++) {
    const index = levels[k] * total;
    // A level below the previous one starts the scan over (callers pass ascending levels).
    if (index < previous) {
      i = 0;
      centre = w0 / 2;
    }
    previous = index;
    if (index < 1) out[k] = min;
    else if (index > total - 1) out[k] = max;
    else if (index < w0 / 2) out[k] = interpolate(min, means[0], (index - 1) / (w0 / 2 - 1));
    else if (total - index < wLast / 2) out[k] = interpolate(max, means[n - 1], (total - index - 1) / (wLast / 2 - 1));
    else {
      let value = means[n - 1];
      for (; i < n - 1; i++) {
        const nextCentre = centre + (weights[i] + weights[i + 1]) / 2;
        if (index < nextCentre) {
          const lo = weights[i] === 1 ? centre + 0.5 : centre;
          const hi = weights[i + 1] === 1 ? nextCentre - 0.5 : nextCentre;
          value = index <= lo ? means[i] : index >= hi ? means[i + 1] : interpolate(means[i], means[i + 1], (index - lo) / (hi - lo));
          break;
        }
        centre = nextCentre;
      }
      out[k] = value;
    }
  }
  return out;
}

/**
 * {@link cdfAt} at each of `xs` (non-decreasing, none NaN) into `out`, in one pass over the
 * centroids; bit-identical to `cdfAt(d, x)` for the reason {@link quantilesAt} gives.
 */
export function cdfsAt(d: CentroidView, xs: ArrayLike<number>, out: Float64Array): Float64Array {
  const { means, weights, count: n, totalWeight: total } = d;
  if (n === 1) {
    for (let k = 0; k < xs.length; k++) out[k] = cdfAt(d, xs[k]);
    return out;
  }
  let i = 0;
  let centre = weights[0] / 2;
  let previous = -Infinity;
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k];
    // A point below the previous one starts the scan over (callers pass non-decreasing points).
    if (x < previous) {
      i = 0;
      centre = weights[0] / 2;
    }
    previous = x;
    if (x < d.min || x >= d.max || x < means[0] || x >= means[n - 1]) {
      out[k] = cdfAt(d, x);
      continue;
    }
    while (means[i + 1] <= x) {
      centre += (weights[i] + weights[i + 1]) / 2;
      i++;
    }
    const nextCentre = centre + (weights[i] + weights[i + 1]) / 2;
    const lo = weights[i] === 1 ? centre + 0.5 : centre;
    const hi = weights[i + 1] === 1 ? nextCentre - 0.5 : nextCentre;
    out[k] = (lo + inverse(means[i], means[i + 1], x) * (hi - lo)) / total;
  }
  return out;
}

/** a + t·(b − a), exact at t = 0 and t = 1 and never outside [a, b]. */
function interpolate(a: number, b: number, t: number): number {
  if (!(t > 0)) return a;
  if (t >= 1) return b;
  const v = a + t * (b - a);
  return a <= b ? Math.min(Math.max(v, a), b) : Math.min(Math.max(v, b), a);
}

/** Where x lies between a and b as a fraction in [0, 1]; 0 when a = b. */
function inverse(a: number, b: number, x: number): number {
  if (a === b) return 0;
  const t = (x - a) / (b - a);
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/**
 * Exact references the sketch estimates are checked against: sorted-array quantiles and the
 * empirical CDF. Not part of the public API.
 */

/** A sorted copy of `values` (ascending). */
export function sortedCopy(values: Float64Array): Float64Array {
  return Float64Array.from(values).sort();
}

/** The exact q-quantile of sorted data: the smallest x with F(x) ≥ q (x₍₁₎ at q = 0). */
export function exactQuantile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))];
}

/** The exact empirical CDF F(x) = #{v ≤ x} / n of sorted data, by binary search. */
export function empiricalCdf(sorted: Float64Array, x: number): number {
  return countBelow(sorted, x, true) / sorted.length;
}

/** How many sorted values are < x (or ≤ x when `inclusive`), by binary search. */
function countBelow(sorted: Float64Array, x: number, inclusive: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x || (inclusive && sorted[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The rank error of an estimated quantile: how far q lies outside the band of ranks that the
 * estimate occupies in the data, [F(x⁻), F(x)]. 0 when the estimate is a value whose rank
 * interval contains q (so duplicates are not penalized), otherwise the distance in q.
 */
export function rankError(sorted: Float64Array, q: number, estimate: number): number {
  const below = countBelow(sorted, estimate, false) / sorted.length;
  const atOrBelow = empiricalCdf(sorted, estimate);
  if (q < below) return below - q;
  if (q > atOrBelow) return q - atOrBelow;
  return 0;
}

/** |estimate − exact| / |exact| (absolute error when exact is 0). */
export function relativeError(estimate: number, exact: number): number {
  return exact === 0 ? Math.abs(estimate) : Math.abs(estimate - exact) / Math.abs(exact);
}

import { chiSquaredSurvival, ksTwoSamplePValue } from "../../src/drift/special.ts";
import { sortedQuantile, upperBound } from "./sorted-distribution.ts";

/**
 * Every drift method computed exactly on raw arrays, the way Evidently and scipy compute it,
 * written from the definitions in docs/drift.md without reusing the production code (only the
 * special functions, which special.test.ts checks against scipy). The sketch results are held
 * to these within the tolerances docs/drift.md states.
 */

function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Evidently's `feel_zeroes`: zeros → min(non-zero)/1e6 if that min ≤ 1e-4, else 1e-4. */
function feelZeroes(percents: number[]): number[] {
  const nonZero = percents.filter((p) => p !== 0);
  const smallest = Math.min(...nonZero);
  const replacement = smallest <= 0.0001 ? smallest / 10 ** 6 : 0.0001;
  return percents.map((p) => (p === 0 ? replacement : p));
}

/** Proportions of `values` in right-closed bins between the baseline's k/binCount quantiles (repeated edges merged). */
export function exactBinProportions(baseline: ArrayLike<number>, values: ArrayLike<number>, binCount: number): number[] {
  const sortedBaseline = sortedCopy(baseline);
  const edges: number[] = [];
  for (let k = 1; k < binCount; k++) {
    const edge = sortedQuantile(sortedBaseline, k / binCount);
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  const sortedValues = sortedCopy(values);
  const counts: number[] = [];
  let below = 0;
  for (const edge of edges) {
    const atOrBelow = upperBound(sortedValues, edge);
    counts.push(atOrBelow - below);
    below = atOrBelow;
  }
  counts.push(sortedValues.length - below);
  return counts.map((count) => count / sortedValues.length);
}

/** PSI of two proportion vectors with Evidently's flooring. */
function psiOf(baseline: number[], current: number[]): number {
  const b = feelZeroes(baseline);
  const c = feelZeroes(current);
  return b.reduce((sum, bi, i) => sum + (bi - c[i]) * Math.log(bi / c[i]), 0);
}

/** scipy.spatial.distance.jensenshannon(p, q) with base e. */
function jensenShannonOf(p: number[], q: number[]): number {
  const pSum = p.reduce((a, b) => a + b, 0);
  const qSum = q.reduce((a, b) => a + b, 0);
  const relativeEntropy = (x: number, y: number) => (x === 0 ? 0 : x * Math.log(x / y));
  let total = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] / pSum;
    const qi = q[i] / qSum;
    const mi = (pi + qi) / 2;
    total += relativeEntropy(pi, mi) + relativeEntropy(qi, mi);
  }
  return Math.sqrt(Math.max(0, total / 2));
}

/** √(1 − Σ √(pᵢqᵢ)) of proportion vectors. */
function hellingerOf(p: number[], q: number[]): number {
  const coefficient = p.reduce((sum, pi, i) => sum + Math.sqrt(pi * q[i]), 0);
  return Math.sqrt(1 - Math.min(1, Math.max(0, coefficient)));
}

/** Numeric PSI over the baseline's deciles (or `binCount` equal-mass bins). */
export function exactNumericPsi(baseline: ArrayLike<number>, current: ArrayLike<number>, binCount = 10): number {
  return psiOf(exactBinProportions(baseline, baseline, binCount), exactBinProportions(baseline, current, binCount));
}

/** Numeric Jensen–Shannon distance over `binCount` (20) equal-mass baseline bins. */
export function exactNumericJensenShannon(baseline: ArrayLike<number>, current: ArrayLike<number>, binCount = 20): number {
  return jensenShannonOf(exactBinProportions(baseline, baseline, binCount), exactBinProportions(baseline, current, binCount));
}

/** Numeric Hellinger distance over `binCount` (20) equal-mass baseline bins. */
export function exactNumericHellinger(baseline: ArrayLike<number>, current: ArrayLike<number>, binCount = 20): number {
  return hellingerOf(exactBinProportions(baseline, baseline, binCount), exactBinProportions(baseline, current, binCount));
}

/** scipy's `ks_2samp` statistic: max over all data points of |ECDF_a − ECDF_b|, and its asymptotic p-value. */
export function exactKs(a: ArrayLike<number>, b: ArrayLike<number>): { d: number; pValue: number } {
  const x = sortedCopy(a);
  const y = sortedCopy(b);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length || j < y.length) {
    // Step past every copy of the next smallest value on both sides, then compare the ECDFs.
    const next = Math.min(i < x.length ? x[i] : Infinity, j < y.length ? y[j] : Infinity);
    while (i < x.length && x[i] === next) i++;
    while (j < y.length && y[j] === next) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return { d, pValue: ksTwoSamplePValue(d, x.length, y.length) };
}

/** scipy's `wasserstein_distance(a, b)` = ∫ |F_a − F_b| dx, divided by max(np.std(a), 0.001) as Evidently. */
export function exactNormedWasserstein(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = sortedCopy(a);
  const y = sortedCopy(b);
  let i = 0;
  let j = 0;
  let distance = 0;
  let previous = Math.min(x[0], y[0]);
  while (i < x.length || j < y.length) {
    const next = Math.min(i < x.length ? x[i] : Infinity, j < y.length ? y[j] : Infinity);
    distance += Math.abs(i / x.length - j / y.length) * (next - previous);
    while (i < x.length && x[i] === next) i++;
    while (j < y.length && y[j] === next) j++;
    previous = next;
  }
  const mean = x.reduce((sum, v) => sum + v, 0) / x.length;
  const populationStd = Math.sqrt(x.reduce((sum, v) => sum + (v - mean) ** 2, 0) / x.length);
  return distance / Math.max(populationStd, 0.001);
}

/** Category proportions of both samples over the union of their labels (Evidently's categorical binning). */
function categoryPercents(baseline: readonly string[], current: readonly string[]): { b: number[]; c: number[]; bCounts: number[]; cCounts: number[] } {
  const keys = [...new Set([...baseline, ...current])];
  const count = (labels: readonly string[]) => {
    const counts = new Map<string, number>();
    for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
    return keys.map((key) => counts.get(key) ?? 0);
  };
  const bCounts = count(baseline);
  const cCounts = count(current);
  return {
    b: bCounts.map((n) => n / baseline.length),
    c: cCounts.map((n) => n / current.length),
    bCounts,
    cCounts,
  };
}

/** Categorical PSI with Evidently's flooring. */
export function exactCategoricalPsi(baseline: readonly string[], current: readonly string[]): number {
  const { b, c } = categoryPercents(baseline, current);
  return psiOf(b, c);
}

/** Categorical Jensen–Shannon distance (natural log). */
export function exactCategoricalJensenShannon(baseline: readonly string[], current: readonly string[]): number {
  const { b, c } = categoryPercents(baseline, current);
  return jensenShannonOf(b, c);
}

/** Evidently's `chisquare`: scipy `chisquare(f_obs = current counts, f_exp = baseline counts · n_c/n_b)`. */
export function exactChiSquareGoodnessOfFit(
  baseline: readonly string[],
  current: readonly string[],
): { statistic: number; pValue: number } {
  const { bCounts, cCounts } = categoryPercents(baseline, current);
  const scale = current.length / baseline.length;
  const statistic = cCounts.reduce((sum, observed, i) => {
    const expected = bCounts[i] * scale;
    return sum + (observed - expected) ** 2 / expected;
  }, 0);
  return { statistic, pValue: chiSquaredSurvival(statistic, bCounts.length - 1) };
}

/** scipy `chi2_contingency([baseline counts, current counts], correction=False)`. */
export function exactChiSquareHomogeneity(
  baseline: readonly string[],
  current: readonly string[],
): { statistic: number; pValue: number } {
  const { bCounts, cCounts } = categoryPercents(baseline, current);
  const n = baseline.length + current.length;
  let statistic = 0;
  for (let k = 0; k < bCounts.length; k++) {
    const column = bCounts[k] + cCounts[k];
    for (const [observed, rowTotal] of [[bCounts[k], baseline.length], [cCounts[k], current.length]]) {
      const expected = (rowTotal * column) / n;
      statistic += (observed - expected) ** 2 / expected;
    }
  }
  return { statistic, pValue: chiSquaredSurvival(statistic, bCounts.length - 1) };
}

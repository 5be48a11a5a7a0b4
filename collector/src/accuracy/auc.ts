import type { TDigest } from "../sketch/tdigest.ts";

/** A score distribution as AUC reads it: its weight, quantile function and CDF. */
export type ScoreDistribution = { count: number; quantile(q: number): number; cdf(x: number): number };

/**
 * Points of the quantile grid AUC integrates over. Measured against the exact AUC on 10⁵ scores
 * of several distributions (auc.test.ts, docs/accuracy.md): 1 000 keeps the grid's share of the
 * error below 10⁻⁴, well under the digests' own.
 */
export const AUC_GRID_POINTS = 1000;

/** A digest's scores. */
export function digestScores(digest: TDigest): ScoreDistribution {
  return { count: digest.count, quantile: (q) => digest.quantile(q), cdf: (x) => digest.cdf(x) };
}

/**
 * A digest's scores reflected, x ↦ 1 − x: the score of the other class of a binary classifier
 * whose score is the probability of its predicted label.
 */
export function reflectedScores(digest: TDigest): ScoreDistribution {
  return {
    count: digest.count,
    quantile: (q) => 1 - digest.quantile(1 - q),
    cdf: (x) => 1 - digest.cdf(1 - x),
  };
}

/**
 * ROC AUC of scores of actual positives against actual negatives: P(X > Y) + ½·P(X = Y) for X a
 * positive's score and Y a negative's, the Mann–Whitney form of the area. Each side may be a
 * mixture of several distributions (weighted by count); the area is bilinear in the mixtures, so
 * it is the weighted mean of the pairwise areas, each ∫₀¹ F_Y(Q_X(u)) du on a midpoint grid.
 * NaN when either side is empty.
 *
 * Cost: AUC_GRID_POINTS quantiles and 2·AUC_GRID_POINTS CDF evaluations per pair of components,
 * each linear in the digests' centroids (a few hundred): a few milliseconds per pair.
 */
export function rocAuc(positives: readonly ScoreDistribution[], negatives: readonly ScoreDistribution[]): number {
  const pos = positives.filter((d) => d.count > 0);
  const neg = negatives.filter((d) => d.count > 0);
  const posWeight = pos.reduce((a, d) => a + d.count, 0);
  const negWeight = neg.reduce((a, d) => a + d.count, 0);
  if (posWeight === 0 || negWeight === 0) return NaN;
  let area = 0;
  for (const x of pos) {
    // The positives' quantiles are shared by every negative component.
    const grid = new Float64Array(AUC_GRID_POINTS);
    for (let i = 0; i < AUC_GRID_POINTS; i++) grid[i] = x.quantile((i + 0.5) / AUC_GRID_POINTS);
    for (const y of neg) {
      let below = 0;
      for (let i = 0; i < AUC_GRID_POINTS; i++) below += midCdf(y, grid[i]);
      area += (x.count / posWeight) * (y.count / negWeight) * (below / AUC_GRID_POINTS);
    }
  }
  return area;
}

/**
 * F(x) with a tie counted half: a digest holds a repeated score (0, 1, a rounded probability) as
 * a point mass, and P(X = Y) must count ½ like the Mann–Whitney statistic does. The CDF just
 * below x and at x differ only at such a mass.
 */
function midCdf(d: ScoreDistribution, x: number): number {
  const at = d.cdf(x);
  const before = d.cdf(x - Math.max(Math.abs(x), 1) * 1e-12);
  return (at + before) / 2;
}

/**
 * Binary ROC AUC from the per-label digests the store keeps (docs/accuracy.md): for each predicted
 * label, the scores of the pairs it got right (`hit`) and wrong (`miss`), the score being the
 * probability of the predicted label. With labels {P, N}, the score of P is s for a pair
 * predicted P and 1 − s for a pair predicted N, so the actual positives are hit(P) ∪ 1 − miss(N)
 * and the negatives miss(P) ∪ 1 − hit(N). The area is the same for either choice of P.
 * NaN unless exactly two labels are given.
 */
export function binaryAucFromLabelDigests(labels: readonly string[], hit: ReadonlyMap<string, TDigest>, miss: ReadonlyMap<string, TDigest>): number {
  if (labels.length !== 2) return NaN;
  const [p, n] = labels;
  const parts = (map: ReadonlyMap<string, TDigest>, label: string, reflect: boolean): ScoreDistribution[] => {
    const d = map.get(label);
    return d === undefined || d.count === 0 ? [] : [reflect ? reflectedScores(d) : digestScores(d)];
  };
  return rocAuc([...parts(hit, p, false), ...parts(miss, n, true)], [...parts(miss, p, false), ...parts(hit, n, true)]);
}

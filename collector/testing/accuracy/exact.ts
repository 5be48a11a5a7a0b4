/**
 * Exact accuracy figures on raw arrays, the references the sketch-based figures are tested
 * against (scikit-learn's definitions, written out). Not for anything but tests.
 */

/** ROC AUC by the Mann–Whitney rank sum, ties at mid-rank (scikit-learn's roc_auc_score). */
export function exactAuc(positives: ArrayLike<number>, negatives: ArrayLike<number>): number {
  const all: [number, boolean][] = [];
  for (let i = 0; i < positives.length; i++) all.push([positives[i], true]);
  for (let i = 0; i < negatives.length; i++) all.push([negatives[i], false]);
  all.sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j][0] === all[i][0]) j++;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k][1]) rankSum += midRank;
    i = j;
  }
  const p = positives.length;
  return (rankSum - (p * (p + 1)) / 2) / (p * negatives.length);
}

/** Per-class precision, recall, F1 (zero_division=0), their macro means and accuracy. */
export function exactClassification(actual: readonly string[], predicted: readonly string[]) {
  const labels = [...new Set([...actual, ...predicted])].sort();
  let correct = 0;
  const perClass = labels.map((label) => {
    let tp = 0;
    let nPredicted = 0;
    let nActual = 0;
    for (let i = 0; i < actual.length; i++) {
      if (predicted[i] === label) nPredicted++;
      if (actual[i] === label) nActual++;
      if (predicted[i] === label && actual[i] === label) tp++;
    }
    const precision = nPredicted === 0 ? 0 : tp / nPredicted;
    const recall = nActual === 0 ? 0 : tp / nActual;
    return { label, precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
  });
  for (let i = 0; i < actual.length; i++) if (actual[i] === predicted[i]) correct++;
  const mean = (k: "precision" | "recall" | "f1") => perClass.reduce((a, c) => a + c[k], 0) / perClass.length;
  return { accuracy: correct / actual.length, perClass, macro: { precision: mean("precision"), recall: mean("recall"), f1: mean("f1") } };
}

/** Binary log loss with probabilities of the positive class clipped to [1e-15, 1 − 1e-15]. */
export function exactBinaryLogLoss(isPositive: readonly boolean[], positiveProbability: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < isPositive.length; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, positiveProbability[i]));
    total += -Math.log(isPositive[i] ? p : 1 - p);
  }
  return total / isPositive.length;
}

/** MAE, RMSE and MAPE (pairs with a zero actual left out of MAPE) on raw arrays. */
export function exactRegression(actual: readonly number[], predicted: readonly number[]) {
  let abs = 0;
  let sq = 0;
  let pct = 0;
  let pctCount = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = predicted[i] - actual[i];
    abs += Math.abs(e);
    sq += e * e;
    if (actual[i] !== 0) {
      pct += Math.abs(e) / Math.abs(actual[i]);
      pctCount++;
    }
  }
  return { mae: abs / actual.length, rmse: Math.sqrt(sq / actual.length), mape: pct / pctCount };
}

import { OTHER_CATEGORY } from "../sketch/categorical-counts.ts";
import type { CategoricalCounts } from "../sketch/categorical-counts.ts";

/** One class's figures, one-vs-rest (docs/accuracy.md). */
export type ClassMetrics = {
  label: string;
  /** Pairs whose actual is this class. */
  support: number;
  /** Pairs predicted as this class. */
  predicted: number;
  /** Right predictions of this class / predictions of it; 0 when it was never predicted (scikit-learn's zero_division=0). */
  precision: number;
  /** Right predictions of this class / its actuals; 0 when it never was the actual. */
  recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  f1: number;
};

/** Classification figures of a set of joined pairs. */
export type ClassificationMetrics = {
  /** Joined pairs counted (NaN-free: 0 when none). */
  pairs: number;
  /** Right predictions / pairs; NaN when there are no pairs. */
  accuracy: number;
  /** Every label seen as an actual or a prediction, in code-unit order. */
  classes: ClassMetrics[];
  /** Unweighted means over `classes` (scikit-learn's average="macro"); NaN when there are no pairs. */
  macro: { precision: number; recall: number; f1: number };
};

/**
 * Accuracy, precision, recall and F1 per class and macro from a confusion matrix kept as one
 * categorical sketch per actual class (the predicted labels' counts). The class set is the union
 * of actual and predicted labels, as scikit-learn's `labels=None`. Predicted labels a sketch
 * counted under `__other__` (past its category cap) count as pairs but as no class: they are
 * never right, so figures then err low, not high.
 */
export function classificationMetrics(byActual: ReadonlyMap<string, CategoricalCounts>): ClassificationMetrics {
  const support = new Map<string, number>();
  const predicted = new Map<string, number>();
  const right = new Map<string, number>();
  let pairs = 0;
  let correct = 0;
  for (const [actual, counts] of byActual) {
    if (counts.total === 0) continue;
    support.set(actual, (support.get(actual) ?? 0) + counts.total);
    pairs += counts.total;
    for (const [label, n] of counts.entries()) {
      if (label === OTHER_CATEGORY) continue;
      predicted.set(label, (predicted.get(label) ?? 0) + n);
      if (label === actual) {
        right.set(label, n);
        correct += n;
      }
    }
  }
  const labels = [...new Set([...support.keys(), ...predicted.keys()])].sort();
  const classes = labels.map((label): ClassMetrics => {
    const tp = right.get(label) ?? 0;
    const nPredicted = predicted.get(label) ?? 0;
    const nActual = support.get(label) ?? 0;
    const precision = nPredicted === 0 ? 0 : tp / nPredicted;
    const recall = nActual === 0 ? 0 : tp / nActual;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, support: nActual, predicted: nPredicted, precision, recall, f1 };
  });
  const mean = (pick: (c: ClassMetrics) => number): number => (classes.length === 0 ? NaN : classes.reduce((a, c) => a + pick(c), 0) / classes.length);
  return {
    pairs,
    accuracy: pairs === 0 ? NaN : correct / pairs,
    classes,
    macro: { precision: mean((c) => c.precision), recall: mean((c) => c.recall), f1: mean((c) => c.f1) },
  };
}

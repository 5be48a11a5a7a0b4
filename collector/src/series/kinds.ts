/**
 * What a ModelStore keeps: series identified by (kind, version, name, segment), each a sketch per
 * time bucket. The kind fixes the sketch: a t-digest for numbers, exact capped counts for
 * categories, or a plain counter.
 */
export const SeriesKind = {
  /** A numeric input feature (`ml.feature.<name>` number, or the `ml.feature.value` histogram). */
  numericFeature: "numeric_feature",
  /** A categorical input feature (`ml.feature.<name>` string or bool). */
  categoricalFeature: "categorical_feature",
  /** The predicted value of a regression model (`ml.prediction.value`); name "". */
  predictionValue: "prediction_value",
  /** The predicted label of a classifier (`ml.prediction.label`); name "". */
  predictionLabel: "prediction_label",
  /** The classifier's score for its predicted label (`ml.prediction.score`); name "". */
  predictionScore: "prediction_score",
  /** Prediction latency in seconds, from events, `ml.prediction.duration` or spans; name "". */
  latency: "latency",
  /** Number of predictions; name "". */
  predictions: "predictions",
  /** Number of failed predictions; name "" (the error type is not a dimension, yet). */
  errors: "errors",
  /** Ground truth values that arrived (`ml.actual.value`); name "". */
  actualValue: "actual_value",
  /** Ground truth labels that arrived (`ml.actual.label`); name "". */
  actualLabel: "actual_label",
  /** Generative models: tokens per call; name is the token type ("input", "output"). */
  genAiTokens: "genai_tokens",
  /** A custom metric's sum (a counter); name is the metric name. */
  customSum: "custom_sum",
  /** A custom metric's observed values (gauge points, histogram contents); name is the metric name. */
  customValues: "custom_values",
  // Accuracy (docs/accuracy.md): joined (prediction, actual) pairs, in the prediction's minute.
  /** Predictions that carried `ml.prediction.id` (could be joined); name "". */
  identifiedPredictions: "identified_predictions",
  /** Joined pairs of one actual class: counts of the predicted labels; name is the actual label. */
  confusion: "confusion",
  /** Scores of joined pairs whose predicted label was right; name is the predicted label. */
  scoreHit: "score_hit",
  /** Scores of joined pairs whose predicted label was wrong; name is the predicted label. */
  scoreMiss: "score_miss",
  /** Log loss of each joined pair's score (docs/accuracy.md); name "". */
  logLoss: "log_loss",
  /** Regression: predicted − actual of each joined pair; name "". */
  predictionError: "prediction_error",
  /** Regression: |predicted − actual|; name "". */
  absoluteError: "absolute_error",
  /** Regression: |predicted − actual| / |actual|, pairs with actual ≠ 0 only; name "". */
  absolutePercentageError: "absolute_percentage_error",
  /** Seconds from a prediction to its actual, in the minute of the join; name "". */
  actualDelay: "actual_delay",
  /** Join bookkeeping, in the minute it happened; name is a {@link JoinEvent}. */
  joinEvents: "join_events",
  /**
   * Values of a feature refused because they arrived with the other type than the feature's
   * first (docs/drift.md, "Data quality"): a counter in the minute of the prediction; name is the
   * feature.
   */
  typeMismatches: "type_mismatches",
} as const;
/** One of the {@link SeriesKind} values. */
export type SeriesKind = (typeof SeriesKind)[keyof typeof SeriesKind];

/** Which sketch a kind keeps. */
export const SketchType = { digest: "digest", counts: "counts", counter: "counter" } as const;
/** One of the {@link SketchType} values. */
export type SketchType = (typeof SketchType)[keyof typeof SketchType];

const sketchOfKind: Record<SeriesKind, SketchType> = {
  numeric_feature: "digest",
  categorical_feature: "counts",
  prediction_value: "digest",
  prediction_label: "counts",
  prediction_score: "digest",
  latency: "digest",
  predictions: "counter",
  errors: "counter",
  actual_value: "digest",
  actual_label: "counts",
  genai_tokens: "digest",
  custom_sum: "counter",
  custom_values: "digest",
  identified_predictions: "counter",
  confusion: "counts",
  score_hit: "digest",
  score_miss: "digest",
  log_loss: "digest",
  prediction_error: "digest",
  absolute_error: "digest",
  absolute_percentage_error: "digest",
  actual_delay: "digest",
  join_events: "counter",
  type_mismatches: "counter",
};

/** The sketch a series of this kind keeps. */
export function sketchTypeOf(kind: SeriesKind): SketchType {
  return sketchOfKind[kind];
}

/** True for the kinds that count toward a model's feature cap. */
export function isFeatureKind(kind: SeriesKind): boolean {
  return kind === SeriesKind.numericFeature || kind === SeriesKind.categoricalFeature;
}

/** True for the kinds that count toward a model's custom-metric cap. */
export function isCustomKind(kind: SeriesKind): boolean {
  return kind === SeriesKind.customSum || kind === SeriesKind.customValues;
}

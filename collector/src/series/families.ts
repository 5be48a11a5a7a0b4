/**
 * The series Driftline serves through the query API and /metrics (docs/query-api.md): their
 * names, Prometheus types and HELP text. Every series carries `model` and `version`; the
 * windowed gauges also carry `window`, one of `WINDOW_NAMES` (windows.ts), and their value at t covers
 * (t − window, t].
 */
export const Family = {
  predictions: "driftline_predictions_total",
  errors: "driftline_prediction_errors_total",
  actuals: "driftline_actuals_total",
  duration: "driftline_prediction_duration_seconds",
  featureDrift: "driftline_feature_drift",
  predictionDrift: "driftline_prediction_drift",
  scoreDrift: "driftline_score_drift",
  targetDrift: "driftline_target_drift",
  driftStatus: "driftline_drift_status",
  datasetDriftShare: "driftline_dataset_drift_share",
  datasetDriftWeightedShare: "driftline_dataset_drift_weighted_share",
  datasetDriftStatus: "driftline_dataset_drift_status",
  featureQuantile: "driftline_feature_quantile",
  missingRatio: "driftline_feature_missing_ratio",
  outOfRangeRatio: "driftline_feature_out_of_range_ratio",
  newCategoryRatio: "driftline_feature_new_category_ratio",
  typeMismatchRatio: "driftline_feature_type_mismatch_ratio",
  baselineQuantile: "driftline_baseline_quantile",
  genAiTokens: "driftline_genai_tokens_total",
  // Accuracy from joined actuals (docs/accuracy.md; worker/src/store/read/accuracy-series.ts).
  accuracy: "driftline_accuracy",
  predictionError: "driftline_prediction_error",
  actualsJoinedRatio: "driftline_actuals_joined_ratio",
  actualDelay: "driftline_actual_delay_seconds",
  actualsJoined: "driftline_actuals_joined_total",
  joinExpired: "driftline_join_expired_total",
  joinRefused: "driftline_join_refused_total",
} as const;
/** One of the {@link Family} names. */
export type Family = (typeof Family)[keyof typeof Family];

/** The histogram's bucket bounds in seconds (Prometheus' default buckets), `+Inf` last. */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, Infinity];

/** The `quantile` label values of `driftline_feature_quantile`. */
export const FEATURE_QUANTILES: readonly number[] = [0.05, 0.25, 0.5, 0.75, 0.95];

/** The `feature` label value under which `driftline_drift_status` reports the prediction. */
export const PREDICTION_FEATURE = "__prediction__";
/** The `feature` label value under which `driftline_drift_status` reports a classifier's score. */
export const SCORE_FEATURE = "__score__";
/** The `feature` label value under which `driftline_drift_status` reports the target (actuals). */
export const TARGET_FEATURE = "__target__";

/** A family's Prometheus type, HELP text and unit. */
export type FamilyMetadata = { type: "counter" | "histogram" | "gauge" | "summary"; help: string; unit: string };

/**
 * Type and HELP of each family, for `/api/v1/metadata` and the exposition's HELP/TYPE lines.
 * The quantile families are summaries: a windowed quantile is what a client library's summary is
 * (quantiles over a sliding window), and only a summary may carry a `quantile` label
 * (docs/query-api.md, "Why the quantile families are summaries").
 */
export const FAMILY_METADATA: Record<Family, FamilyMetadata> = {
  [Family.predictions]: { type: "counter", help: "Predictions received, since the series began.", unit: "" },
  [Family.errors]: { type: "counter", help: "Failed predictions received, since the series began.", unit: "" },
  [Family.actuals]: { type: "counter", help: "Ground-truth values and labels received, since the series began.", unit: "" },
  [Family.duration]: { type: "histogram", help: "Prediction latency in seconds, from the latency digests.", unit: "seconds" },
  [Family.featureDrift]: { type: "gauge", help: "Drift of a feature over (t - window, t] against the version's baseline, per method.", unit: "" },
  [Family.predictionDrift]: { type: "gauge", help: "Drift of the prediction over (t - window, t] against the version's baseline, per method.", unit: "" },
  [Family.scoreDrift]: { type: "gauge", help: "Drift of a classifier's score (ml.prediction.score) over (t - window, t] against the version's baseline score, per method.", unit: "" },
  [Family.targetDrift]: { type: "gauge", help: "Drift of the actuals (ml.actual.value or ml.actual.label) received over (t - window, t] against the version's baseline target, per method.", unit: "" },
  [Family.driftStatus]: { type: "gauge", help: "Drift status from the deciding method: the model's settings, else the default by type and window size (0 ok, 1 warn, 2 alert); the prediction is feature=\"__prediction__\", the score \"__score__\", the target \"__target__\".", unit: "" },
  [Family.datasetDriftShare]: { type: "gauge", help: "Share of a version's features (not excluded, with data) whose drift status over (t - window, t] is alert.", unit: "" },
  [Family.datasetDriftWeightedShare]: { type: "gauge", help: "The same share with each feature counted at its importance weight from the drift settings.", unit: "" },
  [Family.datasetDriftStatus]: { type: "gauge", help: "Dataset drift status from the weighted share (0 ok, 1 warn from 0.25, 2 alert from 0.5).", unit: "" },
  [Family.featureQuantile]: { type: "summary", help: "Quantile of a numeric feature over (t - window, t].", unit: "" },
  [Family.missingRatio]: { type: "gauge", help: "Fraction of the version's predictions over (t - window, t] without a usable value of the feature: null, NaN or infinite, absent, or of the wrong type.", unit: "" },
  [Family.outOfRangeRatio]: { type: "gauge", help: "Fraction of a numeric feature's values over (t - window, t] outside the baseline's [min, max].", unit: "" },
  [Family.newCategoryRatio]: { type: "gauge", help: "Fraction of a categorical feature's values over (t - window, t] in categories the baseline never saw.", unit: "" },
  [Family.typeMismatchRatio]: { type: "gauge", help: "Fraction of the version's predictions over (t - window, t] whose value of the feature had the other type than the feature's first (refused).", unit: "" },
  [Family.baselineQuantile]: { type: "summary", help: "Quantile of a numeric feature in the version's baseline (the same at every t).", unit: "" },
  [Family.genAiTokens]: { type: "counter", help: "Tokens used by a generative model, per gen_ai.token.type.", unit: "" },
  [Family.accuracy]: { type: "gauge", help: "Accuracy metric of the predictions made in (t - window, t] that received an actual; per class with a class label.", unit: "" },
  [Family.predictionError]: { type: "summary", help: "Quantile of predicted - actual of the predictions made in (t - window, t] that received an actual.", unit: "" },
  [Family.actualsJoinedRatio]: { type: "gauge", help: "Share of the predictions with an id made in (t - window, t] that have received their actual.", unit: "" },
  [Family.actualDelay]: { type: "summary", help: "Quantile of the seconds from prediction to actual, of the actuals joined in (t - window, t].", unit: "seconds" },
  [Family.actualsJoined]: { type: "counter", help: "Actuals joined to their prediction, since the series began.", unit: "" },
  [Family.joinExpired]: { type: "counter", help: "Predictions (side=prediction) or actuals (side=actual) that waited past the join TTL without their other side.", unit: "" },
  [Family.joinRefused]: { type: "counter", help: "Predictions and actuals not joined: a repeated id (reason=duplicate) or a full join table (reason=full).", unit: "" },
};

/** Every name a selector can match: the families, with the histogram's three series. */
export const SERIES_NAMES: readonly string[] = [
  Family.predictions,
  Family.errors,
  Family.actuals,
  `${Family.duration}_bucket`,
  `${Family.duration}_sum`,
  `${Family.duration}_count`,
  Family.featureDrift,
  Family.predictionDrift,
  Family.scoreDrift,
  Family.targetDrift,
  Family.driftStatus,
  Family.datasetDriftShare,
  Family.datasetDriftWeightedShare,
  Family.datasetDriftStatus,
  Family.featureQuantile,
  Family.missingRatio,
  Family.outOfRangeRatio,
  Family.newCategoryRatio,
  Family.typeMismatchRatio,
  Family.baselineQuantile,
  Family.genAiTokens,
  Family.accuracy,
  Family.predictionError,
  Family.actualsJoinedRatio,
  Family.actualDelay,
  Family.actualsJoined,
  Family.joinExpired,
  Family.joinRefused,
];

/** The `le` label value of a bound, as Prometheus writes it ("0.005", "+Inf"). */
export function leLabel(boundSeconds: number): string {
  return boundSeconds === Infinity ? "+Inf" : String(boundSeconds);
}

/** A number as a label value (quantiles): Go's shortest form, as Prometheus writes them. */
export function numberLabel(value: number): string {
  return String(value);
}

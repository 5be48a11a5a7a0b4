/**
 * The vocabulary every part of Driftline shares (`@driftline/collector/series`), each piece
 * defined once: the series kinds and the sketch each keeps, the windows (in minutes), the drift
 * methods per sketch type, the accuracy metrics, the series families the query API and /metrics
 * serve, custom-metric naming. The Worker, the dashboards, the alert rules and the tests import
 * it; adding a window or a metric is a one-line change in its file here.
 */
export { SeriesKind, SketchType, isCustomKind, isFeatureKind, sketchTypeOf } from "./kinds.ts";
export { LONGEST_WINDOW_MINUTES, WINDOW_MINUTES, WINDOW_NAMES, isWindowName, windowOfMinutes } from "./windows.ts";
export type { WindowName } from "./windows.ts";
export { CATEGORICAL_DRIFT_METHODS, DRIFT_METHODS, DRIFT_METHODS_OF, DriftMethod, NUMERIC_DRIFT_METHODS, isDriftMethod } from "./drift-methods.ts";
export type { CategoricalDriftMethod, NumericDriftMethod } from "./drift-methods.ts";
export { ACCURACY_METRICS, PER_CLASS_METRICS, accuracyMetricSources, accuracyMetricsOf, isAccuracyMetric, isErrorMetric } from "./accuracy-metrics.ts";
export type { AccuracyMetric } from "./accuracy-metrics.ts";
export { DURATION_BUCKETS_SECONDS, FAMILY_METADATA, FEATURE_QUANTILES, Family, PREDICTION_FEATURE, SCORE_FEATURE, SERIES_NAMES, TARGET_FEATURE, leLabel, numberLabel } from "./families.ts";
export type { FamilyMetadata } from "./families.ts";
export { CUSTOM_PREFIX, CUSTOM_QUANTILES, customMetadata, customSeriesLabels, isCustomFamily, parseCustomName, sanitizeName } from "./custom-metrics.ts";
export type { CustomName } from "./custom-metrics.ts";
export { BucketLevel, RETENTION, filedMinute, levelOf, minuteRetentionOf } from "./retention.ts";
export { BATCH_SEGMENT_PREFIX, batchOfSegment, batchSegment } from "./batches.ts";

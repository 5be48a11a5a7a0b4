/**
 * @driftline/collector: the runtime-agnostic core shared by the Worker, the SDK and the benchmarks.
 * Web-standard globals only (STYLE.md rule 2).
 */
export type { AnyValue, Attributes, LogsData, MetricsData, TracesData } from "./otlp/types.ts";
export { Signal, Temporality, StatusCode } from "./otlp/types.ts";
export { decodeOtlp, defaultDecodeOptions, OtlpDecodeError, encodeExportResponse, encodeStatus, otlpContentTypes, RpcCode } from "./otlp/index.ts";
export type { DecodeOptions, OtlpData, OtlpFormat, PartialSuccess, RpcStatus } from "./otlp/index.ts";
export { TDigest, DEFAULT_COMPRESSION } from "./sketch/tdigest.ts";
export { CategoricalCounts, DEFAULT_MAX_CATEGORIES, OTHER_CATEGORY } from "./sketch/categorical-counts.ts";
export { NumericSummary } from "./sketch/numeric-summary.ts";
export { SketchDecodeError } from "./sketch/decode-error.ts";
export { foldRequest } from "./fold/fold.ts";
export type { DecodedDelta, FoldResult, ModelBatch, SeriesDelta } from "./fold/batch.ts";
export { MINUTE_COMPRESSION, ModelAccumulator, decodeDelta } from "./fold/batch.ts";
export { AGGREGATORS, aggregatorOf, aggregatorOfType } from "./sketch/aggregator.ts";
export type { Aggregator, BucketSketch } from "./sketch/aggregator.ts";
export { foldDelta } from "./fold/metrics.ts";
export { cumulativeDelta } from "./fold/cumulative.ts";
export { CounterRefusal, MAX_COUNT } from "./fold/counter-values.ts";
export type { CumulativePoint, CumulativeValue, StreamState } from "./fold/cumulative.ts";
export { Rejections } from "./fold/rejections.ts";
export { DEFAULT_LIMITS, OTHER } from "./fold/limits.ts";
export type { Limits } from "./fold/limits.ts";
export { JoinEvent, exclusiveSlot, parseSeriesKey, seriesKey } from "./fold/series.ts";
export { SeriesKind, SketchType, isCustomKind, isFeatureKind, sketchTypeOf } from "./series/kinds.ts";
export type { SeriesRef } from "./fold/series.ts";
export { Attr, Event, Instrument, UNKNOWN_VERSION } from "./fold/conventions.ts";
export type { ActualJoinRecord, JoinRecord, JoinedPair, PredictionJoinRecord } from "./accuracy/join-record.ts";
export { foldPairs } from "./accuracy/pair-fold.ts";
export { classificationMetrics } from "./accuracy/confusion.ts";
export type { ClassMetrics, ClassificationMetrics } from "./accuracy/confusion.ts";
export { regressionMetrics } from "./accuracy/regression.ts";
export type { RegressionMetrics } from "./accuracy/regression.ts";
export { binaryAucFromLabelDigests, digestScores, reflectedScores, rocAuc } from "./accuracy/auc.ts";
export type { ScoreDistribution } from "./accuracy/auc.ts";
export { pairLogLoss } from "./accuracy/log-loss.ts";
export { CATEGORICAL_DRIFT_METHODS, DRIFT_METHODS, DRIFT_METHODS_OF, DriftMethod, NUMERIC_DRIFT_METHODS } from "./series/drift-methods.ts";
export type { CategoricalDriftMethod, NumericDriftMethod } from "./series/drift-methods.ts";
export type {
  BinnedDriftOptions,
  CategoricalDistribution,
  DriftOptions,
  DriftResult,
  DriftStatus,
  DriftThresholds,
  NumericDistribution,
  ThresholdSubject,
} from "./drift/types.ts";
export { DEFAULT_DRIFT_THRESHOLDS, THRESHOLD_SUBJECT, classify, resolveThresholds } from "./drift/thresholds.ts";
export {
  numericDrift,
  numericHellinger,
  numericJensenShannon,
  numericKs,
  numericPsi,
  numericWasserstein,
} from "./drift/numeric.ts";
export type { NumericDriftOptions } from "./drift/numeric.ts";
export {
  ChiSquareForm,
  categoricalChiSquare,
  categoricalDrift,
  categoricalJensenShannon,
  categoricalPsi,
} from "./drift/categorical.ts";
export type { CategoricalDriftOptions, ChiSquareOptions } from "./drift/categorical.ts";
export { chiSquaredSurvival, kolmogorovSurvival, ksTwoSamplePValue } from "./drift/special.ts";
export { SMALL_WINDOW_VALUES, defaultStatusMethod, statusFrom } from "./drift/status-rule.ts";
export { methodsOf, seriesDrift, statusMethodOf } from "./drift/series-drift.ts";
export type { DriftPair, SeriesDriftVerdict } from "./drift/series-drift.ts";
export { DriftSettingsError, MAX_SETTINGS_ENTRIES, parseDriftSettings, resolveFeatureSettings } from "./drift/settings.ts";
export type { DriftSettings, FeatureDriftSettings, ResolvedFeatureSettings, VersionDriftSettings } from "./drift/settings.ts";
export { DATASET_ALERT_SHARE, DATASET_WARN_SHARE, datasetDrift } from "./drift/dataset-share.ts";
export type { DatasetDrift, ShareInput } from "./drift/dataset-share.ts";
export { missingRatio, newCategoryRatio, outOfRangeRatio } from "./drift/quality.ts";

/**
 * @driftline/sdk: instruments a model server for Driftline. `ModelMonitor` records predictions,
 * actuals and generative calls as plain OpenTelemetry signals (docs/sdk.md). `buildBaseline` builds
 * the collector's sketches from training data and `uploadBaseline` stores them (docs/baselines.md).
 * `backfillCsv` sends a historical CSV with its own timestamps (docs/backfill.md).
 */
export { ModelMonitor } from "./monitor.ts";
export type { MonitorInternals } from "./monitor.ts";
export { Compression, HistogramAggregation, MonitorConfigError, Protocol } from "./options.ts";
export type { ModelMonitorOptions } from "./options.ts";
export type { Actual, LabelPrediction, Prediction, PredictionInput, ScalarValue } from "./attributes.ts";
export type { GenerationInput } from "./genai.ts";
export type { MonitorStats } from "./stats.ts";
export type { WrapOptions } from "./wrap.ts";
export { BaselineError, buildBaseline } from "./baseline/build.ts";
export type { Baseline, BaselineRow, BaselineSource, BuildBaselineOptions } from "./baseline/build.ts";
export type { BaselineColumn, PredictionKind } from "@driftline/collector/baseline";
export type { CsvProgress } from "./baseline/csv-file.ts";
export { CsvError } from "@driftline/collector/baseline";
export { DriftlineHttpError, uploadBaseline, useReferenceWindow } from "./baseline/upload.ts";
export type { BaselineTarget, StoredBaseline } from "./baseline/upload.ts";
export { baselineToJson } from "./baseline/wire.ts";
export type { BaselineSketchJson, BaselineUploadBody } from "./baseline/wire.ts";
export { backfillCsv } from "./backfill/backfill.ts";
export type { BackfillOptions, BackfillSummary } from "./backfill/backfill.ts";
export { BackfillError } from "./backfill/records.ts";
export type { BackfillColumnOptions } from "./backfill/records.ts";
export type { BackfillTarget } from "./backfill/sender.ts";

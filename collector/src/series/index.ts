/**
 * The vocabulary every part of Driftline shares (`@driftline/collector/series`): the windows,
 * the series families the query API and /metrics serve, custom-metric naming. Defined once here
 * and imported by the Worker, the dashboards, the alert rules and the tests.
 */
export { DRIFT_WINDOWS } from "./windows.ts";
export type { DriftWindow } from "./windows.ts";
export { DURATION_BUCKETS_SECONDS, FAMILY_METADATA, FEATURE_QUANTILES, Family, PREDICTION_FEATURE, SERIES_NAMES, WINDOW_LABELS, leLabel, numberLabel } from "./families.ts";
export type { FamilyMetadata } from "./families.ts";
export { CUSTOM_PREFIX, CUSTOM_QUANTILES, customMetadata, customSeriesLabels, isCustomFamily, parseCustomName, sanitizeName } from "./custom-metrics.ts";
export type { CustomName } from "./custom-metrics.ts";

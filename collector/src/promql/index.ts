/**
 * Driftline's PromQL engine: a Prometheus-compatible subset, parsed with Prometheus' own lezer
 * grammar and evaluated over any {@link SeriesSource}. See docs/promql.md.
 */
export { instantQuery, instantSamples, rangeQuery, DEFAULT_ENGINE_OPTIONS } from "./engine.ts";
export type { EngineOptions } from "./engine.ts";
export { parseQuery, parseSeriesSelector, typeOf } from "./parse.ts";
export type { Expr, ValueType } from "./ast.ts";
export type {
  HistogramQuantileRequest,
  HistogramQuantileSeries,
  Labels,
  Matcher,
  MetadataQuery,
  SelectHints,
  SeriesData,
  SeriesSource,
} from "./source.ts";
export { matches, matchesAll } from "./labels.ts";
export { compileRegex } from "./regex.ts";
export { isStaleMarker, writeStaleMarker } from "./stale.ts";
export { PromQLError, ErrorType } from "./errors.ts";
export { formatValue } from "./format.ts";
export type { MatrixResult, QueryData, SamplePair, VectorResult } from "./format.ts";
export { errorResponse, parseDurationParam, parseTimeParam, successBody } from "./http.ts";
export type { ErrorBody, SuccessBody } from "./http.ts";
export { bucketQuantile } from "./histogram.ts";
export { SUPPORTED_FUNCTIONS } from "./function-signatures.ts";

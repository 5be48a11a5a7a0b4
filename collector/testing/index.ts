/**
 * Test support for the core, shared by collector's tests, the Worker's tests, the end-to-end
 * tests and the benchmarks (`@driftline/collector/testing`): seeded data sets, exact reference
 * implementations of every sketch-based statistic, OTLP fixtures built with the real
 * OpenTelemetry SDK, a protobuf builder, and an in-memory PromQL source. Never imported by
 * code that ships.
 */
export { exactAuc, exactBinaryLogLoss, exactClassification, exactRegression } from "./accuracy/exact.ts";
export {
  exactBinProportions,
  exactCategoricalJensenShannon,
  exactCategoricalPsi,
  exactChiSquareGoodnessOfFit,
  exactChiSquareHomogeneity,
  exactKs,
  exactNormedWasserstein,
  exactNumericHellinger,
  exactNumericJensenShannon,
  exactNumericPsi,
} from "./drift/exact.ts";
export { categoricalSample, lognormalSample, mulberry32, normalSample } from "./drift/prng.ts";
export { CountedCategories, InverseEcdfDistribution, SortedDistribution, sortedQuantile, upperBound } from "./drift/sorted-distribution.ts";
export { asDecoded } from "./otlp/attributes.ts";
export {
  collectMetrics,
  durationBoundariesSeconds,
  everyTypeAttributes,
  fixtureObservedTime,
  fixtureResource,
  fixtureTime,
  fixtureTimeUnixNano,
  predictionAttributes,
  recordedFeatureValues,
  recordedLatenciesSeconds,
  recordLogs,
  recordSpans,
} from "./otlp/otel-fixtures.ts";
export { attributeField, doubleField, fixed64Field, lenField, metricsRequest as metricsRequestProtobuf, stringField, varintField } from "./otlp/protobuf-builder.ts";
export { expandValues, loadSeries, MemorySource } from "./promql/memory-source.ts";
export type { SelectCall } from "./promql/memory-source.ts";
export { DISTRIBUTIONS, normalSampler, sample, seededRandom } from "./sketch/datasets.ts";
export type { DistributionName } from "./sketch/datasets.ts";
export { empiricalCdf, exactQuantile, rankError, relativeError, sortedCopy } from "./sketch/exact.ts";

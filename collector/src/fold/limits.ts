/**
 * Cardinality and size caps. A value past a cap is rejected and counted; it never creates a
 * series, so storage cannot grow without bound (DESIGN.md, Security and bad input). The defaults
 * are documented, with their reasons, in docs/limits.md; the Worker can override each through
 * a var of the same name in SCREAMING_SNAKE_CASE.
 */
export type Limits = {
  /** Models a tenant may have. */
  maxModelsPerTenant: number;
  /** Versions a model may have. */
  maxVersionsPerModel: number;
  /** Distinct feature names per model (numeric and categorical together, over all versions). */
  maxFeaturesPerModel: number;
  /** Categories kept exactly per categorical series; the rest are counted under `__other__`. */
  maxCategoriesPerSeries: number;
  /** Segment attributes (`ml.segment.<name>`) per model. */
  maxSegmentNamesPerModel: number;
  /** Values per segment attribute; further values are folded into `<name>=__other__`. */
  maxSegmentValuesPerSegment: number;
  /** Custom-metric series per model (a metric name with one set of attribute values is one series). */
  maxCustomSeriesPerModel: number;
  /** Series a model may hold in all (every kind, version and segment). */
  maxSeriesPerModel: number;
  /**
   * Sketches one request may build for a model: one per series and minute its records fall in.
   * Bounds the Worker's memory for a request whose records spread over many minutes (history,
   * a sparse batch), where one series already needs a sketch per minute.
   */
  maxSketchesPerRequest: number;
  /** Longest model id, version, feature, segment or metric name, in UTF-16 code units. */
  maxNameLength: number;
  /** Longest categorical value (category, label, segment value). */
  maxValueLength: number;
  /** How far back a timestamp may lie: the retention of minute buckets. */
  maxPastSeconds: number;
  /** How far ahead of the receiver's clock a timestamp may lie (clock skew). */
  maxFutureSeconds: number;
};

/** The defaults; docs/limits.md explains each. */
export const DEFAULT_LIMITS: Limits = {
  maxModelsPerTenant: 500,
  maxVersionsPerModel: 50,
  maxFeaturesPerModel: 1000,
  maxCategoriesPerSeries: 1000,
  maxSegmentNamesPerModel: 10,
  maxSegmentValuesPerSegment: 100,
  maxCustomSeriesPerModel: 500,
  maxSeriesPerModel: 20_000,
  maxSketchesPerRequest: 100_000,
  maxNameLength: 128,
  maxValueLength: 256,
  maxPastSeconds: 48 * 3600,
  maxFutureSeconds: 300,
};

/** The segment value that stands for every value past maxSegmentValuesPerSegment. */
export const OTHER = "__other__";

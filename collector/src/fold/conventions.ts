/**
 * The `ml.*` semantic conventions Driftline folds (docs/semantic-conventions.md is the user-facing
 * list; keep the two in step). The SDK emits exactly these names, and any OpenTelemetry SDK or
 * Collector can, too.
 */
export const Attr = {
  modelId: "ml.model.id",
  modelVersion: "ml.model.version",
  predictionId: "ml.prediction.id",
  featurePrefix: "ml.feature.",
  predictionValue: "ml.prediction.value",
  predictionLabel: "ml.prediction.label",
  predictionScore: "ml.prediction.score",
  predictionLatency: "ml.prediction.latency",
  segmentPrefix: "ml.segment.",
  /** A batch scoring job's id, on predictions and actuals (docs/backfill.md). */
  batchId: "ml.batch.id",
  actualValue: "ml.actual.value",
  actualLabel: "ml.actual.label",
  featureName: "ml.feature.name",
  errorType: "error.type",
  /** Older OpenTelemetry releases put a log record's event name in this attribute. */
  eventName: "event.name",
  genAiRequestModel: "gen_ai.request.model",
  genAiResponseModel: "gen_ai.response.model",
  genAiTokenType: "gen_ai.token.type",
  genAiInputTokens: "gen_ai.usage.input_tokens",
  genAiOutputTokens: "gen_ai.usage.output_tokens",
  genAiOperationName: "gen_ai.operation.name",
} as const;

/** Log event names. */
export const Event = {
  prediction: "ml.prediction",
  actual: "ml.actual",
} as const;

/** Metric instrument names. */
export const Instrument = {
  predictionDuration: "ml.prediction.duration",
  predictions: "ml.predictions",
  predictionErrors: "ml.prediction.errors",
  featureValue: "ml.feature.value",
  genAiTokenUsage: "gen_ai.client.token.usage",
  genAiOperationDuration: "gen_ai.client.operation.duration",
} as const;

/** The version a prediction is filed under when it names none. */
export const UNKNOWN_VERSION = "unknown";

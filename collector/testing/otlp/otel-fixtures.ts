/**
 * Real OpenTelemetry JS telemetry for the OTLP decoder's tests and benchmark: log records from a
 * LoggerProvider, metrics from a MeterProvider with a manual reader, spans from a tracer, each
 * captured in memory and serialized by `@opentelemetry/otlp-transformer`, the code every OTel JS
 * exporter uses. Nothing under collector/src imports this file except tests.
 */
import { SeverityNumber } from "@opentelemetry/api-logs";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { AggregationTemporality, AggregationType, InstrumentType, MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { SpanKind, SpanStatusCode, ValueType, context, trace } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ResourceMetrics } from "@opentelemetry/sdk-metrics";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { Context, HrTime } from "@opentelemetry/api";
import type { AnyValueMap } from "@opentelemetry/api-logs";

/** Resource attributes every fixture carries: a model server's identity. */
export const fixtureResource = {
  "service.name": "fraud-scorer",
  "ml.model.id": "fraud",
  "ml.model.version": "3",
} as const;

/** A timestamp past 2^53 ns whose low digits would be lost as a double: 2023-11-14T22:13:20.123456789Z. */
export const fixtureTime: HrTime = [1_700_000_000, 123_456_789];
/** `fixtureTime` in nanoseconds, exact. */
export const fixtureTimeUnixNano = 1_700_000_000_123_456_789n;
/** The observed timestamp used by the log fixtures, one nanosecond later than `fixtureTime`. */
export const fixtureObservedTime: HrTime = [1_700_000_000, 123_456_790];

/** The attribute values of the first fixture log record: one of every AnyValue type. */
export const everyTypeAttributes: AnyValueMap = {
  "ml.model.id": "fraud",
  "ml.feature.income": 52_000.5,
  "ml.feature.age": 41,
  "ml.feature.negative_int": -7,
  "ml.feature.is_member": true,
  "ml.feature.tags": ["a", "b", 3],
  "ml.feature.address": { city: "Lyon", zip: 69001, geo: { lat: 45.76, lon: 4.83 } },
  "ml.feature.blob": new Uint8Array([0, 1, 2, 250, 255]),
};

/**
 * Log records from a real LoggerProvider: one with every attribute type (emitted in `logContext`,
 * to carry a span's ids), then `predictionCount` prediction events.
 */
export async function recordLogs(
  predictionCount: number,
  featuresPerPrediction = 16,
  logContext?: Context,
): Promise<ReadableLogRecord[]> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(fixtureResource),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger("driftline-fixtures", "1.2.3");
  logger.emit({
    eventName: "ml.prediction",
    timestamp: fixtureTime,
    observedTimestamp: fixtureObservedTime,
    severityNumber: SeverityNumber.INFO,
    severityText: "INFO",
    body: { note: "every type", score: 0.25 },
    attributes: { ...everyTypeAttributes },
    context: logContext,
  });
  for (let i = 0; i < predictionCount; i++) {
    logger.emit({
      eventName: "ml.prediction",
      timestamp: [1_700_000_000 + i, 1000 + i],
      observedTimestamp: [1_700_000_000 + i, 2000 + i],
      severityNumber: SeverityNumber.INFO,
      attributes: predictionAttributes(i, featuresPerPrediction),
    });
  }
  // The simple processor exports asynchronously; flushing waits for every record.
  await provider.forceFlush();
  return exporter.getFinishedLogRecords();
}

/** The attributes of prediction `i`: a realistic `ml.prediction` event. */
export function predictionAttributes(i: number, featureCount: number): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {
    "ml.model.id": "fraud",
    "ml.model.version": "3",
    "ml.prediction.id": `pred-${i.toString(16).padStart(8, "0")}`,
    "ml.prediction.score": (i % 97) / 97,
    "ml.prediction.latency": 0.001 * (1 + (i % 13)),
  };
  for (let f = 0; f < featureCount; f++) {
    const name = `ml.feature.f${f}`;
    if (f % 4 === 3) attributes[name] = ["red", "green", "blue"][(i + f) % 3];
    else if (f % 4 === 2) attributes[name] = (i * 7 + f) % 1000;
    else attributes[name] = Math.sin(i + f) * 100;
  }
  return attributes;
}

/** A reader that collects only when asked: the test drives collection. */
class ManualReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** Explicit bucket boundaries of the `ml.prediction.duration` fixture histogram, in seconds. */
export const durationBoundariesSeconds = [0.005, 0.01, 0.05, 0.1, 0.5, 1];
/** The latencies recorded into the fixture histograms, in seconds. */
export const recordedLatenciesSeconds = [0.003, 0.007, 0.007, 0.02, 0.2, 0.7, 3];

/** The values recorded into the exponential `ml.feature.value` histogram (histograms drop negative values). */
export const recordedFeatureValues = [0, 0, 0.3, 1, 2, 3.5, 1000];

/**
 * Metrics from a real MeterProvider: an int counter, an explicit-bucket histogram, an exponential
 * histogram, a gauge and an up-down counter, collected once with the given temporality.
 * `extraHistogramPoints` adds that many more attribute sets to the histogram (for the benchmark).
 */
export async function collectMetrics(temporality: "delta" | "cumulative", extraHistogramPoints = 0): Promise<ResourceMetrics> {
  const reader = new ManualReader({
    aggregationTemporalitySelector: () =>
      temporality === "delta" ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes(fixtureResource),
    readers: [reader],
    views: [
      {
        instrumentName: "ml.feature.value",
        instrumentType: InstrumentType.HISTOGRAM,
        aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: 160 } },
      },
    ],
  });
  const meter = provider.getMeter("driftline-fixtures", "1.2.3");
  const modelAttributes = { "ml.model.id": "fraud", "ml.model.version": "3" };
  const predictions = meter.createCounter("ml.predictions", { valueType: ValueType.INT, description: "predictions served" });
  predictions.add(5, modelAttributes);
  predictions.add(2, modelAttributes);
  const duration = meter.createHistogram("ml.prediction.duration", {
    unit: "s",
    advice: { explicitBucketBoundaries: durationBoundariesSeconds },
  });
  for (const latencySeconds of recordedLatenciesSeconds) duration.record(latencySeconds, modelAttributes);
  for (let i = 0; i < extraHistogramPoints; i++) {
    const attributes = { ...modelAttributes, "ml.segment.region": `region-${i}` };
    for (let k = 0; k < 3; k++) duration.record(recordedLatenciesSeconds[(i + k) % recordedLatenciesSeconds.length], attributes);
  }
  const featureValue = meter.createHistogram("ml.feature.value");
  for (const value of recordedFeatureValues) featureValue.record(value, { ...modelAttributes, "ml.feature.name": "income" });
  const drift = meter.createGauge("ml.feature.drift", { valueType: ValueType.DOUBLE });
  drift.record(0.125, { ...modelAttributes, "ml.feature.name": "income" });
  const queue = meter.createUpDownCounter("ml.queue.depth", { valueType: ValueType.INT });
  queue.add(-3, modelAttributes);
  const result = await reader.collect();
  await provider.shutdown();
  return result.resourceMetrics;
}

/** Spans from a real tracer: a server span with an error status and its internal child. */
export async function recordSpans(): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(fixtureResource),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer("driftline-fixtures", "1.2.3");
  const parent = tracer.startSpan("POST /predict", {
    kind: SpanKind.SERVER,
    startTime: fixtureTime,
    attributes: { "ml.model.id": "fraud", "http.response.status_code": 500 },
  });
  const child = tracer.startSpan(
    "predict fraud",
    { kind: SpanKind.INTERNAL, startTime: [1_700_000_000, 223_456_789], attributes: { "ml.prediction.score": 0.75 } },
    trace.setSpan(context.active(), parent),
  );
  child.setStatus({ code: SpanStatusCode.OK });
  child.end([1_700_000_000, 823_456_789]);
  parent.setStatus({ code: SpanStatusCode.ERROR, message: "model timed out" });
  parent.end([1_700_000_000, 923_456_789]);
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}

/**
 * Interoperability with OpenTelemetry JS: bodies produced by the real SDK and serialized by
 * @opentelemetry/otlp-transformer (what every OTel JS exporter sends) decode, in both formats,
 * to the same records, and those records hold exactly the values that were recorded.
 */
import { describe, expect, it } from "vitest";
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from "@opentelemetry/otlp-transformer";
import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { decodeOtlp } from "./decode.ts";
import {
  collectMetrics,
  durationBoundariesSeconds,
  everyTypeAttributes,
  fixtureResource,
  fixtureTimeUnixNano,
  predictionAttributes,
  recordedFeatureValues,
  recordedLatenciesSeconds,
  recordLogs,
  recordSpans,
} from "../../testing/otlp/otel-fixtures.ts";
import { asDecoded } from "../../testing/otlp/attributes.ts";
import type { ExponentialBuckets, Metric, MetricData } from "./types.ts";

/** Serializes with both of the transformer's serializers; neither returns undefined for real data. */
function bothFormats<T>(
  items: T,
  protobuf: { serializeRequest(items: T): Uint8Array | undefined },
  json: { serializeRequest(items: T): Uint8Array | undefined },
): { protobuf: Uint8Array; json: Uint8Array } {
  const protobufBody = protobuf.serializeRequest(items);
  const jsonBody = json.serializeRequest(items);
  if (protobufBody === undefined || jsonBody === undefined) throw new Error("serializer returned no body");
  return { protobuf: protobufBody, json: jsonBody };
}

const modelAttributes = { "ml.model.id": "fraud", "ml.model.version": "3" };

describe("logs from the OpenTelemetry JS SDK", async () => {
  const predictionCount = 50;
  const records = await recordLogs(predictionCount);
  const bodies = bothFormats(records, ProtobufLogsSerializer, JsonLogsSerializer);
  const fromProtobuf = decodeOtlp("logs", "protobuf", bodies.protobuf);
  const fromJson = decodeOtlp("logs", "json", bodies.json);

  it("decodes protobuf and JSON bodies of the same records to identical records", () => {
    expect(fromJson).toStrictEqual(fromProtobuf);
  });

  it("keeps the resource and the instrumentation scope", () => {
    expect(fromProtobuf.resourceLogs).toHaveLength(1);
    const [resourceLogs] = fromProtobuf.resourceLogs;
    expect(resourceLogs.resource).toStrictEqual(asDecoded({ ...fixtureResource }));
    expect(resourceLogs.scopeLogs.map((s) => s.scope)).toStrictEqual([{ name: "driftline-fixtures", version: "1.2.3" }]);
  });

  it("decodes every attribute type, the body, the event name and exact nanosecond timestamps", () => {
    const [first] = fromProtobuf.resourceLogs[0].scopeLogs[0].logRecords;
    expect(first).toStrictEqual({
      timeUnixNano: fixtureTimeUnixNano,
      observedTimeUnixNano: fixtureTimeUnixNano + 1n,
      severityNumber: 9,
      severityText: "INFO",
      body: asDecoded({ note: "every type", score: 0.25 }),
      attributes: asDecoded({
        "ml.model.id": "fraud",
        "ml.feature.income": 52_000.5,
        "ml.feature.age": 41,
        "ml.feature.negative_int": -7,
        "ml.feature.is_member": true,
        "ml.feature.tags": ["a", "b", 3],
        "ml.feature.address": { city: "Lyon", zip: 69001, geo: { lat: 45.76, lon: 4.83 } },
        "ml.feature.blob": new Uint8Array(everyTypeAttributes["ml.feature.blob"] as Uint8Array),
      }),
      eventName: "ml.prediction",
      traceId: "",
      spanId: "",
    });
  });

  it("decodes every prediction event with its attributes in order", () => {
    const logRecords = fromProtobuf.resourceLogs[0].scopeLogs[0].logRecords.slice(1);
    expect(logRecords).toHaveLength(predictionCount);
    logRecords.forEach((record, i) => {
      expect(record.attributes).toStrictEqual(asDecoded(predictionAttributes(i, 16)));
      expect(record.timeUnixNano).toBe(BigInt(1_700_000_000 + i) * 1_000_000_000n + BigInt(1000 + i));
      expect(record.observedTimeUnixNano).toBe(BigInt(1_700_000_000 + i) * 1_000_000_000n + BigInt(2000 + i));
      expect(record.body).toBeNull();
    });
  });

  it("reads the trace context of a record emitted inside a span", async () => {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const spanId = "b7ad6b7169203331";
    const span = trace.wrapSpanContext({ traceId, spanId, traceFlags: 1 });
    const withSpan = await recordLogs(0, 0, trace.setSpan(ROOT_CONTEXT, span));
    const body = ProtobufLogsSerializer.serializeRequest(withSpan);
    const jsonBody = JsonLogsSerializer.serializeRequest(withSpan);
    if (body === undefined || jsonBody === undefined) throw new Error("serializer returned no body");
    const [record] = decodeOtlp("logs", "protobuf", body).resourceLogs[0].scopeLogs[0].logRecords;
    expect([record.traceId, record.spanId]).toStrictEqual([traceId, spanId]);
    expect(decodeOtlp("logs", "json", jsonBody)).toStrictEqual(decodeOtlp("logs", "protobuf", body));
  });
});

/** Finds a metric by name, failing the test when it is missing. */
function metricNamed(metrics: Metric[], name: string): Metric {
  const metric = metrics.find((m) => m.name === name);
  if (metric === undefined) throw new Error(`no metric ${name} in ${metrics.map((m) => m.name).join(", ")}`);
  return metric;
}

/** Narrows a metric's data to one oneof member, failing the test otherwise. */
function dataOf<T extends MetricData["type"]>(metric: Metric, type: T): Extract<MetricData, { type: T }> {
  expect(metric.data.type).toBe(type);
  return metric.data as Extract<MetricData, { type: T }>;
}

/** Bucket counts by bucket index (offset applied), skipping empty buckets. */
function countsByIndex(buckets: ExponentialBuckets): Map<number, number> {
  const counts = new Map<number, number>();
  buckets.bucketCounts.forEach((count, k) => {
    if (count > 0) counts.set(buckets.offset + k, count);
  });
  return counts;
}

describe.each(["delta", "cumulative"] as const)("%s metrics from the OpenTelemetry JS SDK", async (temporality) => {
  const resourceMetrics = await collectMetrics(temporality);
  const bodies = bothFormats(resourceMetrics, ProtobufMetricsSerializer, JsonMetricsSerializer);
  const fromProtobuf = decodeOtlp("metrics", "protobuf", bodies.protobuf);
  const fromJson = decodeOtlp("metrics", "json", bodies.json);
  const metrics = fromProtobuf.resourceMetrics[0].scopeMetrics[0].metrics;
  const expectedTemporality = temporality === "delta" ? 1 : 2;

  it("decodes protobuf and JSON bodies of the same metrics to identical records", () => {
    expect(fromJson).toStrictEqual(fromProtobuf);
    expect(fromProtobuf.resourceMetrics[0].resource).toStrictEqual(asDecoded({ ...fixtureResource }));
  });

  it("decodes an int counter as a monotonic sum with its temporality", () => {
    const metric = metricNamed(metrics, "ml.predictions");
    expect(metric.description).toBe("predictions served");
    const sum = dataOf(metric, "sum");
    expect([sum.isMonotonic, sum.aggregationTemporality]).toStrictEqual([true, expectedTemporality]);
    expect(sum.dataPoints.map((p) => [p.value, p.attributes])).toStrictEqual([[7, asDecoded(modelAttributes)]]);
    const [point] = sum.dataPoints;
    expect(point.timeUnixNano).toBeGreaterThan(0n);
    expect(point.startTimeUnixNano).toBeLessThanOrEqual(point.timeUnixNano);
  });

  it("decodes a negative int up-down counter as a non-monotonic sum", () => {
    const sum = dataOf(metricNamed(metrics, "ml.queue.depth"), "sum");
    expect(sum.isMonotonic).toBe(false);
    expect(sum.dataPoints.map((p) => p.value)).toStrictEqual([-3]);
  });

  it("decodes a double gauge", () => {
    const gauge = dataOf(metricNamed(metrics, "ml.feature.drift"), "gauge");
    expect(gauge.dataPoints.map((p) => [p.value, p.attributes["ml.feature.name"]])).toStrictEqual([[0.125, "income"]]);
  });

  it("decodes an explicit-bucket histogram with the recorded counts, sum, min and max", () => {
    const metric = metricNamed(metrics, "ml.prediction.duration");
    expect(metric.unit).toBe("s");
    const histogram = dataOf(metric, "histogram");
    expect(histogram.aggregationTemporality).toBe(expectedTemporality);
    const [point] = histogram.dataPoints;
    // Bucket i holds bounds[i-1] < v <= bounds[i]; the last one everything above the last bound.
    const expectedCounts = new Array(durationBoundariesSeconds.length + 1).fill(0);
    for (const v of recordedLatenciesSeconds) {
      const i = durationBoundariesSeconds.findIndex((bound) => v <= bound);
      expectedCounts[i === -1 ? durationBoundariesSeconds.length : i]++;
    }
    expect(point.explicitBounds).toStrictEqual(durationBoundariesSeconds);
    expect(point.bucketCounts).toStrictEqual(expectedCounts);
    expect(point.count).toBe(recordedLatenciesSeconds.length);
    expect(point.sum).toBeCloseTo(recordedLatenciesSeconds.reduce((a, b) => a + b, 0), 12);
    expect([point.min, point.max]).toStrictEqual([Math.min(...recordedLatenciesSeconds), Math.max(...recordedLatenciesSeconds)]);
  });

  it("decodes an exponential histogram whose buckets hold the recorded values", () => {
    const histogram = dataOf(metricNamed(metrics, "ml.feature.value"), "exponentialHistogram");
    expect(histogram.aggregationTemporality).toBe(expectedTemporality);
    const [point] = histogram.dataPoints;
    const recorded = recordedFeatureValues;
    const zeros = recorded.filter((v) => v === 0).length;
    expect([point.count, point.zeroCount, point.min, point.max]).toStrictEqual([recorded.length, zeros, 0, 1000]);
    expect(point.sum).toBeCloseTo(recorded.reduce((a, b) => a + b, 0), 9);
    // At scale s, bucket index i holds base^i < v <= base^(i+1), base = 2^(2^-s); 0.3 lands below
    // index 0, so the offset is negative (a zigzag sint32 on the wire).
    const base = 2 ** (2 ** -point.scale);
    const expected = new Map<number, number>();
    for (const v of recorded.filter((v) => v > 0)) {
      const i = Math.ceil(Math.log(v) / Math.log(base) - 1e-9) - 1;
      expected.set(i, (expected.get(i) ?? 0) + 1);
    }
    expect(point.positive.offset).toBeLessThan(0);
    expect(countsByIndex(point.positive)).toStrictEqual(expected);
    expect(point.negative.bucketCounts.every((c) => c === 0)).toBe(true);
  });
});

describe("spans from the OpenTelemetry JS SDK", async () => {
  const spans = await recordSpans();
  const bodies = bothFormats(spans, ProtobufTraceSerializer, JsonTraceSerializer);
  const fromProtobuf = decodeOtlp("traces", "protobuf", bodies.protobuf);
  const fromJson = decodeOtlp("traces", "json", bodies.json);
  const decoded = fromProtobuf.resourceSpans[0].scopeSpans[0].spans;
  const parent = decoded.find((s) => s.name === "POST /predict");
  const child = decoded.find((s) => s.name === "predict fraud");

  it("decodes protobuf and JSON bodies of the same spans to identical records", () => {
    expect(fromJson).toStrictEqual(fromProtobuf);
    expect(fromProtobuf.resourceSpans[0].resource).toStrictEqual(asDecoded({ ...fixtureResource }));
  });

  it("decodes ids as the SDK's hex, with the parent link", () => {
    const sdkParent = spans.find((s) => s.name === "POST /predict");
    expect(parent?.traceId).toBe(sdkParent?.spanContext().traceId);
    expect(parent?.spanId).toBe(sdkParent?.spanContext().spanId);
    expect(parent?.parentSpanId).toBe("");
    expect(child?.traceId).toBe(parent?.traceId);
    expect(child?.parentSpanId).toBe(parent?.spanId);
  });

  it("decodes kind, status, attributes and exact nanosecond times", () => {
    expect(parent).toMatchObject({
      kind: 2, // SPAN_KIND_SERVER
      startTimeUnixNano: fixtureTimeUnixNano,
      endTimeUnixNano: 1_700_000_000_923_456_789n,
      attributes: { "ml.model.id": "fraud", "http.response.status_code": 500 },
      status: { code: 2, message: "model timed out" },
    });
    expect(child).toMatchObject({
      kind: 1, // SPAN_KIND_INTERNAL
      startTimeUnixNano: 1_700_000_000_223_456_789n,
      endTimeUnixNano: 1_700_000_000_823_456_789n,
      attributes: { "ml.prediction.score": 0.75 },
      status: { code: 1, message: "" },
    });
  });
});

/**
 * The protobuf path on hand-built bodies: wire-format cases the OpenTelemetry SDK never
 * produces but other senders (the Collector, Go, Java, Python) may, and malformed ones.
 */
import { describe, expect, it } from "vitest";
import { decodeOtlp } from "./decode.ts";
import { OtlpDecodeError } from "./errors.ts";
import {
  attributeField,
  doubleBytes,
  doubleField,
  fixed32Field,
  fixed64Bytes,
  fixed64Field,
  lenField,
  logsRequest,
  message,
  metricsRequest,
  sint32Field,
  stringField,
  tag,
  varintBytes,
  varintField,
} from "../../testing/otlp/protobuf-builder.ts";
import type { HistogramDataPoint, LogRecord, MetricData } from "./types.ts";
import { asDecoded } from "../../testing/otlp/attributes.ts";

function onlyRecord(body: Uint8Array): LogRecord {
  const data = decodeOtlp("logs", "protobuf", body);
  return data.resourceLogs[0].scopeLogs[0].logRecords[0];
}

function onlyMetricData(body: Uint8Array): MetricData {
  return decodeOtlp("metrics", "protobuf", body).resourceMetrics[0].scopeMetrics[0].metrics[0].data;
}

function decodeError(run: () => unknown): OtlpDecodeError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OtlpDecodeError);
    return error as OtlpDecodeError;
  }
  throw new Error("expected an OtlpDecodeError, but decoding succeeded");
}

describe("protobuf decoding", () => {
  it("decodes an empty body as an empty request for every signal", () => {
    const empty = new Uint8Array(0);
    expect(decodeOtlp("logs", "protobuf", empty)).toStrictEqual({ resourceLogs: [] });
    expect(decodeOtlp("metrics", "protobuf", empty)).toStrictEqual({ resourceMetrics: [] });
    expect(decodeOtlp("traces", "protobuf", empty)).toStrictEqual({ resourceSpans: [] });
  });

  it("skips unknown fields of every wire type, groups included", () => {
    const record = onlyRecord(
      logsRequest([
        varintField(50, 1234567890123n),
        fixed64Field(51, 7n),
        stringField(52, "future field"),
        fixed32Field(53, 9),
        [...tag(54, 3), ...varintField(1, 5), ...tag(55, 3), ...tag(55, 4), ...tag(54, 4)],
        stringField(12, "ml.prediction"),
        varintField(2, 9),
      ]),
    );
    expect([record.eventName, record.severityNumber]).toStrictEqual(["ml.prediction", 9]);
  });

  it("skips known fields it does not read (flags, dropped counts, schema_url)", () => {
    const body = lenField(
      1,
      stringField(3, "https://opentelemetry.io/schemas/1.26.0"),
      lenField(2, lenField(2, varintField(7, 3), fixed32Field(8, 1), stringField(12, "ml.actual"))),
    );
    expect(onlyRecord(body).eventName).toBe("ml.actual");
  });

  it("rejects a known field sent with the wrong wire type, naming field and types", () => {
    const error = decodeError(() => onlyRecord(logsRequest([varintField(1, 5)])));
    expect(error.message).toMatch(
      /field 1 \(LogRecord\.time_unix_nano\) has wire type 0 \(varint\), expected 1 \(fixed64\) at byte \d+ in ExportLogsServiceRequest\.resource_logs\[0\]\.scope_logs\[0\]\.log_records\[0\]/,
    );
  });

  it("rejects the invalid wire types 6 and 7 and a stray end-group", () => {
    expect(decodeError(() => onlyRecord(logsRequest([tag(40, 6)]))).message).toMatch(/invalid wire type 6 for field 40/);
    expect(decodeError(() => onlyRecord(logsRequest([tag(40, 7)]))).message).toMatch(/invalid wire type 7 for field 40/);
    expect(decodeError(() => onlyRecord(logsRequest([tag(40, 4)]))).message).toMatch(/unexpected end-group/);
  });

  it("rejects field number 0", () => {
    expect(decodeError(() => decodeOtlp("logs", "protobuf", new Uint8Array([0x02, 0x00]))).message).toMatch(/invalid field number 0/);
  });

  it("rejects a nested message whose length overruns its parent", () => {
    // scope_logs claims 10 bytes inside a resource_logs of 2.
    const body = message(tag(1, 2), varintBytes(2), tag(2, 2), varintBytes(10));
    expect(decodeError(() => decodeOtlp("logs", "protobuf", body)).message).toMatch(
      /length-delimited field of 10 bytes overruns its message \(0 bytes left\) at byte 3 in ExportLogsServiceRequest\.resource_logs\[0\]/,
    );
  });

  it("rejects a varint longer than ten bytes", () => {
    const body = logsRequest([[...tag(2, 0), ...new Array(10).fill(0xff), 0x01]]);
    expect(decodeError(() => onlyRecord(body)).message).toMatch(/varint longer than 10 bytes/);
  });

  it("rejects invalid UTF-8 in a string field", () => {
    const body = logsRequest([lenField(12, [0x6d, 0x6c, 0xc3, 0x28])]);
    const error = decodeError(() => onlyRecord(body));
    expect(error.message).toMatch(/invalid UTF-8 in a string field/);
    expect(error.path).toBe("ExportLogsServiceRequest.resource_logs[0].scope_logs[0].log_records[0]");
  });

  it("decodes multi-byte UTF-8 in keys and values", () => {
    const record = onlyRecord(logsRequest([attributeField(6, "ml.feature.ville", stringField(1, "Besançon – 東京 🚀"))]));
    expect(record.attributes).toStrictEqual(asDecoded({ "ml.feature.ville": "Besançon – 東京 🚀" }));
  });

  it("decodes fixed64 timestamps exactly up to 2^64 - 1", () => {
    const record = onlyRecord(logsRequest([fixed64Field(1, 2n ** 64n - 1n), fixed64Field(11, 1_700_000_000_123_456_789n)]));
    expect([record.timeUnixNano, record.observedTimeUnixNano]).toStrictEqual([2n ** 64n - 1n, 1_700_000_000_123_456_789n]);
  });

  it("decodes int64 attribute values, negative ones ten bytes long, exactly within ±2^53", () => {
    const record = onlyRecord(
      logsRequest([
        attributeField(6, "max", varintField(3, Number.MAX_SAFE_INTEGER)),
        attributeField(6, "min", varintField(3, Number.MIN_SAFE_INTEGER)),
        attributeField(6, "minus_one", varintField(3, -1)),
        attributeField(6, "zero", varintField(3, 0)),
      ]),
    );
    expect(record.attributes).toStrictEqual(asDecoded({ max: Number.MAX_SAFE_INTEGER, min: Number.MIN_SAFE_INTEGER, minus_one: -1, zero: 0 }));
  });

  it("keeps the last value of a repeated attribute key and stores __proto__ as a plain key of a map without a prototype", () => {
    const record = onlyRecord(
      logsRequest([
        attributeField(6, "k", stringField(1, "first")),
        attributeField(6, "k", stringField(1, "second")),
        attributeField(6, "__proto__", stringField(1, "polluted?")),
      ]),
    );
    expect(Object.getPrototypeOf(record.attributes)).toBeNull();
    expect(Object.entries(record.attributes)).toStrictEqual([
      ["k", "second"],
      ["__proto__", "polluted?"],
    ]);
  });

  it("reads the right key when records list different keys of the same length at the same position", () => {
    const body = logsRequest(
      [attributeField(6, "ml.feature.a", varintField(3, 1)), attributeField(6, "ml.feature.b", varintField(3, 2))],
      [attributeField(6, "ml.feature.b", varintField(3, 3)), attributeField(6, "ml.feature.a", varintField(3, 4))],
      [attributeField(6, "ml.feature.é", varintField(3, 5))],
    );
    const records = decodeOtlp("logs", "protobuf", body).resourceLogs[0].scopeLogs[0].logRecords;
    expect(records.map((r) => Object.entries(r.attributes))).toStrictEqual([
      [["ml.feature.a", 1], ["ml.feature.b", 2]],
      [["ml.feature.b", 3], ["ml.feature.a", 4]],
      [["ml.feature.é", 5]],
    ]);
  });

  it("reads every key exactly when there are more distinct keys than the key cache has slots", () => {
    // 10 000 keys over 4 096 slots: collisions must cost speed, never a wrong key.
    const keys = Array.from({ length: 10_000 }, (_, i) => `k.${(i * 2654435761) % 1_000_003}.${i}`);
    const body = logsRequest(keys.map((key, i) => attributeField(6, key, varintField(3, i))));
    const again = logsRequest(keys.map((key, i) => attributeField(6, key, varintField(3, i))));
    for (const decoded of [onlyRecord(body), onlyRecord(again)]) {
      expect(Object.keys(decoded.attributes)).toStrictEqual(keys);
    }
  });

  it("decodes an AnyValue with no member set as null and a bytes value as a copy", () => {
    const body = logsRequest([attributeField(6, "empty"), attributeField(6, "bytes", lenField(7, [1, 2, 3]))]);
    const record = onlyRecord(body);
    expect(record.attributes.empty).toBeNull();
    const bytes = record.attributes.bytes as Uint8Array;
    expect([...bytes]).toStrictEqual([1, 2, 3]);
    expect(bytes.buffer).not.toBe(body.buffer);
  });

  it("accepts AnyValue nesting up to maxAnyValueDepth and rejects one level more", () => {
    // depth 1 is the attribute value itself; each array_value adds one level.
    const nested = (depth: number): Uint8Array =>
      depth === 1 ? stringField(1, "leaf") : lenField(5, lenField(1, nested(depth - 1)));
    const body = (depth: number) => logsRequest([attributeField(6, "deep", nested(depth))]);
    expect(onlyRecord(body(8)).attributes.deep).toStrictEqual([[[[[[["leaf"]]]]]]]);
    expect(decodeError(() => onlyRecord(body(9))).message).toMatch(/AnyValue nested 9 deep, past the limit maxAnyValueDepth = 8/);
    expect(decodeError(() => decodeOtlp("logs", "protobuf", body(4), { maxAnyValueDepth: 3 })).message).toMatch(
      /maxAnyValueDepth = 3/,
    );
  });

  it("rejects hostile AnyValue nesting 20 000 deep with the depth error, not a stack overflow", () => {
    // Deep enough to overflow the stack of an unbounded recursive decoder; each level is
    // array_value { values { ... } }.
    const leaf = stringField(1, "leaf");
    const levels = 20_000;
    // Sizes bottom-up, then one buffer filled top-down: nesting by copying would cost O(levels²).
    const innerSizes = [leaf.length];
    for (let i = 0; i < levels; i++) {
      const values = 1 + varintBytes(innerSizes[i]).length + innerSizes[i];
      innerSizes.push(1 + varintBytes(values).length + values);
    }
    const value = new Uint8Array(innerSizes[levels]);
    let offset = 0;
    for (let i = levels; i > 0; i--) {
      const inner = innerSizes[i - 1];
      const values = 1 + varintBytes(inner).length + inner;
      for (const byte of [...tag(5, 2), ...varintBytes(values), ...tag(1, 2), ...varintBytes(inner)]) value[offset++] = byte;
    }
    value.set(leaf, offset);
    const error = decodeError(() => onlyRecord(logsRequest([attributeField(6, "deep", value)])));
    expect(error.message).toMatch(/past the limit maxAnyValueDepth = 8/);
  });

  it("rejects invalid options as a configuration error", () => {
    expect(() => decodeOtlp("logs", "protobuf", new Uint8Array(0), { maxAnyValueDepth: 0 })).toThrow(RangeError);
  });
});

describe("protobuf metric data points", () => {
  const histogramPoint = (...fields: (Uint8Array | number[])[]): HistogramDataPoint => {
    const data = onlyMetricData(metricsRequest([stringField(1, "h"), lenField(9, lenField(1, ...fields), varintField(2, 1))]));
    if (data.type !== "histogram") throw new Error(`expected a histogram, got ${data.type}`);
    return data.dataPoints[0];
  };

  it("decodes packed and unpacked bucket_counts and explicit_bounds alike", () => {
    const packed = histogramPoint(
      lenField(6, ...[1n, 2n, 3n].map(fixed64Bytes)),
      lenField(7, ...[0.5, 1].map(doubleBytes)),
      fixed64Field(4, 6n),
    );
    const unpacked = histogramPoint(
      fixed64Field(6, 1n),
      fixed64Field(6, 2n),
      fixed64Field(6, 3n),
      doubleField(7, 0.5),
      doubleField(7, 1),
      fixed64Field(4, 6n),
    );
    expect(unpacked).toStrictEqual(packed);
    expect([packed.bucketCounts, packed.explicitBounds, packed.count]).toStrictEqual([[1, 2, 3], [0.5, 1], 6]);
    expect([packed.sum, packed.min, packed.max]).toStrictEqual([undefined, undefined, undefined]);
  });

  it("rejects a packed fixed64 run whose length is not a multiple of 8", () => {
    expect(decodeError(() => histogramPoint(lenField(6, [1, 2, 3]))).message).toMatch(/packed fixed64 field of 3 bytes/);
  });

  it("decodes exponential buckets with negative zigzag offsets, packed and unpacked counts", () => {
    const buckets = (...fields: (Uint8Array | number[])[]) =>
      onlyMetricData(
        metricsRequest([stringField(1, "e"), lenField(10, lenField(1, sint32Field(6, -2), lenField(9, ...fields)), varintField(2, 2))]),
      );
    const packed = buckets(sint32Field(1, -3), lenField(2, [...varintBytes(4), ...varintBytes(300)]));
    const unpacked = buckets(sint32Field(1, -3), varintField(2, 4), varintField(2, 300));
    expect(unpacked).toStrictEqual(packed);
    expect(packed).toMatchObject({
      type: "exponentialHistogram",
      aggregationTemporality: 2,
      dataPoints: [{ scale: -2, negative: { offset: -3, bucketCounts: [4, 300] }, positive: { offset: 0, bucketCounts: [] } }],
    });
  });

  it("decodes a summary, and a metric without data as type none", () => {
    const summary = onlyMetricData(
      metricsRequest([
        stringField(1, "s"),
        lenField(11, lenField(1, fixed64Field(4, 3n), doubleField(5, 1.5), lenField(6, doubleField(1, 0.5), doubleField(2, 0.4)))),
      ]),
    );
    expect(summary).toMatchObject({ type: "summary", dataPoints: [{ count: 3, sum: 1.5, quantileValues: [{ quantile: 0.5, value: 0.4 }] }] });
    expect(onlyMetricData(metricsRequest([stringField(1, "nothing")]))).toStrictEqual({ type: "none" });
  });

  it("reads a number point without a value as NaN, and as_int as a signed sfixed64", () => {
    const gauge = (...fields: (Uint8Array | number[])[]) =>
      onlyMetricData(metricsRequest([stringField(1, "g"), lenField(5, lenField(1, ...fields))]));
    expect(gauge(fixed64Field(3, 5n))).toMatchObject({ type: "gauge", dataPoints: [{ value: NaN }] });
    expect(gauge(fixed64Field(6, -42n))).toMatchObject({ type: "gauge", dataPoints: [{ value: -42 }] });
  });
});

/**
 * The OTLP/JSON path: the mapping rules of opentelemetry-proto docs/specification.md as other
 * senders use them (snake_case keys, numbers for 64-bit integers, enum names), and bad bodies.
 */
import { describe, expect, it } from "vitest";
import { JsonLogsSerializer, JsonMetricsSerializer } from "@opentelemetry/otlp-transformer";
import { decodeOtlp } from "./decode.ts";
import { OtlpDecodeError } from "./errors.ts";
import { collectMetrics, recordLogs } from "../../testing/otlp/otel-fixtures.ts";
import type { LogRecord } from "./types.ts";
import { asDecoded } from "../../testing/otlp/attributes.ts";

const utf8 = new TextEncoder();

function json(value: unknown): Uint8Array {
  return utf8.encode(JSON.stringify(value));
}

/** A logs request with one record made of the given JSON fields. */
function logsBody(record: Record<string, unknown>): Uint8Array {
  return json({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] });
}

function onlyRecord(body: Uint8Array): LogRecord {
  return decodeOtlp("logs", "json", body).resourceLogs[0].scopeLogs[0].logRecords[0];
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

/** Renames every object key from lowerCamelCase to the proto's snake_case. */
function toSnakeCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSnakeCase);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase()), toSnakeCase(v)]));
}

describe("OTLP/JSON decoding", () => {
  it("accepts the proto's snake_case field names as well as lowerCamelCase", async () => {
    const logsJson = JsonLogsSerializer.serializeRequest(await recordLogs(3)) as Uint8Array;
    const metricsJson = JsonMetricsSerializer.serializeRequest(await collectMetrics("cumulative")) as Uint8Array;
    const snake = (body: Uint8Array) => json(toSnakeCase(JSON.parse(new TextDecoder().decode(body))));
    expect(new TextDecoder().decode(snake(logsJson))).toContain('"log_records"');
    expect(decodeOtlp("logs", "json", snake(logsJson))).toStrictEqual(decodeOtlp("logs", "json", logsJson));
    expect(decodeOtlp("metrics", "json", snake(metricsJson))).toStrictEqual(decodeOtlp("metrics", "json", metricsJson));
  });

  it("accepts 64-bit integers as strings or numbers and timestamps exactly from strings", () => {
    const record = onlyRecord(
      logsBody({
        timeUnixNano: "18446744073709551615",
        observedTimeUnixNano: 1_700_000_000_000,
        attributes: [
          { key: "s", value: { intValue: "-9007199254740991" } },
          { key: "n", value: { intValue: 42 } },
        ],
      }),
    );
    expect([record.timeUnixNano, record.observedTimeUnixNano]).toStrictEqual([2n ** 64n - 1n, 1_700_000_000_000n]);
    expect(record.attributes).toStrictEqual(asDecoded({ s: Number.MIN_SAFE_INTEGER, n: 42 }));
  });

  it("accepts enum names as well as integers", () => {
    expect(onlyRecord(logsBody({ severityNumber: "SEVERITY_NUMBER_WARN2" })).severityNumber).toBe(14);
    const traces = decodeOtlp(
      "traces",
      "json",
      json({ resourceSpans: [{ scopeSpans: [{ spans: [{ kind: "SPAN_KIND_CLIENT", status: { code: "STATUS_CODE_ERROR" } }] }] }] }),
    );
    expect(traces.resourceSpans[0].scopeSpans[0].spans[0]).toMatchObject({ kind: 3, status: { code: 2 } });
  });

  it("reads special doubles, base64 bytes in both alphabets and lowercases hex ids", () => {
    const record = onlyRecord(
      logsBody({
        traceId: "0AF7651916CD43DD8448EB211C80319C",
        spanId: "B7AD6B7169203331",
        attributes: [
          { key: "nan", value: { doubleValue: "NaN" } },
          { key: "inf", value: { doubleValue: "-Infinity" } },
          { key: "std", value: { bytesValue: "+/8=" } },
          { key: "url", value: { bytesValue: "-_8" } },
        ],
      }),
    );
    expect([record.traceId, record.spanId]).toStrictEqual(["0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"]);
    expect(record.attributes).toStrictEqual(
      asDecoded({
        nan: NaN,
        inf: -Infinity,
        std: new Uint8Array([0xfb, 0xff]),
        url: new Uint8Array([0xfb, 0xff]),
      }),
    );
  });

  it("ignores unknown fields and treats null as not set", () => {
    const record = onlyRecord(logsBody({ eventName: "ml.actual", futureField: { deep: [1, 2] }, severityText: null, body: null }));
    expect(record).toMatchObject({ eventName: "ml.actual", severityText: "", body: null });
  });

  it("decodes an empty body as an empty request", () => {
    expect(decodeOtlp("metrics", "json", new Uint8Array(0))).toStrictEqual({ resourceMetrics: [] });
    expect(decodeOtlp("traces", "json", json({}))).toStrictEqual({ resourceSpans: [] });
  });

  it("rejects a body that is not valid JSON, quoting the parser", () => {
    const error = decodeError(() => decodeOtlp("logs", "json", utf8.encode('{"resourceLogs": [')));
    expect(error.message).toMatch(/^JSON body is not valid JSON: /);
  });

  it("rejects a body that is not valid UTF-8", () => {
    const body = new Uint8Array([...utf8.encode('{"a":"'), 0xc3, 0x28, ...utf8.encode('"}')]);
    expect(decodeError(() => decodeOtlp("logs", "json", body)).message).toMatch(/^JSON body is not valid UTF-8/);
  });

  it("rejects fields of the wrong JSON type, naming the path and what it got", () => {
    expect(decodeError(() => decodeOtlp("logs", "json", json({ resourceLogs: 5 }))).message).toBe(
      "ExportLogsServiceRequest.resourceLogs: expected an array, got number 5",
    );
    expect(decodeError(() => decodeOtlp("logs", "json", json([]))).message).toBe("ExportLogsServiceRequest: expected an object, got an array");
    expect(decodeError(() => onlyRecord(logsBody({ timeUnixNano: "soon" }))).message).toBe(
      "ExportLogsServiceRequest.resourceLogs[0].scopeLogs[0].logRecords[0].timeUnixNano: " +
        'expected a non-negative integer timestamp (a decimal string or a number), got string "soon"',
    );
    expect(decodeError(() => onlyRecord(logsBody({ attributes: [{ key: "k", value: { stringValue: 5 } }] }))).message).toBe(
      "ExportLogsServiceRequest.resourceLogs[0].scopeLogs[0].logRecords[0].attributes[0].value.stringValue: expected a string, got number 5",
    );
    expect(decodeError(() => onlyRecord(logsBody({ spanId: "not hex!" }))).message).toMatch(/spanId: expected an id as an even number of hex digits/);
    expect(decodeError(() => onlyRecord(logsBody({ attributes: [{ key: "b", value: { bytesValue: "a" } }] }))).message).toMatch(
      /bytesValue: expected base64 bytes/,
    );
    const metrics = json({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ histogram: { dataPoints: [{ bucketCounts: [1, "x"] }] } }] }] }] });
    expect(decodeError(() => decodeOtlp("metrics", "json", metrics)).message).toBe(
      "ExportMetricsServiceRequest.resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints[0].bucketCounts[1]: " +
        'expected an integer (a number or a decimal string), got string "x"',
    );
  });

  it("accepts AnyValue nesting up to maxAnyValueDepth and rejects one level more", () => {
    const nested = (depth: number): unknown => (depth === 1 ? { stringValue: "leaf" } : { arrayValue: { values: [nested(depth - 1)] } });
    const body = (depth: number) => logsBody({ attributes: [{ key: "deep", value: nested(depth) }] });
    expect(onlyRecord(body(8)).attributes.deep).toStrictEqual([[[[[[["leaf"]]]]]]]);
    expect(decodeError(() => onlyRecord(body(9))).message).toMatch(/AnyValue nested 9 deep, past the limit maxAnyValueDepth = 8/);
  });

  it("rejects hostile kvlist nesting 20 000 deep with a decode error, not a stack overflow", () => {
    const levels = 20_000;
    const text =
      '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":' +
      '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(levels) +
      '{"stringValue":"leaf"}' +
      "}]}}".repeat(levels) +
      "}]}]}]}";
    expect(decodeError(() => decodeOtlp("logs", "json", utf8.encode(text))).message).toMatch(/maxAnyValueDepth = 8/);
  });

  it("keeps __proto__ attribute keys as plain keys of a map without a prototype", () => {
    const record = onlyRecord(logsBody({ attributes: [{ key: "__proto__", value: { boolValue: true } }] }));
    expect(Object.getPrototypeOf(record.attributes)).toBeNull();
    expect(Object.entries(record.attributes)).toStrictEqual([["__proto__", true]]);
  });
});

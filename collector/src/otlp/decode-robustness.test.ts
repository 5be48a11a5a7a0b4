/**
 * Hostile and broken bodies: whatever arrives, decoding ends with records or an OtlpDecodeError
 * (a 400), never another exception (a 500), a hang or a body of the wrong format accepted.
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
import { decodeOtlp } from "./decode.ts";
import { OtlpDecodeError } from "./errors.ts";
import { collectMetrics, recordLogs, recordSpans } from "../../testing/otlp/otel-fixtures.ts";
import type { Signal } from "./types.ts";
import { seededRandom } from "../../testing/sketch/datasets.ts";


/** Decodes, returning the error if there was one; anything but an OtlpDecodeError fails the test. */
function outcome(signal: Signal, format: "protobuf" | "json", body: Uint8Array): OtlpDecodeError | undefined {
  try {
    decodeOtlp(signal, format, body);
    return undefined;
  } catch (error) {
    if (!(error instanceof OtlpDecodeError)) throw new Error(`not an OtlpDecodeError: ${String(error)}`, { cause: error });
    return error;
  }
}

const real = {
  logs: {
    protobuf: ProtobufLogsSerializer.serializeRequest(await recordLogs(3, 6)) as Uint8Array,
    json: JsonLogsSerializer.serializeRequest(await recordLogs(3, 6)) as Uint8Array,
  },
  metrics: {
    protobuf: ProtobufMetricsSerializer.serializeRequest(await collectMetrics("delta")) as Uint8Array,
    json: JsonMetricsSerializer.serializeRequest(await collectMetrics("delta")) as Uint8Array,
  },
  traces: {
    protobuf: ProtobufTraceSerializer.serializeRequest(await recordSpans()) as Uint8Array,
    json: JsonTraceSerializer.serializeRequest(await recordSpans()) as Uint8Array,
  },
};
const signals = ["logs", "metrics", "traces"] as const;

describe.each(signals)("a %s protobuf body from the SDK", (signal) => {
  const body = real[signal].protobuf;

  it("decodes in full, and every proper prefix is rejected as truncated", () => {
    expect(outcome(signal, "protobuf", body)).toBeUndefined();
    // One resource element spans the whole body, so no proper prefix ends on a message boundary.
    for (let length = 1; length < body.length; length++) {
      const error = outcome(signal, "protobuf", body.subarray(0, length));
      expect(error?.message, `prefix of ${length} bytes`).toMatch(/(truncated|overruns its message).* at byte \d+ in Export\w+ServiceRequest/);
    }
  });

  it("ends every seeded byte mutation with records or a decode error", () => {
    const random = seededRandom(0x5eed + body.length);
    let rejected = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const mutated = body.slice();
      for (let flips = 1 + Math.floor(random() * 3); flips > 0; flips--) {
        mutated[Math.floor(random() * mutated.length)] = Math.floor(random() * 256);
      }
      if (outcome(signal, "protobuf", mutated) !== undefined) rejected++;
    }
    // Most mutations break the structure; the rest land in values and still decode.
    expect(rejected).toBeGreaterThan(0);
  });
});

describe("garbage and mislabelled bodies", () => {
  it("ends every seeded random body with records or a decode error", () => {
    const random = seededRandom(42);
    for (let trial = 0; trial < 5000; trial++) {
      const body = new Uint8Array(1 + Math.floor(random() * 200));
      for (let i = 0; i < body.length; i++) body[i] = Math.floor(random() * 256);
      for (const signal of signals) outcome(signal, "protobuf", body);
    }
  });

  it("rejects a JSON body labelled protobuf instead of reading an empty request", () => {
    const error = outcome("logs", "protobuf", new TextEncoder().encode('{"resourceLogs":[]}'));
    expect(error?.message).toMatch(/the body looks like JSON: send OTLP\/JSON with Content-Type: application\/json/);
    for (const signal of signals) {
      expect(outcome(signal, "protobuf", real[signal].json)?.message, signal).toMatch(/looks like JSON/);
    }
  });

  it("rejects a protobuf body labelled JSON", () => {
    for (const signal of signals) {
      expect(outcome(signal, "json", real[signal].protobuf)?.message, signal).toMatch(/^JSON body is not valid (JSON|UTF-8)/);
    }
  });
});

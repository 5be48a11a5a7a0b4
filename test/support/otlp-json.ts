/**
 * OTLP/JSON `ml.prediction` requests for end-to-end tests: the simplest client there is, a plain
 * POST of the JSON an OpenTelemetry SDK would send.
 */
import type { RunningWorker } from "./worker.ts";

/** Attribute values as OTLP/JSON writes them: numbers as doubles, strings as strings. */
type Scalar = number | string;

function anyValue(value: Scalar) {
  return typeof value === "number" ? { doubleValue: value } : { stringValue: value };
}

/** An ExportLogsServiceRequest with one `ml.prediction` event per attribute set, timestamped `timeMs`. */
export function predictionsRequest(records: Record<string, Scalar>[], timeMs = Date.now()): string {
  return eventsRequest("ml.prediction", records, timeMs);
}

/** An ExportLogsServiceRequest with one `eventName` event per attribute set (`ml.actual` for actuals). */
export function eventsRequest(eventName: string, records: Record<string, Scalar>[], timeMs = Date.now()): string {
  const timeUnixNano = String(BigInt(Math.floor(timeMs)) * 1_000_000n);
  const logRecords = records.map((attributes) => ({
    timeUnixNano,
    eventName,
    attributes: Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) })),
  }));
  return JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ scope: { name: "driftline-test" }, logRecords }] }] });
}

/** Posts an OTLP/JSON logs request with the worker's ingest token; returns the response. */
export function postLogs(worker: Pick<RunningWorker, "url" | "ingestToken">, body: string): Promise<Response> {
  return fetch(`${worker.url}/v1/logs`, {
    method: "POST",
    headers: { Authorization: `Bearer ${worker.ingestToken}`, "Content-Type": "application/json" },
    body,
  });
}

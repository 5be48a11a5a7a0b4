import { newAttributes } from "./attributes.ts";
/** ExportTraceServiceRequest from OTLP/JSON; the same records as protobuf-traces.ts produces. */
import { readAttributesJson, readResourceJson, readScopeJson } from "./json-common.ts";
import type { JsonReader } from "./json-reader.ts";
import type { ResourceSpans, ScopeSpans, Span, TracesData } from "./types.ts";
import { StatusCode } from "./types.ts";

const spanKindNames: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const statusCodeNames: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

/** Decodes a parsed ExportTraceServiceRequest. */
export function readTracesRequestJson(j: JsonReader, body: unknown): TracesData {
  const request = j.object(body, "");
  const resourceSpans: ResourceSpans[] = [];
  for (const key in request) {
    const value = request[key];
    if (value === null || (key !== "resourceSpans" && key !== "resource_spans")) continue;
    const list = j.array(value, key);
    for (let i = 0; i < list.length; i++) {
      j.path.push(key, i);
      resourceSpans.push(readResourceSpans(j, list[i]));
      j.path.pop();
    }
  }
  return { resourceSpans };
}

function readResourceSpans(j: JsonReader, json: unknown): ResourceSpans {
  const o = j.object(json, "");
  const result: ResourceSpans = { resource: newAttributes(), scopeSpans: [] };
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    if (key === "resource") readResourceJson(j, value, key, result.resource);
    else if (key === "scopeSpans" || key === "scope_spans") {
      const list = j.array(value, key);
      for (let i = 0; i < list.length; i++) {
        j.path.push(key, i);
        result.scopeSpans.push(readScopeSpans(j, list[i]));
        j.path.pop();
      }
    }
  }
  return result;
}

function readScopeSpans(j: JsonReader, json: unknown): ScopeSpans {
  const o = j.object(json, "");
  const result: ScopeSpans = { scope: { name: "", version: "" }, spans: [] };
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    if (key === "scope") result.scope = readScopeJson(j, value, key);
    else if (key === "spans") {
      const list = j.array(value, key);
      for (let i = 0; i < list.length; i++) {
        j.path.push(key, i);
        result.spans.push(readSpan(j, list[i]));
        j.path.pop();
      }
    }
  }
  return result;
}

function readSpan(j: JsonReader, json: unknown): Span {
  const o = j.object(json, "");
  const span: Span = {
    traceId: "",
    spanId: "",
    parentSpanId: "",
    name: "",
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: newAttributes(),
    status: { code: StatusCode.Unset, message: "" },
  };
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    switch (key) {
      case "traceId":
      case "trace_id":
        span.traceId = j.hexId(value, key);
        break;
      case "spanId":
      case "span_id":
        span.spanId = j.hexId(value, key);
        break;
      case "parentSpanId":
      case "parent_span_id":
        span.parentSpanId = j.hexId(value, key);
        break;
      case "name":
        span.name = j.string(value, key);
        break;
      case "kind":
        span.kind = j.enumValue(value, key, spanKindNames);
        break;
      case "startTimeUnixNano":
      case "start_time_unix_nano":
        span.startTimeUnixNano = j.timestamp(value, key);
        break;
      case "endTimeUnixNano":
      case "end_time_unix_nano":
        span.endTimeUnixNano = j.timestamp(value, key);
        break;
      case "attributes":
        readAttributesJson(j, value, key, span.attributes);
        break;
      case "status":
        span.status = readStatus(j, value, key);
        break;
    }
  }
  return span;
}

function readStatus(j: JsonReader, json: unknown, field: string): Span["status"] {
  const o = j.object(json, field);
  j.path.push(field, -1);
  const status: Span["status"] = { code: StatusCode.Unset, message: "" };
  if (o.message !== undefined && o.message !== null) status.message = j.string(o.message, "message");
  if (o.code !== undefined && o.code !== null) {
    const code = j.enumValue(o.code, "code", statusCodeNames);
    // A code this proto version does not define reads as Unset rather than widening the type.
    status.code = code === StatusCode.Ok || code === StatusCode.Error ? code : StatusCode.Unset;
  }
  j.path.pop();
  return status;
}

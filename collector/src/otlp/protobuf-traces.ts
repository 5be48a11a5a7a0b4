import { newAttributes } from "./attributes.ts";
/**
 * ExportTraceServiceRequest from protobuf (opentelemetry/proto/collector/trace/v1/trace_service.proto,
 * trace/v1/trace.proto). Span events and links are skipped: Driftline reads latency and status.
 */
import { readAttribute, readResource, readScope } from "./protobuf-common.ts";
import { messageSpec, WireType } from "./protobuf-wire.ts";
import type { ProtobufReader } from "./protobuf-reader.ts";
import { skipField } from "./protobuf-skip.ts";
import type { ResourceSpans, ScopeSpans, Span, TracesData } from "./types.ts";
import { StatusCode } from "./types.ts";

const { Varint: VARINT, Fixed64: I64, LengthDelimited: LEN, Fixed32: I32 } = WireType;

const requestSpec = messageSpec("ExportTraceServiceRequest", { 1: ["resource_spans", LEN] });
const resourceSpansSpec = messageSpec("ResourceSpans", { 1: ["resource", LEN], 2: ["scope_spans", LEN], 3: ["schema_url", LEN] });
const scopeSpansSpec = messageSpec("ScopeSpans", { 1: ["scope", LEN], 2: ["spans", LEN], 3: ["schema_url", LEN] });
const spanSpec = messageSpec("Span", {
  1: ["trace_id", LEN],
  2: ["span_id", LEN],
  3: ["trace_state", LEN],
  4: ["parent_span_id", LEN],
  5: ["name", LEN],
  6: ["kind", VARINT],
  7: ["start_time_unix_nano", I64],
  8: ["end_time_unix_nano", I64],
  9: ["attributes", LEN],
  10: ["dropped_attributes_count", VARINT],
  11: ["events", LEN],
  12: ["dropped_events_count", VARINT],
  13: ["links", LEN],
  14: ["dropped_links_count", VARINT],
  15: ["status", LEN],
  16: ["flags", I32],
});
const statusSpec = messageSpec("Status", { 2: ["message", LEN], 3: ["code", VARINT] });

/** Decodes a whole ExportTraceServiceRequest body. */
export function readTracesRequest(r: ProtobufReader): TracesData {
  const resourceSpans: ResourceSpans[] = [];
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | LEN)) {
      const parent = r.enter("resource_spans", resourceSpans.length);
      resourceSpans.push(readResourceSpans(r));
      r.leave(parent);
    } else skipField(r, tag, requestSpec);
  }
  return { resourceSpans };
}

function readResourceSpans(r: ProtobufReader): ResourceSpans {
  const result: ResourceSpans = { resource: newAttributes(), scopeSpans: [] };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | LEN)) readResource(r, result.resource);
    else if (tag === ((2 << 3) | LEN)) {
      const parent = r.enter("scope_spans", result.scopeSpans.length);
      result.scopeSpans.push(readScopeSpans(r));
      r.leave(parent);
    } else skipField(r, tag, resourceSpansSpec);
  }
  return result;
}

function readScopeSpans(r: ProtobufReader): ScopeSpans {
  const result: ScopeSpans = { scope: { name: "", version: "" }, spans: [] };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((2 << 3) | LEN)) {
      const parent = r.enter("spans", result.spans.length);
      result.spans.push(readSpan(r));
      r.leave(parent);
    } else if (tag === ((1 << 3) | LEN)) result.scope = readScope(r);
    else skipField(r, tag, scopeSpansSpec);
  }
  return result;
}

function readSpan(r: ProtobufReader): Span {
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
  let attributeIndex = 0;
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | LEN:
        span.traceId = r.readHex();
        break;
      case (2 << 3) | LEN:
        span.spanId = r.readHex();
        break;
      case (4 << 3) | LEN:
        span.parentSpanId = r.readHex();
        break;
      case (5 << 3) | LEN:
        span.name = r.readString();
        break;
      case (6 << 3) | VARINT:
        span.kind = r.readInt32();
        break;
      case (7 << 3) | I64:
        span.startTimeUnixNano = r.readFixed64BigInt();
        break;
      case (8 << 3) | I64:
        span.endTimeUnixNano = r.readFixed64BigInt();
        break;
      case (9 << 3) | LEN:
        readAttribute(r, span.attributes, attributeIndex++);
        break;
      case (15 << 3) | LEN:
        span.status = readStatus(r);
        break;
      default:
        skipField(r, tag, spanSpec);
    }
  }
  return span;
}

function readStatus(r: ProtobufReader): Span["status"] {
  const parent = r.enter("status", -1);
  const status: Span["status"] = { code: StatusCode.Unset, message: "" };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((2 << 3) | LEN)) status.message = r.readString();
    else if (tag === ((3 << 3) | VARINT)) {
      const code = r.readInt32();
      // A code this proto version does not define reads as Unset rather than widening the type.
      status.code = code === StatusCode.Ok || code === StatusCode.Error ? code : StatusCode.Unset;
    } else skipField(r, tag, statusSpec);
  }
  r.leave(parent);
  return status;
}

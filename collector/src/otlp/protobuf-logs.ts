import { newAttributes } from "./attributes.ts";
/**
 * ExportLogsServiceRequest from protobuf (opentelemetry/proto/collector/logs/v1/logs_service.proto,
 * logs/v1/logs.proto). Field numbers are the proto's; reserved and unread fields are skipped.
 */
import { readAnyValue, readAttribute, readResource, readScope } from "./protobuf-common.ts";
import { messageSpec, WireType } from "./protobuf-wire.ts";
import type { ProtobufReader } from "./protobuf-reader.ts";
import { skipField } from "./protobuf-skip.ts";
import type { LogRecord, LogsData, ResourceLogs, ScopeLogs } from "./types.ts";

const { Varint: VARINT, Fixed64: I64, LengthDelimited: LEN, Fixed32: I32 } = WireType;

const requestSpec = messageSpec("ExportLogsServiceRequest", { 1: ["resource_logs", LEN] });
const resourceLogsSpec = messageSpec("ResourceLogs", { 1: ["resource", LEN], 2: ["scope_logs", LEN], 3: ["schema_url", LEN] });
const scopeLogsSpec = messageSpec("ScopeLogs", { 1: ["scope", LEN], 2: ["log_records", LEN], 3: ["schema_url", LEN] });
const logRecordSpec = messageSpec("LogRecord", {
  1: ["time_unix_nano", I64],
  2: ["severity_number", VARINT],
  3: ["severity_text", LEN],
  5: ["body", LEN],
  6: ["attributes", LEN],
  7: ["dropped_attributes_count", VARINT],
  8: ["flags", I32],
  9: ["trace_id", LEN],
  10: ["span_id", LEN],
  11: ["observed_time_unix_nano", I64],
  12: ["event_name", LEN],
});

/** Decodes a whole ExportLogsServiceRequest body. */
export function readLogsRequest(r: ProtobufReader): LogsData {
  const resourceLogs: ResourceLogs[] = [];
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | LEN)) {
      const parent = r.enter("resource_logs", resourceLogs.length);
      resourceLogs.push(readResourceLogs(r));
      r.leave(parent);
    } else skipField(r, tag, requestSpec);
  }
  return { resourceLogs };
}

function readResourceLogs(r: ProtobufReader): ResourceLogs {
  const result: ResourceLogs = { resource: newAttributes(), scopeLogs: [] };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | LEN)) readResource(r, result.resource);
    else if (tag === ((2 << 3) | LEN)) {
      const parent = r.enter("scope_logs", result.scopeLogs.length);
      result.scopeLogs.push(readScopeLogs(r));
      r.leave(parent);
    } else skipField(r, tag, resourceLogsSpec);
  }
  return result;
}

function readScopeLogs(r: ProtobufReader): ScopeLogs {
  const result: ScopeLogs = { scope: { name: "", version: "" }, logRecords: [] };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((2 << 3) | LEN)) {
      const parent = r.enter("log_records", result.logRecords.length);
      result.logRecords.push(readLogRecord(r));
      r.leave(parent);
    } else if (tag === ((1 << 3) | LEN)) result.scope = readScope(r);
    else skipField(r, tag, scopeLogsSpec);
  }
  return result;
}

function readLogRecord(r: ProtobufReader): LogRecord {
  const record: LogRecord = {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: 0,
    severityText: "",
    body: null,
    attributes: newAttributes(),
    eventName: "",
    traceId: "",
    spanId: "",
  };
  let attributeIndex = 0;
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (6 << 3) | LEN:
        readAttribute(r, record.attributes, attributeIndex++);
        break;
      case (1 << 3) | I64:
        record.timeUnixNano = r.readFixed64BigInt();
        break;
      case (11 << 3) | I64:
        record.observedTimeUnixNano = r.readFixed64BigInt();
        break;
      case (2 << 3) | VARINT:
        record.severityNumber = r.readInt32();
        break;
      case (3 << 3) | LEN:
        record.severityText = r.readString();
        break;
      case (5 << 3) | LEN: {
        const parent = r.enter("body", -1);
        record.body = readAnyValue(r, 1);
        r.leave(parent);
        break;
      }
      case (9 << 3) | LEN:
        record.traceId = r.readHex();
        break;
      case (10 << 3) | LEN:
        record.spanId = r.readHex();
        break;
      case (12 << 3) | LEN:
        record.eventName = r.readString();
        break;
      default:
        skipField(r, tag, logRecordSpec);
    }
  }
  return record;
}

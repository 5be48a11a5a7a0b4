import { newAttributes } from "./attributes.ts";
/** ExportLogsServiceRequest from OTLP/JSON; the same records as protobuf-logs.ts produces. */
import { readAnyValueJson, readAttributesJson, readResourceJson, readScopeJson } from "./json-common.ts";
import type { JsonReader } from "./json-reader.ts";
import type { LogRecord, LogsData, ResourceLogs, ScopeLogs } from "./types.ts";

/** SeverityNumber names (logs.proto): SEVERITY_NUMBER_TRACE = 1 … SEVERITY_NUMBER_FATAL4 = 24. */
const severityNames: Record<string, number> = { SEVERITY_NUMBER_UNSPECIFIED: 0 };
["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"].forEach((level, i) => {
  severityNames[`SEVERITY_NUMBER_${level}`] = 4 * i + 1;
  for (let k = 2; k <= 4; k++) severityNames[`SEVERITY_NUMBER_${level}${k}`] = 4 * i + k;
});

/** Decodes a parsed ExportLogsServiceRequest. */
export function readLogsRequestJson(j: JsonReader, body: unknown): LogsData {
  const request = j.object(body, "");
  const resourceLogs: ResourceLogs[] = [];
  for (const key in request) {
    const value = request[key];
    if (value === null || (key !== "resourceLogs" && key !== "resource_logs")) continue;
    const list = j.array(value, key);
    for (let i = 0; i < list.length; i++) {
      j.path.push(key, i);
      resourceLogs.push(readResourceLogs(j, list[i]));
      j.path.pop();
    }
  }
  return { resourceLogs };
}

function readResourceLogs(j: JsonReader, json: unknown): ResourceLogs {
  const o = j.object(json, "");
  const result: ResourceLogs = { resource: newAttributes(), scopeLogs: [] };
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    if (key === "resource") readResourceJson(j, value, key, result.resource);
    else if (key === "scopeLogs" || key === "scope_logs") {
      const list = j.array(value, key);
      for (let i = 0; i < list.length; i++) {
        j.path.push(key, i);
        result.scopeLogs.push(readScopeLogs(j, list[i]));
        j.path.pop();
      }
    }
  }
  return result;
}

function readScopeLogs(j: JsonReader, json: unknown): ScopeLogs {
  const o = j.object(json, "");
  const result: ScopeLogs = { scope: { name: "", version: "" }, logRecords: [] };
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    if (key === "scope") result.scope = readScopeJson(j, value, key);
    else if (key === "logRecords" || key === "log_records") {
      const list = j.array(value, key);
      for (let i = 0; i < list.length; i++) {
        j.path.push(key, i);
        result.logRecords.push(readLogRecord(j, list[i]));
        j.path.pop();
      }
    }
  }
  return result;
}

function readLogRecord(j: JsonReader, json: unknown): LogRecord {
  const o = j.object(json, "");
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
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    switch (key) {
      case "attributes":
        readAttributesJson(j, value, key, record.attributes);
        break;
      case "timeUnixNano":
      case "time_unix_nano":
        record.timeUnixNano = j.timestamp(value, key);
        break;
      case "observedTimeUnixNano":
      case "observed_time_unix_nano":
        record.observedTimeUnixNano = j.timestamp(value, key);
        break;
      case "severityNumber":
      case "severity_number":
        record.severityNumber = j.enumValue(value, key, severityNames);
        break;
      case "severityText":
      case "severity_text":
        record.severityText = j.string(value, key);
        break;
      case "body":
        record.body = readAnyValueJson(j, value, key, 1);
        break;
      case "eventName":
      case "event_name":
        record.eventName = j.string(value, key);
        break;
      case "traceId":
      case "trace_id":
        record.traceId = j.hexId(value, key);
        break;
      case "spanId":
      case "span_id":
        record.spanId = j.hexId(value, key);
        break;
    }
  }
  return record;
}

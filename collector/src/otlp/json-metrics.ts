import { newAttributes } from "./attributes.ts";
/** ExportMetricsServiceRequest from OTLP/JSON; the same records as protobuf-metrics.ts produces. */
import { readResourceJson, readScopeJson } from "./json-common.ts";
import { readExponentialPointJson, readHistogramPointJson, readNumberPointJson, readSummaryPointJson } from "./json-metric-points.ts";
import type { JsonReader } from "./json-reader.ts";
import type { Metric, MetricsData, ResourceMetrics, ScopeMetrics } from "./types.ts";
import { Temporality } from "./types.ts";

const temporalityNames: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};

/** Decodes a parsed ExportMetricsServiceRequest. */
export function readMetricsRequestJson(j: JsonReader, body: unknown): MetricsData {
  const request = j.object(body, "");
  const resourceMetrics: ResourceMetrics[] = [];
  for (const key in request) {
    const value = request[key];
    if (value === null || (key !== "resourceMetrics" && key !== "resource_metrics")) continue;
    const list = j.array(value, key);
    for (let i = 0; i < list.length; i++) {
      j.path.push(key, i);
      resourceMetrics.push(readResourceMetrics(j, list[i]));
      j.path.pop();
    }
  }
  return { resourceMetrics };
}

function readResourceMetrics(j: JsonReader, json: unknown): ResourceMetrics {
  const o = j.object(json, "");
  const result: ResourceMetrics = { resource: newAttributes(), scopeMetrics: [] };
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    if (key === "resource") readResourceJson(j, value, key, result.resource);
    else if (key === "scopeMetrics" || key === "scope_metrics") {
      const list = j.array(value, key);
      for (let i = 0; i < list.length; i++) {
        j.path.push(key, i);
        result.scopeMetrics.push(readScopeMetrics(j, list[i]));
        j.path.pop();
      }
    }
  }
  return result;
}

function readScopeMetrics(j: JsonReader, json: unknown): ScopeMetrics {
  const o = j.object(json, "");
  const result: ScopeMetrics = { scope: { name: "", version: "" }, metrics: [] };
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    if (key === "scope") result.scope = readScopeJson(j, value, key);
    else if (key === "metrics") {
      const list = j.array(value, key);
      for (let i = 0; i < list.length; i++) {
        j.path.push(key, i);
        result.metrics.push(readMetric(j, list[i]));
        j.path.pop();
      }
    }
  }
  return result;
}

function readMetric(j: JsonReader, json: unknown): Metric {
  const o = j.object(json, "");
  const metric: Metric = { name: "", description: "", unit: "", data: { type: "none" } };
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    switch (key) {
      case "name":
      case "description":
      case "unit":
        metric[key] = j.string(value, key);
        break;
      // The data oneof: when a body sets more than one member, the last one wins.
      case "gauge":
        metric.data = { type: "gauge", dataPoints: readMember(j, value, key, readNumberPointJson).dataPoints };
        break;
      case "sum": {
        const { dataPoints, aggregationTemporality, isMonotonic } = readMember(j, value, key, readNumberPointJson);
        metric.data = { type: "sum", dataPoints, aggregationTemporality, isMonotonic };
        break;
      }
      case "histogram": {
        const { dataPoints, aggregationTemporality } = readMember(j, value, key, readHistogramPointJson);
        metric.data = { type: "histogram", dataPoints, aggregationTemporality };
        break;
      }
      case "exponentialHistogram":
      case "exponential_histogram": {
        const { dataPoints, aggregationTemporality } = readMember(j, value, key, readExponentialPointJson);
        metric.data = { type: "exponentialHistogram", dataPoints, aggregationTemporality };
        break;
      }
      case "summary":
        metric.data = { type: "summary", dataPoints: readMember(j, value, key, readSummaryPointJson).dataPoints };
        break;
    }
  }
  return metric;
}

/** AggregationTemporality; a number this proto version does not define is Unspecified. */
function readTemporality(j: JsonReader, json: unknown, field: string): Temporality {
  const value = j.enumValue(json, field, temporalityNames);
  return value === Temporality.Delta || value === Temporality.Cumulative ? value : Temporality.Unspecified;
}

/** The fields shared by Gauge, Sum, Histogram, ExponentialHistogram and Summary (each reads the ones it has). */
type Member<Point> = { dataPoints: Point[]; aggregationTemporality: Temporality; isMonotonic: boolean };

/** One member of Metric's data oneof, its points read by `readPoint`. */
function readMember<Point>(j: JsonReader, json: unknown, field: string, readPoint: (j: JsonReader, json: unknown) => Point): Member<Point> {
  const o = j.object(json, field);
  j.path.push(field, -1);
  const member: Member<Point> = { dataPoints: [], aggregationTemporality: Temporality.Unspecified, isMonotonic: false };
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    if (key === "dataPoints" || key === "data_points") {
      const list = j.array(value, key);
      for (let i = 0; i < list.length; i++) {
        j.path.push(key, i);
        member.dataPoints.push(readPoint(j, list[i]));
        j.path.pop();
      }
    } else if (key === "aggregationTemporality" || key === "aggregation_temporality") {
      member.aggregationTemporality = readTemporality(j, value, key);
    } else if (key === "isMonotonic" || key === "is_monotonic") member.isMonotonic = j.bool(value, key);
  }
  j.path.pop();
  return member;
}

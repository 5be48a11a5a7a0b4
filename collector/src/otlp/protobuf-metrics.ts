import { newAttributes } from "./attributes.ts";
/**
 * ExportMetricsServiceRequest from protobuf (opentelemetry/proto/collector/metrics/v1/metrics_service.proto,
 * metrics/v1/metrics.proto). The data points are in protobuf-metric-points.ts.
 */
import { readResource, readScope } from "./protobuf-common.ts";
import { readExponentialPoint, readHistogramPoint, readNumberPoint, readSummaryPoint } from "./protobuf-metric-points.ts";
import { messageSpec, WireType } from "./protobuf-wire.ts";
import type { ProtobufReader } from "./protobuf-reader.ts";
import { skipField } from "./protobuf-skip.ts";
import type { Metric, MetricData, MetricsData, ResourceMetrics, ScopeMetrics } from "./types.ts";
import { Temporality } from "./types.ts";

const { Varint: VARINT, LengthDelimited: LEN } = WireType;

const requestSpec = messageSpec("ExportMetricsServiceRequest", { 1: ["resource_metrics", LEN] });
const resourceMetricsSpec = messageSpec("ResourceMetrics", { 1: ["resource", LEN], 2: ["scope_metrics", LEN], 3: ["schema_url", LEN] });
const scopeMetricsSpec = messageSpec("ScopeMetrics", { 1: ["scope", LEN], 2: ["metrics", LEN], 3: ["schema_url", LEN] });
const metricSpec = messageSpec("Metric", {
  1: ["name", LEN],
  2: ["description", LEN],
  3: ["unit", LEN],
  5: ["gauge", LEN],
  7: ["sum", LEN],
  9: ["histogram", LEN],
  10: ["exponential_histogram", LEN],
  11: ["summary", LEN],
  12: ["metadata", LEN],
});
const gaugeSpec = messageSpec("Gauge", { 1: ["data_points", LEN] });
const sumSpec = messageSpec("Sum", { 1: ["data_points", LEN], 2: ["aggregation_temporality", VARINT], 3: ["is_monotonic", VARINT] });
const histogramSpec = messageSpec("Histogram", { 1: ["data_points", LEN], 2: ["aggregation_temporality", VARINT] });
const exponentialSpec = messageSpec("ExponentialHistogram", { 1: ["data_points", LEN], 2: ["aggregation_temporality", VARINT] });
const summarySpec = messageSpec("Summary", { 1: ["data_points", LEN] });

/** Decodes a whole ExportMetricsServiceRequest body. */
export function readMetricsRequest(r: ProtobufReader): MetricsData {
  const resourceMetrics: ResourceMetrics[] = [];
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | LEN)) {
      const parent = r.enter("resource_metrics", resourceMetrics.length);
      resourceMetrics.push(readResourceMetrics(r));
      r.leave(parent);
    } else skipField(r, tag, requestSpec);
  }
  return { resourceMetrics };
}

function readResourceMetrics(r: ProtobufReader): ResourceMetrics {
  const result: ResourceMetrics = { resource: newAttributes(), scopeMetrics: [] };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | LEN)) readResource(r, result.resource);
    else if (tag === ((2 << 3) | LEN)) {
      const parent = r.enter("scope_metrics", result.scopeMetrics.length);
      result.scopeMetrics.push(readScopeMetrics(r));
      r.leave(parent);
    } else skipField(r, tag, resourceMetricsSpec);
  }
  return result;
}

function readScopeMetrics(r: ProtobufReader): ScopeMetrics {
  const result: ScopeMetrics = { scope: { name: "", version: "" }, metrics: [] };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((2 << 3) | LEN)) {
      const parent = r.enter("metrics", result.metrics.length);
      result.metrics.push(readMetric(r));
      r.leave(parent);
    } else if (tag === ((1 << 3) | LEN)) result.scope = readScope(r);
    else skipField(r, tag, scopeMetricsSpec);
  }
  return result;
}

function readMetric(r: ProtobufReader): Metric {
  const metric: Metric = { name: "", description: "", unit: "", data: { type: "none" } };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    switch (tag) {
      case (1 << 3) | LEN:
        metric.name = r.readString();
        break;
      case (2 << 3) | LEN:
        metric.description = r.readString();
        break;
      case (3 << 3) | LEN:
        metric.unit = r.readString();
        break;
      // The data oneof: when a body sets more than one member, the last one wins, as in protobuf.
      case (5 << 3) | LEN:
        metric.data = readGauge(r);
        break;
      case (7 << 3) | LEN:
        metric.data = readSum(r);
        break;
      case (9 << 3) | LEN:
        metric.data = readHistogram(r);
        break;
      case (10 << 3) | LEN:
        metric.data = readExponentialHistogram(r);
        break;
      case (11 << 3) | LEN:
        metric.data = readSummary(r);
        break;
      default:
        skipField(r, tag, metricSpec);
    }
  }
  return metric;
}

/** AggregationTemporality from its proto number; a number this proto version does not define is Unspecified. */
function readTemporality(r: ProtobufReader): Temporality {
  const value = r.readInt32();
  return value === Temporality.Delta || value === Temporality.Cumulative ? value : Temporality.Unspecified;
}

function readGauge(r: ProtobufReader): MetricData {
  const parent = r.enter("gauge", -1);
  const data: MetricData = { type: "gauge", dataPoints: [] };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | LEN)) {
      const point = r.enter("data_points", data.dataPoints.length);
      data.dataPoints.push(readNumberPoint(r));
      r.leave(point);
    } else skipField(r, tag, gaugeSpec);
  }
  r.leave(parent);
  return data;
}

function readSum(r: ProtobufReader): MetricData {
  const parent = r.enter("sum", -1);
  const data: MetricData = { type: "sum", dataPoints: [], aggregationTemporality: Temporality.Unspecified, isMonotonic: false };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | LEN)) {
      const point = r.enter("data_points", data.dataPoints.length);
      data.dataPoints.push(readNumberPoint(r));
      r.leave(point);
    } else if (tag === ((2 << 3) | VARINT)) data.aggregationTemporality = readTemporality(r);
    else if (tag === ((3 << 3) | VARINT)) data.isMonotonic = r.readBool();
    else skipField(r, tag, sumSpec);
  }
  r.leave(parent);
  return data;
}

function readHistogram(r: ProtobufReader): MetricData {
  const parent = r.enter("histogram", -1);
  const data: MetricData = { type: "histogram", dataPoints: [], aggregationTemporality: Temporality.Unspecified };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | LEN)) {
      const point = r.enter("data_points", data.dataPoints.length);
      data.dataPoints.push(readHistogramPoint(r));
      r.leave(point);
    } else if (tag === ((2 << 3) | VARINT)) data.aggregationTemporality = readTemporality(r);
    else skipField(r, tag, histogramSpec);
  }
  r.leave(parent);
  return data;
}

function readExponentialHistogram(r: ProtobufReader): MetricData {
  const parent = r.enter("exponential_histogram", -1);
  const data: MetricData = { type: "exponentialHistogram", dataPoints: [], aggregationTemporality: Temporality.Unspecified };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | LEN)) {
      const point = r.enter("data_points", data.dataPoints.length);
      data.dataPoints.push(readExponentialPoint(r));
      r.leave(point);
    } else if (tag === ((2 << 3) | VARINT)) data.aggregationTemporality = readTemporality(r);
    else skipField(r, tag, exponentialSpec);
  }
  r.leave(parent);
  return data;
}

function readSummary(r: ProtobufReader): MetricData {
  const parent = r.enter("summary", -1);
  const data: MetricData = { type: "summary", dataPoints: [] };
  while (r.pos < r.limit) {
    const tag = r.readTag();
    if (tag === ((1 << 3) | LEN)) {
      const point = r.enter("data_points", data.dataPoints.length);
      data.dataPoints.push(readSummaryPoint(r));
      r.leave(point);
    } else skipField(r, tag, summarySpec);
  }
  r.leave(parent);
  return data;
}

import type { Attributes, Metric, MetricsData } from "../otlp/types.ts";
import { Temporality } from "../otlp/types.ts";
import type { ModelAccumulator } from "./batch.ts";
import { Attr, Instrument } from "./conventions.ts";
import type { FoldContext } from "./context.ts";
import { scalarString } from "./context.ts";
import type { CumulativeValue } from "./cumulative.ts";
import { exponentialHistogramCentroids, explicitHistogramCentroids, secondsPerUnit } from "./histogram.ts";
import { CounterRefusal, histogramRefusal, sumRefusal } from "./counter-values.ts";
import { streamId } from "./stream-id.ts";
import { SeriesKind } from "../series/kinds.ts";
import type { SeriesRef } from "./series.ts";

/** DataPointFlags.FLAG_NO_RECORDED_VALUE: the point is a gap marker, not a value. */
const NO_RECORDED_VALUE = 1;

/** Where one metric's points go: a digest for histogram contents, counters for counts and sums. */
type Route = {
  digest: SeriesRef | null;
  counters: SeriesRef[];
  /** Multiplies values before they are folded (units to seconds). */
  valueScale: number;
};

/**
 * Folds metrics with `ml.model.id` (on the point or its resource) and the GenAI client metrics.
 * Delta points are folded here; cumulative ones go to the ModelStore owning their stream, which
 * alone knows the previous point. Metrics naming no model are ordinary application metrics:
 * accepted and ignored.
 */
export function foldMetrics(data: MetricsData, ctx: FoldContext): void {
  for (const resourceMetrics of data.resourceMetrics) {
    const resource = resourceMetrics.resource;
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) foldMetric(metric, resource, scopeMetrics.scope.name, ctx);
    }
  }
}

function foldMetric(metric: Metric, resource: Attributes, scopeName: string, ctx: FoldContext): void {
  const data = metric.data;
  if (data.type === "none") {
    ctx.rejections.reject(`metric ${JSON.stringify(metric.name.slice(0, 64))} with no data`);
    return;
  }
  const isGenAi = metric.name === Instrument.genAiTokenUsage || metric.name === Instrument.genAiOperationDuration;
  for (const point of data.dataPoints) {
    const attributes = point.attributes;
    const identity = ctx.identify(attributes, resource, isGenAi ? (attributes[Attr.genAiRequestModel] ?? attributes[Attr.genAiResponseModel]) : undefined);
    if (identity === undefined) {
      ctx.ignored += 1;
      continue;
    }
    ctx.rejections.beginRecord();
    foldPoint(metric, point, identity.modelId, identity.version, resource, scopeName, ctx);
    ctx.rejections.endRecord();
  }
}

type AnyPoint = Extract<Metric["data"], { dataPoints: unknown }>["dataPoints"][number];

function foldPoint(metric: Metric, point: AnyPoint, modelId: string, version: string, resource: Attributes, scopeName: string, ctx: FoldContext): void {
  const data = metric.data;
  if (data.type === "none") return;
  if (!ctx.validName(modelId, Attr.modelId) || !ctx.validName(version, Attr.modelVersion)) return;
  if ("flags" in point && (point.flags & NO_RECORDED_VALUE) !== 0) return;
  if (data.type === "summary") {
    ctx.rejections.add("Summary metric points (unsupported: send a histogram)");
    return;
  }
  const route = routeOf(metric, point.attributes, version, ctx);
  if (route === undefined) return;
  const minute = ctx.minuteOf(point.timeUnixNano);
  if (minute === undefined) return;
  const model = ctx.model(modelId);
  if (model === undefined) return;

  if (data.type === "gauge") {
    const value = (point as { value: number }).value;
    if (route.digest === null) {
      ctx.rejections.add(`gauge points for ${JSON.stringify(metric.name)}, which must be a counter or histogram`);
      return;
    }
    if (!Number.isFinite(value)) return void ctx.rejections.add(CounterRefusal.nonFinite);
    model.addNumber(route.digest.kind, version, route.digest.name, "", minute, value * route.valueScale);
    return;
  }
  if (data.aggregationTemporality === Temporality.Unspecified) {
    ctx.rejections.add("metric with unspecified aggregation temporality");
    return;
  }
  const value = pointValue(data.type, point);
  if (value === undefined) return void ctx.rejections.add(CounterRefusal.nonFinite);
  if (data.type === "sum" && !data.isMonotonic) {
    // An UpDownCounter's value is a level, not an increment: keep its observed values.
    if (route.digest === null) return void ctx.rejections.add(`non-monotonic sum for ${JSON.stringify(metric.name)}, which must be monotonic`);
    model.addNumber(route.digest.kind, version, route.digest.name, "", minute, (value as { value: number }).value * route.valueScale);
    return;
  }
  const refusal = countRefusal(value, route);
  if (refusal !== undefined) return void ctx.rejections.add(refusal);
  if (data.aggregationTemporality === Temporality.Cumulative) {
    model.cumulative.push({
      stream: streamId(metric.name, scopeName, resource, point.attributes),
      startTimeUnixNano: point.startTimeUnixNano,
      timeUnixNano: point.timeUnixNano,
      minute,
      value,
      digest: route.digest,
      counters: route.counters,
      valueScale: route.valueScale,
    });
    return;
  }
  foldDelta(model, minute, value, route, ctx);
}

/** Folds a delta (from the wire, or computed from cumulative points by the store) into its route. */
export function foldDelta(
  model: Pick<ModelAccumulator, "addCount" | "digestFor">,
  minute: number,
  value: CumulativeValue,
  route: Route,
  ctx?: Pick<FoldContext, "rejections">,
): void {
  if (value.type === "sum") {
    for (const c of route.counters) model.addCount(c.kind, c.version, c.name, c.segment, minute, value.value);
    return;
  }
  for (const c of route.counters) model.addCount(c.kind, c.version, c.name, c.segment, minute, value.count);
  if (route.digest === null || value.count === 0) return;
  const digest = model.digestFor(route.digest.kind, route.digest.version, route.digest.name, route.digest.segment, minute);
  if (digest === undefined) return;
  const sink = (v: number, w: number) => digest.add(v, w);
  if (value.type === "histogram") {
    if (!explicitHistogramCentroids(value.bounds, value.counts, value.min, value.max, route.valueScale, sink)) {
      ctx?.rejections.add("histogram point whose bucket counts do not match its bounds");
    }
  } else {
    exponentialHistogramCentroids(value.scale, value.zeroCount, value.positive, value.negative, value.min, value.max, route.valueScale, sink);
  }
}

/**
 * Why a monotonic sum or histogram point cannot feed its counters (counter-values.ts), checked at
 * the edge for delta and cumulative points alike: the store's deltas of valid cumulative points are
 * then valid too. (An UpDownCounter's level may be any finite number: it feeds a digest.)
 */
function countRefusal(value: CumulativeValue, route: Route): string | undefined {
  if (value.type !== "sum") return histogramRefusal(value);
  const wholeNumber = route.counters.some((c) => c.kind === SeriesKind.predictions || c.kind === SeriesKind.errors);
  return sumRefusal(value.value, wholeNumber);
}

function pointValue(type: "sum" | "histogram" | "exponentialHistogram", point: AnyPoint): CumulativeValue | undefined {
  if (type === "sum") {
    const value = (point as { value: number }).value;
    return Number.isFinite(value) ? { type: "sum", value } : undefined;
  }
  if (type === "histogram") {
    const p = point as Extract<Metric["data"], { type: "histogram" }>["dataPoints"][number];
    return { type: "histogram", count: p.count, sum: p.sum, min: p.min, max: p.max, bounds: p.explicitBounds, counts: p.bucketCounts };
  }
  const p = point as Extract<Metric["data"], { type: "exponentialHistogram" }>["dataPoints"][number];
  return {
    type: "exponential",
    count: p.count,
    sum: p.sum,
    min: p.min,
    max: p.max,
    scale: p.scale,
    zeroCount: p.zeroCount,
    positive: p.positive,
    negative: p.negative,
  };
}

/** Which series a metric feeds (docs/semantic-conventions.md, Metrics). */
function routeOf(metric: Metric, attributes: Attributes, version: string, ctx: FoldContext): Route | undefined {
  const ref = (kind: SeriesKind, name = ""): SeriesRef => ({ kind, version, name, segment: "" });
  const failed = scalarString(attributes[Attr.errorType]) !== undefined;
  switch (metric.name) {
    case Instrument.predictionDuration:
    case Instrument.genAiOperationDuration: {
      const scale = secondsPerUnit(metric.unit);
      if (scale === undefined) return void ctx.rejections.add(`duration metric with unit ${JSON.stringify(metric.unit.slice(0, 16))} (use s or ms)`);
      const counters = [ref(SeriesKind.predictions)];
      if (failed) counters.push(ref(SeriesKind.errors));
      return { digest: ref(SeriesKind.latency), counters, valueScale: scale };
    }
    case Instrument.predictions:
      return { digest: null, counters: [ref(SeriesKind.predictions)], valueScale: 1 };
    case Instrument.predictionErrors:
      return { digest: null, counters: [ref(SeriesKind.errors)], valueScale: 1 };
    case Instrument.featureValue: {
      const name = scalarString(attributes[Attr.featureName]);
      if (name === undefined) return void ctx.rejections.add(`${Instrument.featureValue} point without ${Attr.featureName}`);
      if (!ctx.validName(name, "feature name")) return undefined;
      return { digest: ref(SeriesKind.numericFeature, name), counters: [], valueScale: 1 };
    }
    case Instrument.genAiTokenUsage: {
      const type = scalarString(attributes[Attr.genAiTokenType]) ?? "unknown";
      if (!ctx.validName(type, Attr.genAiTokenType)) return undefined;
      return { digest: ref(SeriesKind.genAiTokens, type), counters: [], valueScale: 1 };
    }
    default: {
      const name = customSeriesName(metric.name, attributes);
      if (!ctx.validName(name, "custom metric series name", 4 * ctx.limits.maxNameLength)) return undefined;
      const isCounter = metric.data.type === "sum";
      return isCounter ? { digest: ref(SeriesKind.customValues, name), counters: [ref(SeriesKind.customSum, name)], valueScale: 1 } : { digest: ref(SeriesKind.customValues, name), counters: [], valueScale: 1 };
    }
  }
}

/**
 * A custom metric's series name: the metric name, then its point attributes other than the model
 * id and version, sorted, in Prometheus' selector syntax: `queue_depth{region="eu"}`.
 */
export function customSeriesName(metricName: string, attributes: Attributes): string {
  const labels: string[] = [];
  for (const key of Object.keys(attributes).sort()) {
    if (key === Attr.modelId || key === Attr.modelVersion) continue;
    const value = scalarString(attributes[key]);
    if (value !== undefined) labels.push(`${key}=${JSON.stringify(value)}`);
  }
  return labels.length === 0 ? metricName : `${metricName}{${labels.join(",")}}`;
}

/**
 * OTLP/JSON metrics requests for end-to-end tests: delta histograms and sums as an OpenTelemetry
 * SDK with delta temporality would export them (GenAI token usage, custom metrics).
 */
import type { RunningWorker } from "./worker.ts";

type Scalar = number | string;

/** OTLP's AggregationTemporality: 1 delta, 2 cumulative. */
const DELTA = 1;

function attributes(values: Record<string, Scalar>) {
  return Object.entries(values).map(([key, value]) => ({ key, value: typeof value === "number" ? { doubleValue: value } : { stringValue: value } }));
}

function nano(ms: number): string {
  return String(BigInt(Math.floor(ms)) * 1_000_000n);
}

/** One data point of a metric: its attributes and its values (a histogram's observations, or a sum's value). */
export type PointSpec = { attributes: Record<string, Scalar>; values: number[] };

/** One metric of a request. */
export type MetricSpec = { name: string; unit?: string; kind: "histogram" | "sum" | "gauge"; points: PointSpec[] };

/**
 * An ExportMetricsServiceRequest with the given metrics, every point over (timeMs − 60 s, timeMs].
 * A histogram point has the explicit bounds `bounds` and counts its values into them, with exact
 * sum, min and max; a sum is a monotonic delta of Σ values; a gauge point's value is its first value.
 */
export function metricsRequest(metrics: MetricSpec[], timeMs = Date.now(), bounds: number[] = [1, 10, 100, 1000, 10000]): string {
  const start = nano(timeMs - 60_000);
  const time = nano(timeMs);
  const encoded = metrics.map((metric) => {
    if (metric.kind === "histogram") {
      const dataPoints = metric.points.map((p) => {
        const counts = new Array<number>(bounds.length + 1).fill(0);
        for (const v of p.values) counts[bounds.findIndex((b) => v <= b) === -1 ? bounds.length : bounds.findIndex((b) => v <= b)] += 1;
        return {
          attributes: attributes(p.attributes),
          startTimeUnixNano: start,
          timeUnixNano: time,
          count: String(p.values.length),
          sum: p.values.reduce((a, b) => a + b, 0),
          min: Math.min(...p.values),
          max: Math.max(...p.values),
          explicitBounds: bounds,
          bucketCounts: counts.map(String),
        };
      });
      return { name: metric.name, unit: metric.unit ?? "", histogram: { aggregationTemporality: DELTA, dataPoints } };
    }
    const dataPoints = metric.points.map((p) => ({
      attributes: attributes(p.attributes),
      startTimeUnixNano: start,
      timeUnixNano: time,
      asDouble: metric.kind === "sum" ? p.values.reduce((a, b) => a + b, 0) : p.values[0],
    }));
    if (metric.kind === "sum") return { name: metric.name, unit: metric.unit ?? "", sum: { aggregationTemporality: DELTA, isMonotonic: true, dataPoints } };
    return { name: metric.name, unit: metric.unit ?? "", gauge: { dataPoints } };
  });
  return JSON.stringify({ resourceMetrics: [{ resource: { attributes: [] }, scopeMetrics: [{ scope: { name: "driftline-test" }, metrics: encoded }] }] });
}

/** Posts an OTLP/JSON metrics request with the worker's ingest token; returns the response. */
export function postMetrics(worker: Pick<RunningWorker, "url" | "ingestToken">, body: string): Promise<Response> {
  return fetch(`${worker.url}/v1/metrics`, {
    method: "POST",
    headers: { Authorization: `Bearer ${worker.ingestToken}`, "Content-Type": "application/json" },
    body,
  });
}

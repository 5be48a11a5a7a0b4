/**
 * The PromQL engine: instant and range queries over a {@link SeriesSource}.
 *
 * Cost model: every selector is read once for the whole query (one `select` per selector,
 * covering start − range/lookback … end), then the expression is evaluated at each step over the
 * samples in memory. Work is bounded by steps × series × samples: steps by
 * `maxPointsPerSeries`, series by `maxSeries`, samples by what the source returns; there is no
 * loop whose length the query text alone decides, so no timeout is needed.
 */
import type { Call, Expr, VectorSelector } from "./ast.ts";
import { visit } from "./ast.ts";
import type { SeriesSource } from "./source.ts";
import type { StoredSeries } from "./stale.ts";
import { withoutStaleMarkers } from "./stale.ts";
import type { QueryData, MatrixResult, VectorResult } from "./format.ts";
import type { Sample } from "./values.ts";
import { parseQuery } from "./parse.ts";
import { ErrorType, executionError, PromQLError } from "./errors.ts";
import { compareLabels, labelsKey, matchesAll } from "./labels.ts";
import type { PushedAnswer } from "./evaluator.ts";
import { Evaluator } from "./evaluator.ts";
import type { QueryTimes } from "./plan.ts";
import { plan } from "./plan.ts";
import { matchHistogramQuantile } from "./pushdown.ts";
import { formatTime, formatValue } from "./format.ts";

/** Limits and defaults of the engine. */
export type EngineOptions = {
  /** How far back an instant selector looks for a sample (Prometheus' --query.lookback-delta). */
  lookbackMs: number;
  /** Most steps a range query may have (Prometheus: 11 000). */
  maxPointsPerSeries: number;
  /** Most series all selectors of one query may read together, and a result may hold. */
  maxSeries: number;
  /** Most evaluations of subqueries' inner expressions in one query, all subqueries together. */
  maxSubquerySteps: number;
};

/** Prometheus' defaults, and a series cap that keeps a query inside a Worker's 128 MB. */
export const DEFAULT_ENGINE_OPTIONS: EngineOptions = { lookbackMs: 5 * 60_000, maxPointsPerSeries: 11_000, maxSeries: 10_000, maxSubquerySteps: 11_000 };

/**
 * Evaluates `query` at one time as an alerting rule reads it (Prometheus' EngineQueryFunc): the
 * samples of an instant vector, or a scalar as one sample without labels. A range vector or a
 * string is an error. `query` is the text, or the expression parseQuery made of it.
 */
export async function instantSamples(source: SeriesSource, query: string | Expr, timeMs: number, options: Partial<EngineOptions> = {}): Promise<Sample[]> {
  const opts = { ...DEFAULT_ENGINE_OPTIONS, ...options };
  // An alerting rule evaluates one expression again and again: it may pass it parsed.
  const expr = typeof query === "string" ? parseQuery(query) : query;
  const evaluator = await prepare(source, expr, Float64Array.of(timeMs), 0, opts);
  const value = evaluator.evaluate(expr, timeMs);
  if (value.type === "scalar") return [{ labels: {}, value: value.value }];
  if (value.type !== "vector") throw executionError(`rule result is a ${value.type === "matrix" ? "range vector" : "string"}, not an instant vector or a scalar`);
  checkUnique(value.samples);
  checkSeriesLimit(value.samples.length, opts);
  return value.samples;
}

/** Evaluates `query` at one time (`/api/v1/query`). */
export async function instantQuery(source: SeriesSource, query: string, timeMs: number, options: Partial<EngineOptions> = {}): Promise<QueryData> {
  const opts = { ...DEFAULT_ENGINE_OPTIONS, ...options };
  const expr = parseQuery(query);
  const times = Float64Array.of(timeMs);
  const evaluator = await prepare(source, expr, times, 0, opts);
  const value = evaluator.evaluate(expr, timeMs);
  switch (value.type) {
    case "scalar":
      return { resultType: "scalar", result: [formatTime(timeMs), formatValue(value.value)] };
    case "string":
      return { resultType: "string", result: [formatTime(timeMs), value.value] };
    case "vector": {
      checkUnique(value.samples);
      checkSeriesLimit(value.samples.length, opts);
      const result: VectorResult[] = value.samples.map((s) => ({ metric: s.labels, value: [formatTime(timeMs), formatValue(s.value)] }));
      return { resultType: "vector", result };
    }
    case "matrix": {
      const result: MatrixResult[] = value.series.map((s) => {
        const values: MatrixResult["values"] = [];
        for (let i = s.from; i < s.to; i++) values.push([formatTime(s.timestamps[i]), formatValue(s.values[i])]);
        return { metric: s.labels, values };
      });
      return { resultType: "matrix", result };
    }
  }
}

/** Evaluates `query` at start, start + step, … ≤ end (`/api/v1/query_range`). */
export async function rangeQuery(
  source: SeriesSource,
  query: string,
  startMs: number,
  endMs: number,
  stepMs: number,
  options: Partial<EngineOptions> = {},
): Promise<QueryData> {
  const opts = { ...DEFAULT_ENGINE_OPTIONS, ...options };
  if (!(stepMs > 0)) throw new PromQLError(ErrorType.badData, "zero or negative query resolution step widths are not accepted. Try a positive integer");
  if (endMs < startMs) throw new PromQLError(ErrorType.badData, "end timestamp must not be before start time");
  const steps = Math.floor((endMs - startMs) / stepMs) + 1;
  if (steps > opts.maxPointsPerSeries) {
    throw new PromQLError(
      ErrorType.badData,
      `exceeded maximum resolution of ${opts.maxPointsPerSeries.toLocaleString("en-US")} points per timeseries. Try decreasing the query resolution (?step=XX)`,
    );
  }
  const expr = parseQuery(query);
  const times = new Float64Array(steps);
  for (let i = 0; i < steps; i++) times[i] = startMs + i * stepMs;
  const evaluator = await prepare(source, expr, times, stepMs, opts);
  const series = new Map<string, MatrixResult & { lastStep: number }>();
  for (let i = 0; i < steps; i++) {
    const value = evaluator.evaluate(expr, times[i]);
    let samples: Sample[];
    if (value.type === "scalar") samples = [{ labels: {}, value: value.value }];
    else if (value.type === "vector") samples = value.samples;
    else {
      const type = value.type === "matrix" ? "range vector" : "string";
      throw new PromQLError(ErrorType.badData, `invalid expression type "${type}" for range query, must be Scalar or instant Vector`);
    }
    for (const s of samples) {
      const key = labelsKey(s.labels);
      let out = series.get(key);
      if (out === undefined) {
        out = { metric: s.labels, values: [], lastStep: -1 };
        series.set(key, out);
        checkSeriesLimit(series.size, opts);
      }
      if (out.lastStep === i) throw executionError("vector cannot contain metrics with the same labelset");
      out.lastStep = i;
      out.values.push([formatTime(times[i]), formatValue(s.value)]);
    }
  }
  const result = [...series.values()]
    .sort((a, b) => compareLabels(a.metric, b.metric))
    .map(({ metric, values }) => ({ metric, values }));
  return { resultType: "matrix", result };
}

function checkUnique(samples: Sample[]): void {
  const keys = new Set<string>();
  for (const s of samples) {
    const k = labelsKey(s.labels);
    if (keys.has(k)) throw executionError("vector cannot contain metrics with the same labelset");
    keys.add(k);
  }
}

function checkSeriesLimit(count: number, opts: EngineOptions): void {
  if (count > opts.maxSeries) {
    throw executionError(`the query result has more than ${opts.maxSeries} series (maxSeries); narrow the selectors or aggregate`);
  }
}

/** Offers pushdowns, plans the reads (refusing a too costly subquery), then reads every remaining selector once. */
async function prepare(source: SeriesSource, expr: Expr, times: Float64Array, stepMs: number, opts: EngineOptions): Promise<Evaluator> {
  const pushed = new Map<Call, PushedAnswer>();
  const query: QueryTimes = { startMs: times[0], endMs: times[times.length - 1] };
  const span = { loMs: query.startMs, hiMs: query.endMs, stepMs };
  // Checked before the pushdown is offered, so that a refused query costs the source nothing.
  const planned = plan(expr, span, query, opts, () => false);
  if (source.histogramQuantile !== undefined) {
    const stepOf = new Map<number, number>();
    times.forEach((t, i) => stepOf.set(t, i));
    const offers: Promise<void>[] = [];
    visit(expr, (node) => {
      // Only top-level calls are offered: a subquery evaluates at its own times.
      if (node.kind === "subquery") return false;
      if (node.kind !== "call") return true;
      const shape = matchHistogramQuantile(node);
      if (shape === undefined) return true;
      const { offsetMs, ...request } = shape;
      const shifted = times.map((t) => t - offsetMs);
      offers.push(
        source.histogramQuantile!({ ...request, timesMs: shifted }).then((answer) => {
          if (answer !== undefined) pushed.set(node, { series: answer, stepOf });
        }),
      );
      return false;
    });
    await Promise.all(offers);
  }
  const { reads, subqueryTimes } = pushed.size > 0 ? plan(expr, span, query, opts, (call) => pushed.has(call)) : planned;
  const data = new Map<VectorSelector, StoredSeries[]>();
  await Promise.all(
    reads.map(async ({ selector, startMs, endMs, hints }) => {
      const series = await source.select(selector.matchers, startMs, endMs, hints);
      data.set(
        selector,
        series.filter((s) => matchesAll(s.labels, selector.matchers)).map(withoutStaleMarkers),
      );
    }),
  );
  let total = 0;
  for (const series of data.values()) total += series.length;
  if (total > opts.maxSeries) {
    throw executionError(`the query selected ${total} series, more than the limit of ${opts.maxSeries} (maxSeries); narrow the selectors`);
  }
  return new Evaluator(data, pushed, subqueryTimes, query, opts.lookbackMs);
}

/**
 * Evaluates an expression at one time over samples already in memory (read by engine.ts as
 * planned by plan.ts), returning a {@link Value}. A range query calls it once per step; a
 * subquery evaluates its inner expression once at each of its own (absolute, step-aligned) times
 * for the whole query, then its windows are index ranges over those points, as a range
 * selector's are over stored samples.
 */
import type { AtModifier, Call, Expr, SubqueryExpr, VectorSelector } from "./ast.ts";
import { unwrapParens } from "./ast.ts";
import type { HistogramQuantileSeries, Labels, SeriesData } from "./source.ts";
import type { RangeSeries, Sample, Value } from "./values.ts";
import { upperBound } from "./values.ts";
import type { QueryTimes } from "./plan.ts";
import { resolveAt } from "./plan.ts";
import { dropMetricName, labelsKey, METRIC_NAME } from "./labels.ts";
import { executionError } from "./errors.ts";
import type { StoredSeries } from "./stale.ts";
import { typeOf } from "./type-of.ts";
import { aggregate } from "./aggregate.ts";
import { scalarBinary, setOperation, vectorScalar, vectorVector } from "./binary.ts";
import { KEEPS_METRIC_NAME, RANGE_FUNCTIONS } from "./functions-range.ts";
import { absentLabels, callInstant } from "./functions-instant.ts";

/** A histogram pushdown's answer, with the top-level evaluation times it was asked for. */
export type PushedAnswer = { series: HistogramQuantileSeries[]; stepOf: Map<number, number> };

/** A range vector argument's samples and the window they were cut from. */
type Window = { series: RangeSeries[]; startMs: number; endMs: number; rangeMs: number };

/** Evaluates expressions over the samples read for the query. */
export class Evaluator {
  private readonly data: Map<VectorSelector, StoredSeries[]>;
  private readonly pushed: Map<Call, PushedAnswer>;
  private readonly subqueryTimes: Map<SubqueryExpr, Float64Array>;
  private readonly subqueryData = new Map<SubqueryExpr, SeriesData[]>();
  private readonly distinct = new Map<Call, boolean>();
  private readonly query: QueryTimes;
  private readonly lookbackMs: number;

  constructor(
    data: Map<VectorSelector, StoredSeries[]>,
    pushed: Map<Call, PushedAnswer>,
    subqueryTimes: Map<SubqueryExpr, Float64Array>,
    query: QueryTimes,
    lookbackMs: number,
  ) {
    this.data = data;
    this.pushed = pushed;
    this.subqueryTimes = subqueryTimes;
    this.query = query;
    this.lookbackMs = lookbackMs;
  }

  /** The value of `expr` at time `t` (milliseconds). */
  evaluate(expr: Expr, t: number): Value {
    switch (expr.kind) {
      case "number":
        return { type: "scalar", value: expr.value };
      case "string":
        return { type: "string", value: expr.value };
      case "paren":
        return this.evaluate(expr.expr, t);
      case "vectorSelector":
        return { type: "vector", samples: this.instant(expr, t) };
      case "matrixSelector":
      case "subquery":
        return { type: "matrix", series: this.window(expr, t).series };
      case "unary": {
        const v = this.evaluate(expr.expr, t);
        if (expr.op === "+") return v;
        if (v.type === "scalar") return { type: "scalar", value: -v.value };
        return unique(vectorOf(v).map((s) => ({ labels: dropMetricName(s.labels), value: -s.value })));
      }
      case "binary": {
        const l = this.evaluate(expr.lhs, t);
        const r = this.evaluate(expr.rhs, t);
        if (l.type === "scalar" && r.type === "scalar") return { type: "scalar", value: scalarBinary(expr.op, l.value, r.value) };
        if (r.type === "scalar") return unique(vectorScalar(expr, vectorOf(l), r.value, false));
        if (l.type === "scalar") return unique(vectorScalar(expr, vectorOf(r), l.value, true));
        const isSet = expr.op === "and" || expr.op === "or" || expr.op === "unless";
        if (isSet) return unique(setOperation(expr, vectorOf(l), vectorOf(r)));
        const out = vectorVector(expr, vectorOf(l), vectorOf(r));
        // One-to-one matching already refuses two results with one signature, and the labels are the signature's.
        return expr.matching.card === "one-to-one" ? { type: "vector", samples: out } : unique(out);
      }
      case "aggregate": {
        const v = vectorOf(this.evaluate(expr.expr, t));
        const p = expr.param !== undefined ? this.evaluate(expr.param, t) : undefined;
        return { type: "vector", samples: aggregate(expr, v, p) };
      }
      case "call": {
        const v = this.call(expr, t);
        return v.type === "vector" && !this.namesDistinct(expr) ? unique(v.samples) : v;
      }
    }
  }

  private call(expr: Call, t: number): Value {
    const pushed = this.pushed.get(expr);
    if (pushed !== undefined) return { type: "vector", samples: pushedSamples(pushed, t) };
    const rangeFunction = RANGE_FUNCTIONS[expr.func];
    if (rangeFunction !== undefined || expr.func === "absent_over_time") {
      // quantile_over_time(φ, v[r]) has its range vector last; predict_linear(v[r], t) first.
      const matrixIndex = expr.args.findIndex((a) => typeOf(a) === "matrix");
      const matrixArg = expr.args[matrixIndex];
      const w = this.window(matrixArg, t);
      if (expr.func === "absent_over_time") {
        return { type: "vector", samples: w.series.length > 0 ? [] : [{ labels: absentLabels(matrixArg), value: 1 }] };
      }
      const params = expr.args.filter((_, i) => i !== matrixIndex).map((a) => scalarOf(this.evaluate(a, t)));
      const keepName = KEEPS_METRIC_NAME.has(expr.func);
      const samples: Sample[] = [];
      for (const s of w.series) {
        const value = rangeFunction(s, w.startMs, w.endMs, w.rangeMs, params, t);
        if (value !== undefined) samples.push({ labels: keepName ? s.labels : dropMetricName(s.labels), value });
      }
      return { type: "vector", samples };
    }
    if (expr.func === "timestamp") {
      // Prometheus answers a selector's sample times, and the evaluation time for anything else.
      const arg = unwrapParens(expr.args[0]);
      if (arg.kind === "vectorSelector") {
        return { type: "vector", samples: this.instant(arg, t).map((s) => ({ labels: dropMetricName(s.labels), value: s.timestampMs / 1000 })) };
      }
    }
    return callInstant(expr, expr.args.map((a) => this.evaluate(a, t)), t);
  }

  /**
   * True if a range function's result cannot hold two samples with the same labels: its range
   * selector's series stay distinct without their names (decided once per query, so the common
   * `rate(x[5m])` skips the per-step check).
   */
  private namesDistinct(call: Call): boolean {
    let known = this.distinct.get(call);
    if (known === undefined) {
      const arg = call.args.find((a) => unwrapParens(a).kind === "matrixSelector");
      const e = arg === undefined ? undefined : unwrapParens(arg);
      known = false;
      if (RANGE_FUNCTIONS[call.func] !== undefined && e?.kind === "matrixSelector") {
        const keys = new Set((this.data.get(e.selector) ?? []).map((s) => labelsKey(dropMetricName(s.labels))));
        known = keys.size === (this.data.get(e.selector) ?? []).length;
      }
      this.distinct.set(call, known);
    }
    return known;
  }

  /** The evaluation time a selector or subquery with `at` and `offsetMs` reads at. */
  private readTime(at: AtModifier | undefined, offsetMs: number, t: number): number {
    return (at === undefined ? t : resolveAt(at, this.query)) - offsetMs;
  }

  /** The latest sample of each series in (t − offset − lookback, t − offset], with its time. */
  private instant(selector: VectorSelector, t: number): (Sample & { timestampMs: number })[] {
    const end = this.readTime(selector.at, selector.offsetMs, t);
    const out: (Sample & { timestampMs: number })[] = [];
    for (const s of this.data.get(selector) ?? []) {
      const i = upperBound(s.timestamps, end) - 1;
      if (i < 0 || s.timestamps[i] <= end - this.lookbackMs) continue;
      if (s.staleMs !== undefined) {
        // A stale marker after the latest sample (and not after t) hides the series.
        const j = upperBound(s.staleMs, end) - 1;
        if (j >= 0 && s.staleMs[j] > s.timestamps[i]) continue;
      }
      out.push({ labels: s.labels, value: s.values[i], timestampMs: s.timestamps[i] });
    }
    return out;
  }

  /** A range selector's or subquery's window at t (parentheses allowed around it). */
  private window(arg: Expr, t: number): Window {
    const e = unwrapParens(arg);
    if (e.kind === "matrixSelector") {
      const endMs = this.readTime(e.selector.at, e.selector.offsetMs, t);
      return { series: cut(this.data.get(e.selector) ?? [], endMs - e.rangeMs, endMs), startMs: endMs - e.rangeMs, endMs, rangeMs: e.rangeMs };
    }
    if (e.kind === "subquery") {
      const endMs = this.readTime(e.at, e.offsetMs, t);
      return { series: cut(this.subquery(e), endMs - e.rangeMs, endMs), startMs: endMs - e.rangeMs, endMs, rangeMs: e.rangeMs };
    }
    throw executionError(`expected a range vector, got ${e.kind}`);
  }

  /** The subquery's inner expression at each of its planned times, as series (computed once per query). */
  private subquery(sub: SubqueryExpr): SeriesData[] {
    const done = this.subqueryData.get(sub);
    if (done !== undefined) return done;
    const times = this.subqueryTimes.get(sub) ?? new Float64Array(0);
    const series = new Map<string, { labels: Labels; ts: number[]; vs: number[] }>();
    for (const time of times) {
      const seen = new Set<string>();
      for (const s of vectorOf(this.evaluate(sub.expr, time))) {
        const key = labelsKey(s.labels);
        if (seen.has(key)) throw executionError("vector cannot contain metrics with the same labelset");
        seen.add(key);
        let out = series.get(key);
        if (out === undefined) {
          out = { labels: s.labels, ts: [], vs: [] };
          series.set(key, out);
        }
        out.ts.push(time);
        out.vs.push(s.value);
      }
    }
    const data = [...series.values()].map((s) => ({ labels: s.labels, timestamps: Float64Array.from(s.ts), values: Float64Array.from(s.vs) }));
    this.subqueryData.set(sub, data);
    return data;
  }
}

/** Each series' samples in (startMs, endMs]; series without any are left out. */
function cut(data: SeriesData[], startMs: number, endMs: number): RangeSeries[] {
  const out: RangeSeries[] = [];
  for (const s of data) {
    const from = upperBound(s.timestamps, startMs);
    const to = upperBound(s.timestamps, endMs);
    if (to > from) out.push({ labels: s.labels, timestamps: s.timestamps, values: s.values, from, to });
  }
  return out;
}

/**
 * The vector, refused if two of its samples have the same labels: as Prometheus, where such a
 * vector arises (`rate({__name__=~"a|b"}[5m])` drops the names), not only in the final result.
 */
function unique(samples: Sample[]): Value {
  if (samples.length > 1) {
    const keys = new Set<string>();
    for (const s of samples) {
      const key = labelsKey(s.labels);
      if (keys.has(key)) throw executionError("vector cannot contain metrics with the same labelset");
      keys.add(key);
    }
  }
  return { type: "vector", samples };
}

function pushedSamples(pushed: PushedAnswer, t: number): Sample[] {
  const step = pushed.stepOf.get(t);
  if (step === undefined) throw executionError("histogram pushdown evaluated at a time it was not asked for");
  const samples: Sample[] = [];
  for (const s of pushed.series) {
    if (s.present !== undefined && s.present[step] === 0) continue;
    const labels = { ...s.labels };
    delete labels.le;
    delete labels[METRIC_NAME];
    samples.push({ labels, value: s.values[step] });
  }
  return samples;
}

function vectorOf(v: Value): Sample[] {
  if (v.type !== "vector") throw executionError(`expected an instant vector, got ${v.type}`);
  return v.samples;
}

function scalarOf(v: Value): number {
  if (v.type !== "scalar") throw executionError(`expected a scalar, got ${v.type}`);
  return v.value;
}

/**
 * Recognises `histogram_quantile(q, sum by (le, ...) (rate(x_bucket{...}[r])))` (also
 * `sum by (..., le)`, `sum without (...)`, `increase`, or no `sum` at all) so the engine can
 * offer it whole to a source that answers quantiles from something better than buckets.
 */
import type { Expr, Call } from "./ast.ts";
import { unwrapParens } from "./ast.ts";
import type { HistogramQuantileRequest } from "./source.ts";
import { METRIC_NAME } from "./labels.ts";

/** The request to offer for this call (times still to be filled in), or undefined if it is not the shape. */
export function matchHistogramQuantile(call: Call): Omit<HistogramQuantileRequest, "timesMs"> & { offsetMs: number } | undefined {
  if (call.func !== "histogram_quantile") return undefined;
  const q = constant(call.args[0]);
  if (q === undefined) return undefined;
  let inner = unwrapParens(call.args[1]);
  let grouping: HistogramQuantileRequest["grouping"] = { without: [] };
  if (inner.kind === "aggregate") {
    if (inner.op !== "sum") return undefined;
    if (inner.without) {
      if (inner.grouping.includes("le")) return undefined;
      grouping = { without: [...inner.grouping] };
    } else {
      if (!inner.grouping.includes("le")) return undefined;
      grouping = { by: inner.grouping.filter((l) => l !== "le") };
    }
    inner = unwrapParens(inner.expr);
  }
  if (inner.kind !== "call" || (inner.func !== "rate" && inner.func !== "increase")) return undefined;
  const range = inner.args[0];
  if (range.kind !== "matrixSelector") return undefined;
  const selector = range.selector;
  const name = selector.name;
  if (name === undefined || !name.endsWith("_bucket")) return undefined;
  if (selector.matchers.some((m) => m.name === "le") || selector.at !== undefined) return undefined;
  return {
    q,
    metric: name.slice(0, -"_bucket".length),
    matchers: selector.matchers.filter((m) => m.name !== METRIC_NAME),
    grouping,
    func: inner.func,
    rangeMs: range.rangeMs,
    offsetMs: selector.offsetMs,
  };
}

function constant(expr: Expr): number | undefined {
  const e = unwrapParens(expr);
  if (e.kind === "number") return e.value;
  if (e.kind === "unary") {
    const v = constant(e.expr);
    return v === undefined ? undefined : e.op === "-" ? -v : v;
  }
  return undefined;
}

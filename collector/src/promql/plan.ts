/**
 * Plans what a query reads before anything is read: for every selector the span of time its
 * evaluations need (the query's steps, moved by `offset`, fixed by `@`, widened by a range or
 * the lookback, and re-gridded by each enclosing subquery), and for every subquery the times its
 * inner expression is evaluated at. The cost of a subquery is known here, so one that would
 * evaluate its inner expression too often is refused before any work, with a message that says
 * how to narrow it (issue 12, "bounded cost").
 */
import type { AtModifier, Call, Expr, SubqueryExpr, VectorSelector } from "./ast.ts";
import type { SelectHints } from "./source.ts";
import { PromQLError, ErrorType } from "./errors.ts";

/** Prometheus' default evaluation interval, the step of a subquery written without one (`x[1h:]`). */
export const DEFAULT_SUBQUERY_STEP_MS = 60_000;

/** The query's own evaluation times: what `@ start()` and `@ end()` refer to. */
export type QueryTimes = { startMs: number; endMs: number };

/** One `select` to make: a selector over a span, with hints for the source. */
export type PlannedRead = { selector: VectorSelector; startMs: number; endMs: number; hints: SelectHints };

/** Everything the evaluator needs read or precomputed. */
export type Plan = { reads: PlannedRead[]; subqueryTimes: Map<SubqueryExpr, Float64Array> };

/** Limits the plan enforces. */
export type PlanLimits = { lookbackMs: number; maxSubquerySteps: number };

/** The time an `@` modifier names, in milliseconds. */
export function resolveAt(at: AtModifier, query: QueryTimes): number {
  return at === "start" ? query.startMs : at === "end" ? query.endMs : at;
}

/** A node's evaluation times: every stepMs from loMs to hiMs (one time when stepMs is 0). */
type Span = { loMs: number; hiMs: number; stepMs: number };

/**
 * Plans the reads of `expr` evaluated at every step of `span`. `skip(call)` is true for a call
 * the source answers whole (the histogram pushdown): its selectors are not read.
 */
export function plan(expr: Expr, span: Span, query: QueryTimes, limits: PlanLimits, skip: (call: Call) => boolean): Plan {
  const reads: PlannedRead[] = [];
  const subqueryTimes = new Map<SubqueryExpr, Float64Array>();
  let subquerySteps = 0;
  const fixed = (at: AtModifier | undefined, s: Span): Span => (at === undefined ? s : { loMs: resolveAt(at, query), hiMs: resolveAt(at, query), stepMs: 0 });
  const read = (selector: VectorSelector, s: Span, rangeMs: number, func: string | undefined): void => {
    const at = fixed(selector.at, s);
    const window = rangeMs > 0 ? rangeMs : limits.lookbackMs;
    const hints: SelectHints = { stepMs: at.stepMs, rangeMs, lookbackMs: limits.lookbackMs, ...(func !== undefined ? { func } : {}) };
    reads.push({ selector, startMs: at.loMs - selector.offsetMs - window, endMs: at.hiMs - selector.offsetMs, hints });
  };
  const walk = (node: Expr, s: Span, func?: string): void => {
    switch (node.kind) {
      case "vectorSelector":
        read(node, s, 0, undefined);
        return;
      case "matrixSelector":
        read(node.selector, s, node.rangeMs, func);
        return;
      case "subquery": {
        const outer = fixed(node.at, s);
        const stepMs = node.stepMs > 0 ? node.stepMs : DEFAULT_SUBQUERY_STEP_MS;
        // Inner times are the multiples of the step in (lo − offset − range, hi − offset].
        const hiMs = Math.floor((outer.hiMs - node.offsetMs) / stepMs) * stepMs;
        const loMs = (Math.floor((outer.loMs - node.offsetMs - node.rangeMs) / stepMs) + 1) * stepMs;
        const count = hiMs >= loMs ? Math.floor((hiMs - loMs) / stepMs) + 1 : 0;
        subquerySteps += count;
        if (subquerySteps > limits.maxSubquerySteps) throw tooCostly(node, count, limits.maxSubquerySteps);
        const times = new Float64Array(count);
        for (let i = 0; i < count; i++) times[i] = loMs + i * stepMs;
        subqueryTimes.set(node, times);
        walk(node.expr, { loMs, hiMs, stepMs });
        return;
      }
      case "call":
        if (skip(node)) return;
        for (const a of node.args) walk(a, s, node.func);
        return;
      case "paren":
        walk(node.expr, s, func);
        return;
      case "unary":
        walk(node.expr, s);
        return;
      case "binary":
        walk(node.lhs, s);
        walk(node.rhs, s);
        return;
      case "aggregate":
        if (node.param !== undefined) walk(node.param, s);
        walk(node.expr, s);
        return;
      default:
        return;
    }
  };
  walk(expr, span);
  return { reads, subqueryTimes };
}

function tooCostly(node: SubqueryExpr, count: number, max: number): PromQLError {
  const step = node.stepMs > 0 ? `${node.stepMs / 1000}s` : `the default ${DEFAULT_SUBQUERY_STEP_MS / 1000}s`;
  return new PromQLError(
    ErrorType.badData,
    `subquery over ${node.rangeMs / 1000}s at a step of ${step} would evaluate its inner expression ${count.toLocaleString("en-US")} times in this query, ` +
      `more than ${max.toLocaleString("en-US")} in all (maxSubquerySteps); use a larger subquery step (x[1h:5m]), a shorter subquery range, or a shorter query range`,
  );
}

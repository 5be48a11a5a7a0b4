/**
 * The engine's own small AST, built from lezer's concrete syntax tree by parse.ts. Only the
 * supported subset has a node; everything else is rejected while parsing, with a message.
 */
import type { Matcher } from "./source.ts";

/** The four PromQL value types, named as in Prometheus' messages. */
export type ValueType = "scalar" | "vector" | "matrix" | "string";

/** Arithmetic operators. */
export const ARITHMETIC_OPS = ["+", "-", "*", "/", "%", "^"] as const;
/** Comparison operators (filters, or 0/1 with `bool`). */
export const COMPARISON_OPS = ["==", "!=", ">", "<", ">=", "<="] as const;
/** Set operators, between instant vectors only. */
export const SET_OPS = ["and", "or", "unless"] as const;

/** Any binary operator (`atan2` is arithmetic). */
export type BinaryOp = (typeof ARITHMETIC_OPS)[number] | "atan2" | (typeof COMPARISON_OPS)[number] | (typeof SET_OPS)[number];

/** The aggregation operators of the subset. */
export const AGGREGATE_OPS = ["sum", "avg", "min", "max", "count", "group", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values"] as const;
/** One of {@link AGGREGATE_OPS}. */
export type AggregateOp = (typeof AGGREGATE_OPS)[number];

/** How two vectors' samples are paired (`on`/`ignoring`, `group_left`/`group_right`). */
export type VectorMatching = {
  card: "one-to-one" | "many-to-one" | "one-to-many" | "many-to-many";
  /** True for `on(labels)`, false for `ignoring(labels)` (or no clause: ignoring nothing). */
  on: boolean;
  labels: string[];
  /** Labels copied from the "one" side by `group_left(...)`/`group_right(...)`. */
  include: string[];
};

/**
 * The `@` modifier: a fixed evaluation time in milliseconds, or the query's start or end
 * (`@ start()`, `@ end()`), which are the same for every step of a range query.
 */
export type AtModifier = number | "start" | "end";

/** `foo{a="b"} offset 5m @ 1700000000`. */
export type VectorSelector = {
  kind: "vectorSelector";
  name: string | undefined;
  matchers: Matcher[];
  offsetMs: number;
  at: AtModifier | undefined;
  pos: number;
};
/** `foo[5m]`. */
export type MatrixSelector = { kind: "matrixSelector"; selector: VectorSelector; rangeMs: number; pos: number };
/**
 * `expr[range:step] offset o @ t`: expr evaluated at every multiple of step (absolute time) in
 * (t − o − range, t − o]. `stepMs` 0 means the default step (engine.ts, DEFAULT_SUBQUERY_STEP_MS).
 */
export type SubqueryExpr = { kind: "subquery"; expr: Expr; rangeMs: number; stepMs: number; offsetMs: number; at: AtModifier | undefined; pos: number };
/** A number literal. */
export type NumberLiteral = { kind: "number"; value: number; pos: number };
/** A string literal (function arguments, or a whole query). */
export type StringLiteral = { kind: "string"; value: string; pos: number };
/** `-x`, `+x`. */
export type UnaryExpr = { kind: "unary"; op: "-" | "+"; expr: Expr; pos: number };
/** `a <op> [bool] [on|ignoring(...)] [group_left|group_right(...)] b`. */
export type BinaryExpr = { kind: "binary"; op: BinaryOp; lhs: Expr; rhs: Expr; returnBool: boolean; matching: VectorMatching; pos: number };
/** `sum by (a) (x)`, `topk(3, x)`. */
export type AggregateExpr = { kind: "aggregate"; op: AggregateOp; expr: Expr; param: Expr | undefined; grouping: string[]; without: boolean; pos: number };
/** `rate(x[5m])`. */
export type Call = { kind: "call"; func: string; args: Expr[]; pos: number };
/** `(x)`. */
export type ParenExpr = { kind: "paren"; expr: Expr; pos: number };

/** Any expression of the subset. */
export type Expr = VectorSelector | MatrixSelector | SubqueryExpr | NumberLiteral | StringLiteral | UnaryExpr | BinaryExpr | AggregateExpr | Call | ParenExpr;

/** The expression with any parentheses around it removed. */
export function unwrapParens(expr: Expr): Expr {
  let e = expr;
  while (e.kind === "paren") e = e.expr;
  return e;
}

/** Calls `f` on each node, depth first; `f` returns false to skip the node's children. */
export function visit(expr: Expr, f: (node: Expr) => boolean): void {
  if (!f(expr)) return;
  switch (expr.kind) {
    case "paren":
    case "unary":
    case "subquery":
      visit(expr.expr, f);
      break;
    case "binary":
      visit(expr.lhs, f);
      visit(expr.rhs, f);
      break;
    case "aggregate":
      if (expr.param !== undefined) visit(expr.param, f);
      visit(expr.expr, f);
      break;
    case "call":
      for (const a of expr.args) visit(a, f);
      break;
    case "matrixSelector":
      visit(expr.selector, f);
      break;
    default:
      break;
  }
}

/**
 * The value type of an expression, as Prometheus' parser infers it for its type checks.
 */
import type { Expr, ValueType } from "./ast.ts";
import { FUNCTION_SIGNATURES } from "./function-signatures.ts";

/** The type a well-formed expression evaluates to. */
export function typeOf(expr: Expr): ValueType {
  switch (expr.kind) {
    case "number":
      return "scalar";
    case "string":
      return "string";
    case "vectorSelector":
      return "vector";
    case "matrixSelector":
    case "subquery":
      return "matrix";
    case "unary":
    case "paren":
      return typeOf(expr.expr);
    case "binary":
      return typeOf(expr.lhs) === "scalar" && typeOf(expr.rhs) === "scalar" ? "scalar" : "vector";
    case "aggregate":
      return "vector";
    case "call":
      return FUNCTION_SIGNATURES[expr.func].returns;
  }
}

/**
 * Converts lezer's concrete syntax tree into the engine's AST, checking types and operator rules
 * the way Prometheus' parser does, and refusing what the subset does not evaluate.
 */
import type { SyntaxNode } from "@lezer/common";
import type { AggregateOp, AtModifier, Expr, MatrixSelector, SubqueryExpr, VectorSelector } from "./ast.ts";
import { AGGREGATE_OPS } from "./ast.ts";
import type { Matcher } from "./source.ts";
import type { PromQLError } from "./errors.ts";
import { parseError } from "./errors.ts";
import { FUNCTION_SIGNATURES, SUPPORTED_FUNCTIONS, typeName } from "./function-signatures.ts";
import { parseDurationMs, parseNumber, unquote } from "./literals.ts";
import { compileRegex } from "./regex.ts";
import { matchesEmpty, METRIC_NAME } from "./labels.ts";
import { typeOf } from "./type-of.ts";
import { children, convertBinary } from "./convert-binary.ts";
import type { ConvertContext } from "./convert-binary.ts";

/** Aggregations whose first argument is a parameter, and its type. */
const AGGREGATE_PARAM: Readonly<Record<string, "scalar" | "string">> = { topk: "scalar", bottomk: "scalar", quantile: "scalar", count_values: "string" };

const SUPPORTED_AGGREGATIONS = AGGREGATE_OPS.join(", ");

/** Walks lezer's tree; holds the query text for slicing and positioned errors. */
export class Converter implements ConvertContext {
  private readonly query: string;

  constructor(query: string) {
    this.query = query;
  }

  text(node: SyntaxNode): string {
    return this.query.slice(node.from, node.to);
  }

  fail(node: SyntaxNode | number, message: string): PromQLError {
    return parseError(this.query, typeof node === "number" ? node : node.from, message);
  }

  expr(node: SyntaxNode): Expr {
    switch (node.name) {
      case "NumberDurationLiteral": {
        const value = parseNumber(this.text(node));
        if (value === undefined) throw this.fail(node, `bad number or duration syntax: ${JSON.stringify(this.text(node))}`);
        return { kind: "number", value, pos: node.from };
      }
      case "StringLiteral":
        return { kind: "string", value: this.string(node), pos: node.from };
      case "VectorSelector":
        return this.vectorSelector(node);
      case "MatrixSelector":
        return this.matrixSelector(node);
      case "OffsetExpr":
        return this.offset(node);
      case "ParenExpr":
        return { kind: "paren", expr: this.expr(this.only(node)), pos: node.from };
      case "UnaryExpr":
        return this.unary(node);
      case "BinaryExpr":
        return this.binary(node);
      case "AggregateExpr":
        return this.aggregate(node);
      case "FunctionCall":
        return this.call(node);
      case "SubqueryExpr":
        return this.subquery(node);
      case "StepInvariantExpr":
        return this.at(node);
      case "AnchoredExpr":
      case "SmoothedExpr":
        throw this.fail(node, `the ${node.name === "AnchoredExpr" ? "anchored" : "smoothed"} modifier is not supported by Driftline's PromQL subset`);
      default:
        throw this.fail(node, `unexpected ${JSON.stringify(this.text(node))}`);
    }
  }

  /** The single expression child of a wrapper node. */
  private only(node: SyntaxNode): SyntaxNode {
    const c = node.firstChild;
    if (c === null) throw this.fail(node, "no expression found");
    return c;
  }

  private string(node: SyntaxNode): string {
    try {
      return unquote(this.text(node));
    } catch (e) {
      throw this.fail(node, (e as Error).message);
    }
  }

  private vectorSelector(node: SyntaxNode): VectorSelector {
    let name: string | undefined;
    const matchers: Matcher[] = [];
    for (const c of children(node)) {
      if (c.name === "Identifier") name = this.text(c);
      else if (c.name === "LabelMatchers") {
        for (const m of children(c)) {
          if (m.name === "QuotedLabelName") {
            // {"metric.name"}: a quoted metric name inside the braces.
            if (name !== undefined) throw this.fail(m, "metric name must not be set twice");
            name = this.string(this.only(m));
          } else if (m.name === "UnquotedLabelMatcher" || m.name === "QuotedLabelMatcher") {
            matchers.push(this.matcher(m));
          }
        }
      }
    }
    if (name !== undefined) {
      if (matchers.some((m) => m.name === METRIC_NAME)) throw this.fail(node, "metric name must not be set twice");
      matchers.unshift({ name: METRIC_NAME, type: "=", value: name });
    }
    if (!matchers.some((m) => !matchesEmpty(m))) {
      throw this.fail(node, "vector selector must contain at least one non-empty matcher");
    }
    return { kind: "vectorSelector", name, matchers, offsetMs: 0, at: undefined, pos: node.from };
  }

  private matcher(node: SyntaxNode): Matcher {
    const [nameNode, opNode, valueNode] = children(node);
    const name = nameNode.name === "QuotedLabelName" ? this.string(this.only(nameNode)) : this.text(nameNode);
    const type = this.text(opNode) as Matcher["type"];
    const value = this.string(valueNode);
    if (type === "=~" || type === "!~") {
      try {
        compileRegex(value);
      } catch (e) {
        throw this.fail(valueNode, (e as Error).message);
      }
    }
    return { name, type, value };
  }

  private matrixSelector(node: SyntaxNode): MatrixSelector {
    const [inner, durationNode] = children(node);
    const selector = this.expr(inner);
    if (selector.kind !== "vectorSelector") throw this.fail(node, "ranges only allowed for vector selectors");
    if (selector.offsetMs !== 0 || selector.at !== undefined) throw this.fail(node, "offset and @ must follow the range: write x[5m] offset 1m");
    const rangeMs = this.duration(durationNode);
    if (rangeMs <= 0) throw this.fail(durationNode, "range must be greater than zero");
    return { kind: "matrixSelector", selector, rangeMs, pos: node.from };
  }

  /** A duration in a range or offset: a single literal; duration arithmetic is not supported. */
  private duration(node: SyntaxNode): number {
    const parts = children(node);
    if (parts.length === 2 && parts[0].name === "UnaryOp") {
      const ms = this.duration(parts[1]);
      return this.text(parts[0]) === "-" ? -ms : ms;
    }
    if (parts.length !== 1 || parts[0].name !== "NumberDurationLiteralInDurationContext") {
      throw this.fail(node, "duration expressions are not supported by Driftline's PromQL subset; write a literal duration such as 5m");
    }
    const text = this.text(parts[0]);
    const ms = parseDurationMs(text);
    if (ms !== undefined) return ms;
    const seconds = parseNumber(text);
    if (seconds === undefined || !Number.isFinite(seconds)) throw this.fail(parts[0], `bad duration ${JSON.stringify(text)}`);
    return Math.round(seconds * 1000);
  }

  private subquery(node: SyntaxNode): SubqueryExpr {
    const [inner, rangeNode, stepNode] = children(node);
    const expr = this.expr(inner);
    const type = typeOf(expr);
    if (type !== "vector") throw this.fail(node, `subquery is only allowed on instant vector, got ${typeName(type)} instead`);
    const rangeMs = this.duration(rangeNode);
    if (rangeMs <= 0) throw this.fail(rangeNode, "range must be greater than zero");
    const stepMs = stepNode === undefined ? 0 : this.duration(stepNode);
    if (stepNode !== undefined && stepMs <= 0) throw this.fail(stepNode, "subquery step must be greater than zero");
    return { kind: "subquery", expr, rangeMs, stepMs, offsetMs: 0, at: undefined, pos: node.from };
  }

  /**
   * `offset`. lezer attaches it to the whole expression on its left (`a or b offset 5m` reads
   * as `(a or b) offset 5m`); in Prometheus it binds to the selector or subquery just before it,
   * so it is moved down to the rightmost operand (issue 12).
   */
  private offset(node: SyntaxNode): Expr {
    const parts = children(node);
    const target = this.expr(parts[0]);
    const offsetMs = this.duration(parts[parts.length - 1]);
    const modified = this.modifierTarget(target, node, "offset");
    if (modified.offsetMs !== 0) throw this.fail(node, "offset may not be set multiple times");
    modified.offsetMs = offsetMs;
    return target;
  }

  /** `@ <time>`, `@ start()`, `@ end()`, moved down to its operand like `offset`. */
  private at(node: SyntaxNode): Expr {
    const parts = children(node);
    const target = this.expr(parts[0]);
    const last = parts[parts.length - 1];
    let at: AtModifier;
    if (last.name === "AtModifierPreprocessors") at = last.firstChild?.name === "AtStart" ? "start" : "end";
    else {
      const seconds = parseNumber(this.text(last).replace(/\s+/g, ""));
      if (seconds === undefined || !Number.isFinite(seconds)) throw this.fail(last, `invalid @ time ${JSON.stringify(this.text(last))}: must be a finite number of seconds`);
      at = Math.round(seconds * 1000);
    }
    const modified = this.modifierTarget(target, node, "@");
    if (modified.at !== undefined) throw this.fail(node, "@ <timestamp> may not be set multiple times");
    modified.at = at;
    return target;
  }

  /** The selector or subquery a modifier applies to: the rightmost operand of `target`. */
  private modifierTarget(target: Expr, node: SyntaxNode, modifier: string): VectorSelector | SubqueryExpr {
    let e = target;
    for (;;) {
      if (e.kind === "binary") e = e.rhs;
      else if (e.kind === "unary") e = e.expr;
      else break;
    }
    if (e.kind === "matrixSelector") return e.selector;
    if (e.kind === "vectorSelector" || e.kind === "subquery") return e;
    throw this.fail(node, `${modifier} modifier must be preceded by an instant vector selector or range vector selector or a subquery`);
  }

  private unary(node: SyntaxNode): Expr {
    const [opNode, operand] = children(node);
    const expr = this.expr(operand);
    const type = typeOf(expr);
    if (type !== "scalar" && type !== "vector") {
      throw this.fail(node, `unary expression only allowed on expressions of type scalar or instant vector, got ${JSON.stringify(typeName(type))}`);
    }
    return { kind: "unary", op: this.text(opNode) === "-" ? "-" : "+", expr, pos: node.from };
  }

  private binary(node: SyntaxNode): Expr {
    return convertBinary(this, node);
  }

  groupingLabels(node: SyntaxNode): string[] {
    return children(node).map((c) => (c.name === "QuotedLabelName" ? this.string(this.only(c)) : this.text(c)));
  }

  private aggregate(node: SyntaxNode): Expr {
    let op: string | undefined;
    let grouping: string[] = [];
    let withoutLabels = false;
    let body: SyntaxNode | undefined;
    for (const c of children(node)) {
      // PromQL keywords are case-insensitive: SUM BY (job) (x) is sum by (job) (x).
      if (c.name === "AggregateOp") op = this.text(c).toLowerCase();
      else if (c.name === "AggregateModifier") {
        const [kw, labels] = children(c);
        withoutLabels = kw.name === "Without";
        grouping = this.groupingLabels(labels);
      } else if (c.name === "FunctionCallBody") body = c;
    }
    if (op === undefined || body === undefined) throw this.fail(node, "malformed aggregation");
    if (!(AGGREGATE_OPS as readonly string[]).includes(op)) {
      throw this.fail(node, `aggregation ${JSON.stringify(op)} is not supported by Driftline's PromQL subset; supported: ${SUPPORTED_AGGREGATIONS}`);
    }
    const args = children(body).map((c) => this.expr(c));
    const paramType = AGGREGATE_PARAM[op];
    const takesParam = paramType !== undefined;
    const expected = takesParam ? 2 : 1;
    if (args.length !== expected) {
      throw this.fail(node, `wrong number of arguments for aggregate expression provided, expected ${expected}, got ${args.length}`);
    }
    const expr = args[expected - 1];
    const exprType = typeOf(expr);
    if (exprType !== "vector") throw this.fail(node, `expected type instant vector in aggregation expression, got ${typeName(exprType)}`);
    const param = takesParam ? args[0] : undefined;
    if (param !== undefined && typeOf(param) !== paramType) {
      throw this.fail(node, `expected type ${paramType} in aggregation parameter, got ${typeName(typeOf(param))}`);
    }
    return { kind: "aggregate", op: op as AggregateOp, expr, param, grouping, without: withoutLabels, pos: node.from };
  }

  private call(node: SyntaxNode): Expr {
    const [identifier, body] = children(node);
    const func = this.text(identifier);
    const signature = FUNCTION_SIGNATURES[func];
    if (signature === undefined) {
      throw this.fail(node, `function ${JSON.stringify(func)} is not supported by Driftline's PromQL subset; supported: ${SUPPORTED_FUNCTIONS.join(", ")}`);
    }
    const args = children(body).map((c) => this.expr(c));
    const min = signature.args.length;
    const max = signature.variadic !== undefined ? Infinity : min + (signature.optional?.length ?? 0);
    if (args.length < min || args.length > max) {
      const expected = max === min ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      throw this.fail(node, `expected ${expected} argument(s) in call to ${JSON.stringify(func)}, got ${args.length}`);
    }
    const types = [...signature.args, ...(signature.optional ?? [])];
    args.forEach((arg, i) => {
      const want = types[i] ?? signature.variadic ?? "vector";
      const got = typeOf(arg);
      if (got !== want) {
        throw this.fail(arg.pos, `expected type ${typeName(want)} in call to function ${JSON.stringify(func)}, got ${typeName(got)}`);
      }
    });
    return { kind: "call", func, args, pos: node.from };
  }
}

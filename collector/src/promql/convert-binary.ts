/**
 * Binary expressions of the lezer tree in the engine's AST: operator precedence (lezer's tree is
 * re-associated where a modifier moved an operand), vector matching clauses and Prometheus' type
 * rules. Split from convert.ts, which owns the rest of the tree walk.
 */
import type { SyntaxNode } from "@lezer/common";
import type { BinaryExpr, BinaryOp, Expr, VectorMatching } from "./ast.ts";
import { COMPARISON_OPS, SET_OPS } from "./ast.ts";
import type { PromQLError } from "./errors.ts";
import { typeOf } from "./type-of.ts";

/** A node's children, in order. */
export function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c !== null; c = c.nextSibling) out.push(c);
  return out;
}

/** What the binary conversion needs from the tree walk (convert.ts's Converter). */
export type ConvertContext = {
  text(node: SyntaxNode): string;
  fail(node: SyntaxNode | number, message: string): PromQLError;
  expr(node: SyntaxNode): Expr;
  groupingLabels(node: SyntaxNode): string[];
};

const OPERATOR_NODES: Readonly<Record<string, BinaryOp>> = {
  Pow: "^", Mul: "*", Div: "/", Mod: "%", Add: "+", Sub: "-",
  Eql: "==", Neq: "!=", Gtr: ">", Lss: "<", Gte: ">=", Lte: "<=",
  And: "and", Or: "or", Unless: "unless", Atan2: "atan2",
};

/** Binding strength of the binary operators, as in Prometheus' grammar (higher binds tighter). */
const PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  or: 1, and: 2, unless: 2,
  "==": 3, "!=": 3, ">": 3, "<": 3, ">=": 3, "<=": 3,
  "+": 4, "-": 4,
  "*": 5, "/": 5, "%": 5, atan2: 5,
  "^": 6,
};

/** True if `op` must group before `left` in `(x left y) op z`; `^` is right-associative. */
function bindsTighter(op: BinaryOp, left: BinaryOp): boolean {
  return PRECEDENCE[op] > PRECEDENCE[left] || (op === "^" && left === "^");
}

/** A binary expression, with Prometheus' precedence, associativity and type rules. */
export function convertBinary(c: ConvertContext, node: SyntaxNode): Expr {
  const parts = children(node);
  const signed = /^\s*([-+])\s*/.exec(c.text(parts[0]));
  if (parts[1].name === "Pow" && parts[0].name === "NumberDurationLiteral" && signed !== null) {
    // lezer reads `-2 ^ 2` as (-2) ^ 2; in Prometheus unary minus binds looser than ^: -(2 ^ 2).
    const magnitude = c.expr(parts[0]);
    if (magnitude.kind === "number") magnitude.value = Math.abs(magnitude.value);
    const power = binaryOf(c, node, parts, magnitude);
    return { kind: "unary", op: signed[1] === "-" ? "-" : "+", expr: power, pos: node.from };
  }
  const lhs = c.expr(parts[0]);
  const built = binaryOf(c, node, parts, lhs);
  // lezer closes `a unless b offset 1m / c` as ((a unless b) offset 1m) / c; the modifier moved
  // down to b, the tree must be re-associated by precedence: a unless (b offset 1m / c). Without
  // parentheses a looser operator never stands on the left of a tighter one otherwise.
  return built.kind === "binary" ? reassociate(c, node, built) : built;
}

/** Rotates (a op1 b) op2 c into a op1 (b op2 c) while op2 binds tighter than op1, checking types again. */
function reassociate(c: ConvertContext, node: SyntaxNode, e: BinaryExpr): Expr {
  const l = e.lhs;
  if (l.kind !== "binary" || !bindsTighter(e.op, l.op)) return e;
  const inner = reassociate(c, node, { ...e, lhs: l.rhs });
  checkBinary(c, node, inner.kind === "binary" ? inner : e);
  const outer: BinaryExpr = { ...l, rhs: inner };
  checkBinary(c, node, outer);
  return outer;
}

/** Prometheus' type rules for a binary expression. */
function checkBinary(c: ConvertContext, node: SyntaxNode, e: BinaryExpr): void {
  const isComparison = (COMPARISON_OPS as readonly string[]).includes(e.op);
  const isSet = (SET_OPS as readonly string[]).includes(e.op);
  const lt = typeOf(e.lhs);
  const rt = typeOf(e.rhs);
  for (const t of [lt, rt]) {
    if (t !== "scalar" && t !== "vector") throw c.fail(node, "binary expression must contain only scalar and instant vector types");
  }
  if (e.returnBool && !isComparison) throw c.fail(node, "bool modifier can only be used on comparison operators");
  if (isComparison && !e.returnBool && lt === "scalar" && rt === "scalar") {
    throw c.fail(node, "comparisons between scalars must use BOOL modifier");
  }
  if (isSet && (lt === "scalar" || rt === "scalar")) {
    throw c.fail(node, `set operator ${JSON.stringify(e.op)} not allowed in binary scalar expression`);
  }
}

function binaryOf(c: ConvertContext, node: SyntaxNode, parts: SyntaxNode[], lhs: Expr): Expr {
  const rhs = c.expr(parts[parts.length - 1]);
  const opNode = parts[1];
  const op = OPERATOR_NODES[opNode.name];
  if (op === undefined) {
    throw c.fail(opNode, `operator ${JSON.stringify(c.text(opNode))} is not supported by Driftline's PromQL subset; supported: + - * / % ^ == != > < >= <= and or unless`);
  }
  let returnBool = false;
  let clause: SyntaxNode | undefined;
  for (const p of parts.slice(2, -1)) {
    if (p.name === "BoolModifier") returnBool = true;
    else if (p.name === "MatchingModifierClause") clause = p;
    else if (p.name === "FillModifier") throw c.fail(p, "fill modifiers are not supported by Driftline's PromQL subset");
  }
  const isSet = (SET_OPS as readonly string[]).includes(op);
  const lt = typeOf(lhs);
  const rt = typeOf(rhs);
  const unmatched: BinaryExpr = { kind: "binary", op, lhs, rhs, returnBool, matching: { card: "one-to-one", on: false, labels: [], include: [] }, pos: node.from };
  checkBinary(c, node, unmatched);
  const matching: VectorMatching = { card: isSet ? "many-to-many" : "one-to-one", on: false, labels: [], include: [] };
  if (clause !== undefined) {
    if (lt !== "vector" || rt !== "vector") throw c.fail(clause, "vector matching only allowed between instant vectors");
    readMatching(c, clause, matching, op, isSet);
  }
  return { kind: "binary", op, lhs, rhs, returnBool, matching, pos: node.from };
}

/** Reads an `on`/`ignoring` clause with its `group_left`/`group_right` into `matching`. */
function readMatching(c: ConvertContext, clause: SyntaxNode, matching: VectorMatching, op: BinaryOp, isSet: boolean): void {
  const parts = children(clause);
  matching.on = parts[0].name === "On";
  matching.labels = c.groupingLabels(parts[1]);
  if (parts.length > 2) {
    if (isSet) throw c.fail(parts[2], `no grouping allowed for ${JSON.stringify(op)} operation`);
    matching.card = parts[2].name === "GroupLeft" ? "many-to-one" : "one-to-many";
    matching.include = parts[3] !== undefined ? c.groupingLabels(parts[3]) : [];
    if (matching.on) {
      for (const l of matching.include) {
        if (matching.labels.includes(l)) throw c.fail(parts[3], `label ${JSON.stringify(l)} must not occur in ON and GROUP clause at once`);
      }
    }
  }
}


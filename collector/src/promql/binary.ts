/**
 * Binary operators: arithmetic and comparison on scalars and vectors, vector matching
 * (one-to-one, `on`/`ignoring`, `group_left`/`group_right`) and the set operators, following
 * prometheus/promql/engine.go (VectorBinop, VectorAnd/Or/Unless, resultMetric).
 */
import type { BinaryExpr, BinaryOp, VectorMatching } from "./ast.ts";
import { COMPARISON_OPS } from "./ast.ts";
import type { Labels } from "./source.ts";
import type { Sample } from "./values.ts";
import { executionError } from "./errors.ts";
import { dropMetricName, formatLabels, labelsKey, METRIC_NAME, without } from "./labels.ts";

/** True for == != > < >= <=. */
export function isComparison(op: BinaryOp): boolean {
  return (COMPARISON_OPS as readonly string[]).includes(op);
}

/** Arithmetic on two numbers, with Go's math.Pow edge cases (1^NaN = 1, (-1)^±Inf = 1). */
export function arithmetic(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
    case "%":
      return a % b;
    case "^":
      if (a === 1 || b === 0) return 1;
      if (a === -1 && !Number.isFinite(b) && !Number.isNaN(b)) return 1;
      return Math.pow(a, b);
    case "atan2":
      return Math.atan2(a, b);
    default:
      throw new Error(`not an arithmetic operator: ${op}`);
  }
}

/** A comparison of two numbers (NaN compares unequal to everything, as in Go). */
export function compare(op: BinaryOp, a: number, b: number): boolean {
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case ">":
      return a > b;
    case "<":
      return a < b;
    case ">=":
      return a >= b;
    case "<=":
      return a <= b;
    default:
      throw new Error(`not a comparison operator: ${op}`);
  }
}

/** scalar <op> scalar (comparisons carry `bool`, which the parser requires). */
export function scalarBinary(op: BinaryOp, a: number, b: number): number {
  return isComparison(op) ? (compare(op, a, b) ? 1 : 0) : arithmetic(op, a, b);
}

/** vector <op> scalar, or scalar <op> vector when `scalarOnLeft`. */
export function vectorScalar(expr: BinaryExpr, samples: Sample[], scalar: number, scalarOnLeft: boolean): Sample[] {
  const comparison = isComparison(expr.op);
  const out: Sample[] = [];
  for (const s of samples) {
    const [l, r] = scalarOnLeft ? [scalar, s.value] : [s.value, scalar];
    if (!comparison) {
      out.push({ labels: dropMetricName(s.labels), value: arithmetic(expr.op, l, r) });
      continue;
    }
    const keep = compare(expr.op, l, r);
    if (expr.returnBool) out.push({ labels: dropMetricName(s.labels), value: keep ? 1 : 0 });
    // A filter keeps the vector's own value, whichever side the vector is on.
    else if (keep) out.push(s);
  }
  return out;
}

/** The key two samples must share to be matched. */
function signature(labels: Labels, matching: VectorMatching): string {
  if (matching.on) {
    return [...matching.labels]
      .sort()
      .map((n) => `${n}\u0000${labels[n] ?? ""}`)
      .join("\u0001");
  }
  return labelsKey(without(labels, matching.labels));
}

/** vector <op> vector for arithmetic and comparison operators. */
export function vectorVector(expr: BinaryExpr, lhs: Sample[], rhs: Sample[]): Sample[] {
  const { matching, op } = expr;
  // As Prometheus: nothing can match, so duplicates on one side are no error.
  if (lhs.length === 0 || rhs.length === 0) return [];
  const oneToMany = matching.card === "one-to-many";
  // Like Prometheus, make the "many" side the left one, and swap values back before the operator.
  const [many, one] = oneToMany ? [rhs, lhs] : [lhs, rhs];
  const oneSide = new Map<string, Sample>();
  for (const s of one) {
    const sig = signature(s.labels, matching);
    const prior = oneSide.get(sig);
    if (prior !== undefined) {
      const side = oneToMany ? "left" : "right";
      throw executionError(
        `found duplicate series for the match group ${formatLabels(matchGroup(s.labels, matching))} on the ${side} hand-side of the operation: [${formatLabels(prior.labels)}, ${formatLabels(s.labels)}];many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    }
    oneSide.set(sig, s);
  }
  const comparison = isComparison(op);
  const dropName = !comparison || expr.returnBool;
  const seen = new Set<string>();
  const out: Sample[] = [];
  for (const m of many) {
    const sig = signature(m.labels, matching);
    const o = oneSide.get(sig);
    if (o === undefined) continue;
    const [l, r] = oneToMany ? [o.value, m.value] : [m.value, o.value];
    let value: number;
    if (comparison) {
      const keep = compare(op, l, r);
      if (!keep && !expr.returnBool) continue;
      value = expr.returnBool ? (keep ? 1 : 0) : l;
    } else {
      value = arithmetic(op, l, r);
    }
    // Checked after a comparison filter, as Prometheus does: samples it dropped cannot collide.
    if (matching.card === "one-to-one") {
      if (seen.has(sig)) {
        throw executionError("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
      }
      seen.add(sig);
    }
    out.push({ labels: resultLabels(m.labels, o.labels, matching, dropName), value });
  }
  return out;
}

function matchGroup(labels: Labels, matching: VectorMatching): Labels {
  if (!matching.on) return without(labels, matching.labels);
  const out: Labels = {};
  for (const n of matching.labels) if (labels[n] !== undefined) out[n] = labels[n];
  return out;
}

function resultLabels(many: Labels, one: Labels, matching: VectorMatching, dropName: boolean): Labels {
  const out: Labels = { ...many };
  if (dropName) delete out[METRIC_NAME];
  if (matching.card === "one-to-one") {
    if (matching.on) {
      for (const n of Object.keys(out)) if (!matching.labels.includes(n)) delete out[n];
    } else {
      for (const n of matching.labels) delete out[n];
    }
  }
  for (const n of matching.include) {
    const v = one[n];
    if (v !== undefined && v !== "") out[n] = v;
    else delete out[n];
  }
  return out;
}

/** `and`, `or`, `unless`. */
export function setOperation(expr: BinaryExpr, lhs: Sample[], rhs: Sample[]): Sample[] {
  const sig = (s: Sample) => signature(s.labels, expr.matching);
  switch (expr.op) {
    case "and": {
      const right = new Set(rhs.map(sig));
      return lhs.filter((s) => right.has(sig(s)));
    }
    case "unless": {
      const right = new Set(rhs.map(sig));
      return lhs.filter((s) => !right.has(sig(s)));
    }
    case "or": {
      const left = new Set(lhs.map(sig));
      return [...lhs, ...rhs.filter((s) => !left.has(sig(s)))];
    }
    default:
      throw new Error(`not a set operator: ${expr.op}`);
  }
}

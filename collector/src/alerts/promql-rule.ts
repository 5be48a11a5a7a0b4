/**
 * The fields of a `kind: "promql"` rule (docs/alerts.md, "PromQL rules"): `expr`, parsed with the
 * engine's parser when the rule is stored, so a rule that cannot be evaluated is a 400 then, not
 * an error at every evaluation; `keep_firing_for`; and templates in labels and annotations,
 * checked against what alert-template.ts evaluates.
 */
import { AlertRuleError } from "./errors.ts";
import { templateRefusal } from "./alert-template.ts";
import { MAX_PERIOD_MS, optionalDuration } from "./rule.ts";
import type { AlertRule } from "./rule.ts";
import { parseQuery, typeOf } from "../promql/parse.ts";
import { PromQLError } from "../promql/errors.ts";

/** Longest `expr`, in characters: a rule is stored and read at every evaluation. */
export const MAX_EXPR_LENGTH = 4096;

/** Fills a PromQL rule's own fields into `rule` (the common fields already parsed). */
export function parsePromqlFields(rule: AlertRule, body: Record<string, unknown>): AlertRule {
  rule.expr = checkExpr(body.expr);
  rule.keepFiringForMs = optionalDuration(body.keep_firing_for, "keep_firing_for", 0, 0, MAX_PERIOD_MS);
  for (const field of ["labels", "annotations"] as const) {
    for (const [name, template] of Object.entries(rule[field])) {
      const refusal = templateRefusal(template);
      if (refusal !== null) throw new AlertRuleError(`${field}.${name}: ${refusal}`);
    }
  }
  if (rule.labels.alertname !== undefined) throw new AlertRuleError("labels.alertname: the rule name is the alertname label");
  return rule;
}

/**
 * The expression, or why Driftline cannot evaluate it: it must parse in Driftline's PromQL subset
 * (docs/promql.md) and give an instant vector or a scalar, as Prometheus evaluates alerting rules.
 */
export function checkExpr(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") throw new AlertRuleError("a promql rule needs expr, a PromQL expression such as 'driftline_feature_drift{feature=\"income\", method=\"psi\", window=\"1h\"} > 0.2'");
  if (value.length > MAX_EXPR_LENGTH) throw new AlertRuleError(`expr is ${value.length} characters, more than MAX_EXPR_LENGTH (${MAX_EXPR_LENGTH})`);
  try {
    const type = typeOf(parseQuery(value));
    if (type !== "vector" && type !== "scalar") {
      throw new AlertRuleError(`expr gives a ${type === "matrix" ? "range vector" : type}; an alerting rule needs an instant vector or a scalar (each output series is an alert)`);
    }
  } catch (error) {
    if (error instanceof PromQLError) throw new AlertRuleError(`expr does not parse: ${error.message}`);
    throw error;
  }
  return value;
}

/**
 * The `alert_rules` table (schema migration 5): one row per rule with its validated definition,
 * its state and when it is next due. Plain functions over the ModelStore's SQLite, which its RPC
 * methods delegate to.
 */
import { alertLabels, initialState, publicRule, ruleQuery } from "@driftline/collector/alerts";
import type { AlertRule, AlertState, PublicRule } from "@driftline/collector/alerts";

/**
 * Rules per model: each costs a read per evaluation period (docs/alerts.md). 200 are evaluated
 * in one alarm well inside a second (npm run bench:alerts, docs/benchmarks.md).
 */
export const MAX_RULES_PER_MODEL = 200;

/**
 * What the API shows of a rule: its public definition, the PromQL equivalent, the labels its
 * alert and notifications carry, and its state.
 */
export type RuleView = { name: string; model: string; rule: PublicRule; query: string; labels: Record<string, string>; state: AlertState };

/** A rule with its state, as evaluation reads it. */
export type StoredRule = { rule: AlertRule; state: AlertState; nextEvalMs: number };

/** A PUT the store refuses (the cap); the route answers 400 with it. */
export type RuleRefusal = { refused: string };

/**
 * Stores a rule, replacing one of the same name. A new rule starts `ok` and is evaluated at the
 * next alarm; a replaced rule keeps its state only when its condition is unchanged in kind, so
 * an edit of labels or receivers does not re-notify, but a new condition starts over.
 */
export function putRule(sql: SqlStorage, rule: AlertRule, nowMs: number): RuleView | RuleRefusal {
  const existing = getStoredRule(sql, rule.name);
  if (existing === null) {
    const count = sql.exec<{ n: number }>("SELECT count(*) AS n FROM alert_rules").one().n;
    if (count >= MAX_RULES_PER_MODEL) return { refused: `model ${JSON.stringify(rule.model)} has ${count} alert rules, the limit (MAX_RULES_PER_MODEL = ${MAX_RULES_PER_MODEL}): delete one first` };
  }
  // A PromQL rule keeps its alerts through any change (Prometheus copies a rule's active alerts
  // across a reload): the next evaluation resolves, with notifications, those no longer in the output.
  const keep = existing !== null && (sameCondition(existing.rule, rule) || (existing.rule.kind === "promql" && rule.kind === "promql"));
  const state = keep ? existing.state : initialState();
  sql.exec(
    "INSERT OR REPLACE INTO alert_rules (name, spec, state, next_eval_ms, updated_ms) VALUES (?, ?, ?, ?, ?)",
    rule.name,
    JSON.stringify(rule),
    JSON.stringify(state),
    nowMs,
    nowMs,
  );
  return viewOf(rule, state);
}

function sameCondition(a: AlertRule, b: AlertRule): boolean {
  const condition = (r: AlertRule) => JSON.stringify([r.kind, r.version, r.segment, r.feature, r.method, r.quantile, r.metric, r.className, r.windowMs, r.threshold, r.resolveThreshold, r.forMs, r.expr, r.keepFiringForMs]);
  return condition(a) === condition(b);
}

/** What applying a rule file did to each rule. */
export type AppliedRule = { name: string; outcome: "created" | "updated" | "unchanged"; kind: AlertRule["kind"] };

/**
 * Applies a model's rules from a rule file (docs/alerts.md, "Rules as files"), all or none: a
 * rule whose `expr` is an existing fixed-kind rule's PromQL equivalent keeps that rule (only its
 * `for`, labels and annotations change), so export then apply changes nothing; a replaced rule
 * keeps its receivers and reminder period unless `receiversGiven`. Rules not in the file stay.
 */
export function applyRules(sql: SqlStorage, rules: readonly AlertRule[], receiversGiven: boolean, nowMs: number): AppliedRule[] | RuleRefusal {
  const applied: AppliedRule[] = [];
  for (const incoming of rules) {
    const existing = getStoredRule(sql, incoming.name)?.rule;
    let rule = incoming;
    if (existing !== undefined && existing.kind !== "promql" && ruleQuery(existing) === incoming.expr) {
      rule = { ...existing, forMs: incoming.forMs, labels: incoming.labels, annotations: incoming.annotations };
      if (receiversGiven) rule.receivers = incoming.receivers;
    } else if (existing !== undefined && !receiversGiven) {
      rule = { ...incoming, receivers: existing.receivers, repeatIntervalMs: Math.max(existing.repeatIntervalMs, incoming.intervalMs) };
    }
    if (existing !== undefined && rule.generatorURL === undefined && existing.generatorURL !== undefined) rule.generatorURL = existing.generatorURL;
    const outcome = existing === undefined ? "created" : JSON.stringify(existing) === JSON.stringify(rule) ? "unchanged" : "updated";
    if (outcome !== "unchanged") {
      const view = putRule(sql, rule, nowMs);
      if ("refused" in view) return view;
    }
    applied.push({ name: rule.name, outcome, kind: rule.kind });
  }
  return applied;
}

/** A rule with its state, or null. */
export function getStoredRule(sql: SqlStorage, name: string): StoredRule | null {
  const row = sql.exec<{ spec: string; state: string; next_eval_ms: number }>("SELECT spec, state, next_eval_ms FROM alert_rules WHERE name = ?", name).toArray()[0];
  return row === undefined ? null : { rule: JSON.parse(row.spec) as AlertRule, state: JSON.parse(row.state) as AlertState, nextEvalMs: row.next_eval_ms };
}

/** Every rule with its state, by name. */
export function listStoredRules(sql: SqlStorage): StoredRule[] {
  return sql
    .exec<{ spec: string; state: string; next_eval_ms: number }>("SELECT spec, state, next_eval_ms FROM alert_rules ORDER BY name")
    .toArray()
    .map((row) => ({ rule: JSON.parse(row.spec) as AlertRule, state: JSON.parse(row.state) as AlertState, nextEvalMs: row.next_eval_ms }));
}

/** Rules due at `nowMs`. */
export function dueRules(sql: SqlStorage, nowMs: number): StoredRule[] {
  return sql
    .exec<{ spec: string; state: string; next_eval_ms: number }>("SELECT spec, state, next_eval_ms FROM alert_rules WHERE next_eval_ms <= ? ORDER BY next_eval_ms", nowMs)
    .toArray()
    .map((row) => ({ rule: JSON.parse(row.spec) as AlertRule, state: JSON.parse(row.state) as AlertState, nextEvalMs: row.next_eval_ms }));
}

/**
 * When a rule evaluated at `nowMs` is next due: the next multiple of its interval (Prometheus
 * likewise aligns a group's evaluations), so a model's rules of one interval are evaluated
 * together, in one alarm, whenever they were stored.
 */
export function nextEvaluationMs(nowMs: number, intervalMs: number): number {
  return (Math.floor(nowMs / intervalMs) + 1) * intervalMs;
}

/** Writes a rule's state after an evaluation, and when it is due next. */
export function saveState(sql: SqlStorage, name: string, state: AlertState, nextEvalMs: number): void {
  sql.exec("UPDATE alert_rules SET state = ?, next_eval_ms = ? WHERE name = ?", JSON.stringify(state), nextEvalMs, name);
}

/** Deletes a rule with its queued notifications and its delivery log; false when there was none. */
export function deleteRule(sql: SqlStorage, name: string): boolean {
  const deleted = sql.exec("DELETE FROM alert_rules WHERE name = ?", name).rowsWritten;
  sql.exec("DELETE FROM alert_outbox WHERE rule = ?", name);
  sql.exec("DELETE FROM alert_deliveries WHERE rule = ?", name);
  return deleted > 0;
}

/** When the next rule is due, or null without rules. */
export function nextRuleDueMs(sql: SqlStorage): number | null {
  return sql.exec<{ t: number | null }>("SELECT min(next_eval_ms) AS t FROM alert_rules").one().t;
}

/** The API's view of a rule. */
export function viewOf(rule: AlertRule, state: AlertState): RuleView {
  return { name: rule.name, model: rule.model, rule: publicRule(rule), query: ruleQuery(rule), labels: alertLabels(rule), state };
}

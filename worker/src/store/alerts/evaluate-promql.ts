/**
 * PromQL rules in the alarm (docs/alerts.md, "PromQL rules"). The engine is async, so the
 * expressions are evaluated first, outside any transaction ({@link evaluatePromqlRules}), and
 * the per-series alert states they produce are saved, with their notifications, in the alarm's
 * one transaction ({@link savePromqlResults}). A rule replaced or deleted in between is left as
 * it now is: its result is dropped, and it is evaluated again when due. Between two rules the
 * object serves the ingest that arrived meanwhile, so a model's 200 rules never hold ingest up
 * for longer than one rule's evaluation (npm run bench:alerts).
 */
import { instantSamples, parseQuery, PromQLError } from "@driftline/collector/promql";
import type { Expr } from "@driftline/collector/promql";
import { resendsWhileFiring, seriesNotificationOf, stepSeries } from "@driftline/collector/alerts";
import type { AlertRule, AlertState, SeriesAlert, SeriesStep } from "@driftline/collector/alerts";
import { ReadLimitError } from "../read/read-limit.ts";
import { catalogRows } from "../read/select.ts";
import type { ReadContext } from "../read/select.ts";
import { StoreRuleSource } from "./promql-source.ts";
import type { ReadMemo } from "./promql-source.ts";
import { enqueue } from "./outbox.ts";
import { dueRules, nextEvaluationMs, saveState } from "./rules-table.ts";

/** Series one rule's expression may read (the engine's maxSeries), far above MAX_ALERTS_PER_RULE. */
export const MAX_RULE_SERIES = 2_000;

/**
 * Parsed expressions by text, shared by the isolate's stores: a rule is parsed once, not at
 * every evaluation (about 1 ms each). Bounded: cleared when it reaches MAX_PARSED.
 */
const PARSED = new Map<string, Expr>();
const MAX_PARSED = 2_000;

function parsed(expr: string): Expr {
  let tree = PARSED.get(expr);
  if (tree === undefined) {
    tree = parseQuery(expr);
    if (PARSED.size >= MAX_PARSED) PARSED.clear();
    PARSED.set(expr, tree);
  }
  return tree;
}

/** One PromQL rule's evaluation, waiting to be saved. */
export type PromqlResult = { spec: string; rule: AlertRule; state: AlertState; step: SeriesStep; seconds: number };

/** Evaluates every PromQL rule due at `nowMs` over the store's own series; saves nothing. */
export async function evaluatePromqlRules(sql: SqlStorage, nowMs: number, context: ReadContext): Promise<PromqlResult[]> {
  const results: PromqlResult[] = [];
  const due = dueRules(sql, nowMs).filter(({ rule }) => rule.kind === "promql");
  if (due.length === 0) return results;
  const rows = catalogRows(sql);
  const memo: ReadMemo = new Map();
  for (const { rule, state } of due) {
    const startedMs = performance.now();
    let step: SeriesStep;
    try {
      const samples = await instantSamples(new StoreRuleSource(sql, rule.model, { ...context, nowMs }, rows, memo), parsed(rule.expr!), nowMs, { maxSeries: MAX_RULE_SERIES });
      step = stepSeries({ name: rule.name, model: rule.model, forMs: rule.forMs, keepFiringForMs: rule.keepFiringForMs ?? 0, repeatIntervalMs: rule.repeatIntervalMs, labels: rule.labels, annotations: rule.annotations }, state.alerts ?? [], samples, nowMs);
    } catch (error) {
      // One rule's failure is that rule's health, never every rule's: an unexpected error is
      // logged as well, as it is a bug rather than a query problem.
      if (!(error instanceof PromQLError) && !(error instanceof ReadLimitError)) console.error(`alert rule ${rule.name} failed`, error);
      step = { error: error instanceof Error ? error.message : String(error) };
    }
    results.push({ spec: JSON.stringify(rule), rule, state, step, seconds: (performance.now() - startedMs) / 1000 });
    // The reads are synchronous: without a turn of the event loop between rules, 200 rules would
    // hold the object for their whole evaluation and ingest would wait behind it. A timer lets the
    // ingest RPCs that arrived meanwhile run first; a rule changed by one is not saved (below).
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return results;
}

/** Saves evaluated PromQL rules' states and queues their notifications (call inside a transaction). */
export function savePromqlResults(sql: SqlStorage, results: readonly PromqlResult[], nowMs: number): void {
  for (const { spec, rule, state, step, seconds } of results) {
    const current = sql.exec<{ spec: string }>("SELECT spec FROM alert_rules WHERE name = ?", rule.name).toArray()[0];
    if (current?.spec !== spec) continue;
    const next: AlertState = { ...state, lastEvaluationMs: nowMs, evaluationSeconds: seconds };
    if ("error" in step) {
      // As in Prometheus, a failed evaluation leaves the alerts as they were.
      Object.assign(next, { health: "err", lastError: step.error });
    } else {
      Object.assign(next, summaryOf(step.alerts), { health: "ok", lastError: "", alerts: step.alerts });
      for (const { event, alert } of step.events) {
        const notification = seriesNotificationOf(rule, alert, event === "refresh" ? "repeat" : event, nowMs);
        if (event === "refresh") enqueue(sql, rule, "refresh", notification, nowMs, resendsWhileFiring);
        else enqueue(sql, rule, event, notification, nowMs);
      }
    }
    saveState(sql, rule.name, next, nextEvaluationMs(nowMs, rule.intervalMs));
  }
}

/**
 * The rule's own state from its alerts, as Prometheus reports a rule's state: firing when any
 * alert fires, else pending when any is pending, else ok.
 */
function summaryOf(alerts: readonly SeriesAlert[]): Pick<AlertState, "status" | "activeSinceMs" | "firingSinceMs" | "value"> {
  const firing = alerts.filter((a) => a.status === "firing");
  const pending = alerts.filter((a) => a.status === "pending");
  const active = [...firing, ...pending];
  return {
    status: firing.length > 0 ? "firing" : pending.length > 0 ? "pending" : "ok",
    activeSinceMs: active.length === 0 ? null : Math.min(...active.map((a) => a.activeSinceMs)),
    firingSinceMs: firing.length === 0 ? null : Math.min(...firing.map((a) => a.firingSinceMs ?? a.activeSinceMs)),
    value: active.length === 0 ? null : active[0].value,
  };
}

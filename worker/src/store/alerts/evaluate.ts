// Runs inside the ModelStore Durable Object: alert rules, their evaluation in the alarm, and the
// notification outbox.
/**
 * The alerting step of the ModelStore's alarm: evaluate the rules that are due (PromQL rules
 * first, outside the transaction; then one synchronous transaction over the store's own SQLite
 * evaluates the other kinds and saves every state), then send the notifications that are due
 * (outbox.ts). Evaluation is `step` (collector/src/alerts/state.ts) over `readRule`, so a test
 * can drive it at any `nowMs`.
 */
import { notificationOf, resendsWhileFiring, step } from "@driftline/collector/alerts";
import { deliverDue, enqueue, nextDeliveryDueMs } from "./outbox.ts";
import type { Sender } from "./outbox.ts";
import { readRule } from "./readings.ts";
import type { ReadingContext } from "./readings.ts";
import { dueRules, nextEvaluationMs, nextRuleDueMs, saveState } from "./rules-table.ts";
import { evaluatePromqlRules, savePromqlResults } from "./evaluate-promql.ts";
import type { ReadContext } from "../read/select.ts";

/** When a failed alerting step is tried again. */
const RETRY_AFTER_FAILURE_MS = 60_000;

/**
 * Evaluates every rule of a fixed kind due at `nowMs`, saves the states and queues notifications;
 * returns how many ran. PromQL rules are evaluated apart (evaluate-promql.ts): their engine is async.
 */
export function evaluateDue(sql: SqlStorage, nowMs: number, context: ReadingContext): number {
  const due = dueRules(sql, nowMs).filter(({ rule }) => rule.kind !== "promql");
  for (const { rule, state } of due) {
    const startedMs = performance.now();
    const reading = readRule(sql, rule, nowMs, context);
    const result = step(rule, state, reading, nowMs);
    result.state.evaluationSeconds = (performance.now() - startedMs) / 1000;
    if (result.notify !== null) enqueue(sql, rule, result.notify, notificationOf(rule, result.state, result.notify), nowMs);
    else if (result.state.status === "firing") {
      // Still firing, nothing new: Alertmanager is told again, as Prometheus does (deliveries.ts).
      enqueue(sql, rule, "refresh", notificationOf(rule, result.state, "repeat"), nowMs, resendsWhileFiring);
    }
    saveState(sql, rule.name, result.state, nextEvaluationMs(nowMs, rule.intervalMs));
  }
  return due.length;
}

/** When alerting needs the alarm next (a rule or a queued notification due), or null. */
export function nextAlertDueMs(sql: SqlStorage): number | null {
  return earliest(nextRuleDueMs(sql), nextDeliveryDueMs(sql));
}

/**
 * One alarm's alerting: evaluate, then deliver. Never throws (the alarm must not fail because a
 * rule did): a failure is logged and the step asks to run again a minute later.
 */
export async function runAlertStep(storage: DurableObjectStorage, nowMs: number, context: ReadContext, send: Sender): Promise<number | null> {
  try {
    const promql = await evaluatePromqlRules(storage.sql, nowMs, context);
    storage.transactionSync(() => {
      evaluateDue(storage.sql, nowMs, context);
      savePromqlResults(storage.sql, promql, nowMs);
    });
    await deliverDue(storage.sql, nowMs, send);
    return nextAlertDueMs(storage.sql);
  } catch (error) {
    console.error("alert evaluation failed; retrying in a minute", error);
    return nextRuleDueMs(storage.sql) === null ? null : Date.now() + RETRY_AFTER_FAILURE_MS;
  }
}

/** The earlier of two optional times. */
export function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

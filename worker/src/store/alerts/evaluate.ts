// Runs inside the ModelStore Durable Object: alert rules, their evaluation in the alarm, and the
// notification outbox.
/**
 * The alerting step of the ModelStore's alarm: evaluate the rules that are due (a synchronous
 * transaction over the store's own SQLite), then send the notifications that are due
 * (outbox.ts). Evaluation is `step` (collector/src/alerts/state.ts) over `readRule`, so a test
 * can drive it at any `nowMs`.
 */
import { notificationOf, resendsWhileFiring, step } from "@driftline/collector/alerts";
import { deliverDue, enqueue, nextDeliveryDueMs } from "./outbox.ts";
import type { Sender } from "./outbox.ts";
import { readRule } from "./readings.ts";
import type { ReadingContext } from "./readings.ts";
import { dueRules, nextRuleDueMs, saveState } from "./rules-table.ts";

/** When a failed alerting step is tried again. */
const RETRY_AFTER_FAILURE_MS = 60_000;

/** Evaluates every rule due at `nowMs`, saves the states and queues notifications; returns how many ran. */
export function evaluateDue(sql: SqlStorage, nowMs: number, context: ReadingContext): number {
  const due = dueRules(sql, nowMs);
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
    saveState(sql, rule.name, result.state, nowMs + rule.intervalMs);
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
export async function runAlertStep(storage: DurableObjectStorage, nowMs: number, context: ReadingContext, send: Sender): Promise<number | null> {
  try {
    storage.transactionSync(() => evaluateDue(storage.sql, nowMs, context));
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

/**
 * Notifications on their way out: queued by evaluation (one row per receiver), sent by the alarm
 * with a timeout, retried with exponential backoff on a non-2xx answer, a network error or a
 * timeout, and logged attempt by attempt. Nothing here runs inside an ingest RPC, and every
 * table is bounded: a slow or failing receiver costs the alarm its timeout, never ingest.
 */
import { renderDelivery } from "@driftline/collector/alerts";
import type { AlertRule, Notification, NotificationEvent, Receiver } from "@driftline/collector/alerts";

/**
 * What a queued notification is: a state change or reminder of the rule's state machine, or
 * `refresh`, the re-send of a firing alert to the receivers that expire alerts that are not
 * re-sent (Alertmanager; deliveries.ts).
 */
export type OutboxEvent = NotificationEvent | "refresh";

/** Queued notifications per model; past it the oldest is dropped (and logged as dropped). */
export const MAX_OUTBOX = 100;
/** Delivery-log rows kept per rule (the newest). */
export const MAX_LOG_PER_RULE = 100;
/** Attempts per notification before it is given up. */
export const MAX_ATTEMPTS = 6;
/** The wait after the first failure; it doubles per further failure, up to RETRY_MAX_MS. */
export const RETRY_BASE_MS = 10_000;
export const RETRY_MAX_MS = 10 * 60_000;
/** Notifications one alarm run sends (in parallel); the rest wait for the next run. */
export const MAX_SENDS_PER_RUN = 20;

/** One HTTP attempt: resolves with the status, rejects on a network error or the timeout. */
export type Sender = (url: string, init: { headers: Record<string, string>; body: string }, timeoutMs: number) => Promise<number>;

/** The production sender: `fetch` with a timeout; redirects are not followed (a 3xx is a failure). */
export const fetchSender: Sender = async (url, init, timeoutMs) => {
  const response = await fetch(url, { method: "POST", headers: init.headers, body: init.body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  await response.body?.cancel();
  return response.status;
};

/** What a delivery-log row says. */
export type DeliveryOutcome = "delivered" | "retrying" | "gave_up" | "dropped";

/** A delivery-log row as the API shows it. */
export type DeliveryView = {
  /** The notification's id: the same across its attempts, sent as the Driftline-Delivery header. */
  delivery: number;
  receiver: number;
  receiverType: string;
  event: NotificationEvent;
  attempt: number;
  at: string;
  outcome: DeliveryOutcome;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  /** When the next attempt is due (outcome retrying). */
  nextAttemptAt?: string;
};

/** The wait before attempt `failures + 1`, after `failures` failed attempts. */
export function backoffMs(failures: number): number {
  return Math.min(RETRY_BASE_MS * 2 ** (failures - 1), RETRY_MAX_MS);
}

/**
 * Queues a notification for each of the rule's receivers (those `only` accepts, when given);
 * drops the oldest past MAX_OUTBOX.
 */
export function enqueue(sql: SqlStorage, rule: AlertRule, event: OutboxEvent, notification: Notification, nowMs: number, only?: (receiver: Receiver) => boolean): void {
  const text = JSON.stringify(notification);
  rule.receivers.forEach((receiver, i) => {
    if (only !== undefined && !only(receiver)) return;
    sql.exec("INSERT INTO alert_outbox (rule, receiver, event, notification, next_attempt_ms, created_ms) VALUES (?, ?, ?, ?, ?, ?)", rule.name, i, event, text, nowMs, nowMs);
  });
  const excess = sql.exec<{ n: number }>("SELECT count(*) AS n FROM alert_outbox").one().n - MAX_OUTBOX;
  if (excess <= 0) return;
  const dropped = sql.exec<{ id: number; rule: string; receiver: number; event: string; attempts: number }>("SELECT id, rule, receiver, event, attempts FROM alert_outbox ORDER BY id LIMIT ?", excess).toArray();
  for (const row of dropped) {
    sql.exec("DELETE FROM alert_outbox WHERE id = ?", row.id);
    log(sql, { rule: row.rule, delivery: row.id, receiver: row.receiver, receiverType: receiverTypeOf(sql, row.rule, row.receiver), event: row.event, attempt: row.attempts, atMs: nowMs, outcome: "dropped", httpStatus: null, error: `outbox full (MAX_OUTBOX = ${MAX_OUTBOX}): the receivers are not keeping up`, durationMs: 0 });
  }
}

/** When the next queued notification is due, or null when the outbox is empty. */
export function nextDeliveryDueMs(sql: SqlStorage): number | null {
  return sql.exec<{ t: number | null }>("SELECT min(next_attempt_ms) AS t FROM alert_outbox").one().t;
}

type OutboxRow = { id: number; rule: string; receiver: number; event: string; notification: string; attempts: number };

/**
 * Sends the notifications due at `nowMs` (at most MAX_SENDS_PER_RUN, in parallel, each under its
 * receiver's timeout) and records each attempt. Webhook bodies are signed at send time, so a
 * retry carries a fresh timestamp. Returns how many were attempted.
 */
export async function deliverDue(sql: SqlStorage, nowMs: number, send: Sender): Promise<number> {
  const rows = sql.exec<OutboxRow>("SELECT id, rule, receiver, event, notification, attempts FROM alert_outbox WHERE next_attempt_ms <= ? ORDER BY next_attempt_ms, id LIMIT ?", nowMs, MAX_SENDS_PER_RUN).toArray();
  await Promise.all(rows.map((row) => attempt(sql, row, nowMs, send)));
  return rows.length;
}

async function attempt(sql: SqlStorage, row: OutboxRow, nowMs: number, send: Sender): Promise<void> {
  const spec = sql.exec<{ spec: string }>("SELECT spec FROM alert_rules WHERE name = ?", row.rule).toArray()[0];
  const receiver = spec === undefined ? undefined : (JSON.parse(spec.spec) as AlertRule).receivers[row.receiver];
  if (receiver === undefined) {
    // The rule was deleted or lost this receiver since the notification was queued.
    sql.exec("DELETE FROM alert_outbox WHERE id = ?", row.id);
    return;
  }
  const notification = JSON.parse(row.notification) as Notification;
  const rule = JSON.parse(spec!.spec) as AlertRule;
  const { url, headers, body } = await renderDelivery(receiver, notification, { deliveryId: String(row.id), nowMs, intervalMs: rule.intervalMs });
  const startedMs = Date.now();
  let httpStatus: number | null = null;
  let error: string | null = null;
  try {
    httpStatus = await send(url, { headers, body }, receiver.timeoutMs);
    if (httpStatus < 200 || httpStatus > 299) error = `receiver answered ${httpStatus}`;
  } catch (cause) {
    const timedOut = cause instanceof Error && (cause.name === "TimeoutError" || cause.name === "AbortError");
    error = timedOut ? `no answer within ${receiver.timeoutMs / 1000} s (the receiver's timeoutSeconds)` : `request failed: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
  const durationMs = Date.now() - startedMs;
  const attemptNumber = row.attempts + 1;
  const entry = { rule: row.rule, delivery: row.id, receiver: row.receiver, receiverType: receiver.type, event: row.event, attempt: attemptNumber, atMs: nowMs, httpStatus, error, durationMs };
  if (error === null) {
    sql.exec("DELETE FROM alert_outbox WHERE id = ?", row.id);
    log(sql, { ...entry, outcome: "delivered" });
  } else if (attemptNumber >= MAX_ATTEMPTS) {
    sql.exec("DELETE FROM alert_outbox WHERE id = ?", row.id);
    log(sql, { ...entry, outcome: "gave_up", error: `${error}; gave up after ${MAX_ATTEMPTS} attempts (MAX_ATTEMPTS)` });
  } else {
    sql.exec("UPDATE alert_outbox SET attempts = ?, next_attempt_ms = ? WHERE id = ?", attemptNumber, nowMs + backoffMs(attemptNumber), row.id);
    log(sql, { ...entry, outcome: "retrying" });
  }
}

type LogEntry = { rule: string; delivery: number; receiver: number; receiverType: string; event: string; attempt: number; atMs: number; outcome: DeliveryOutcome; httpStatus: number | null; error: string | null; durationMs: number };

function log(sql: SqlStorage, e: LogEntry): void {
  sql.exec(
    "INSERT INTO alert_deliveries (rule, delivery, receiver, receiver_type, event, attempt, at_ms, outcome, http_status, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    e.rule, e.delivery, e.receiver, e.receiverType, e.event, e.attempt, e.atMs, e.outcome, e.httpStatus, e.error, e.durationMs,
  );
  sql.exec(
    "DELETE FROM alert_deliveries WHERE rule = ? AND id <= (SELECT id FROM alert_deliveries WHERE rule = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
    e.rule, e.rule, MAX_LOG_PER_RULE,
  );
}

function receiverTypeOf(sql: SqlStorage, rule: string, receiver: number): string {
  const spec = sql.exec<{ spec: string }>("SELECT spec FROM alert_rules WHERE name = ?", rule).toArray()[0];
  return spec === undefined ? "unknown" : ((JSON.parse(spec.spec) as AlertRule).receivers[receiver]?.type ?? "unknown");
}

/** A rule's delivery log, newest first. */
export function listDeliveries(sql: SqlStorage, rule: string, limit = MAX_LOG_PER_RULE): DeliveryView[] {
  type Row = { delivery: number; receiver: number; receiver_type: string; event: string; attempt: number; at_ms: number; outcome: string; http_status: number | null; error: string | null; duration_ms: number };
  const pending = new Map(sql.exec<{ id: number; next_attempt_ms: number }>("SELECT id, next_attempt_ms FROM alert_outbox WHERE rule = ?", rule).toArray().map((r) => [r.id, r.next_attempt_ms]));
  return sql
    .exec<Row>("SELECT delivery, receiver, receiver_type, event, attempt, at_ms, outcome, http_status, error, duration_ms FROM alert_deliveries WHERE rule = ? ORDER BY id DESC LIMIT ?", rule, limit)
    .toArray()
    .map((r) => {
      const view: DeliveryView = {
        delivery: r.delivery,
        receiver: r.receiver,
        receiverType: r.receiver_type,
        event: r.event as NotificationEvent,
        attempt: r.attempt,
        at: new Date(r.at_ms).toISOString(),
        outcome: r.outcome as DeliveryOutcome,
        httpStatus: r.http_status,
        error: r.error,
        durationMs: r.duration_ms,
      };
      const next = pending.get(r.delivery);
      if (r.outcome === "retrying" && next !== undefined) view.nextAttemptAt = new Date(next).toISOString();
      return view;
    });
}

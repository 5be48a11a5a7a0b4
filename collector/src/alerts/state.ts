/**
 * The alert state machine, a pure function of (rule, state, reading, now) so tests drive time
 * explicitly and the ModelStore only persists what it returns.
 *
 *     ok ──breach──▶ pending ──breach held `for`──▶ firing ──recovered──▶ resolved ──▶ ok
 *      ▲               │ no breach                  │ repeat interval: reminder      │ breach
 *      └───────────────┘                            └──────────────                  ▼ pending
 *
 * A breach is the value past `threshold`; recovery is the value back past `resolveThreshold`
 * (hysteresis: between the two a firing alert stays firing, so a value hovering at the threshold
 * does not flap). No value (an empty window) is not a breach, as an empty PromQL result is not
 * in Prometheus. A reading error changes no state; it sets `health: "err"` and `lastError`.
 */
import { firesAbove } from "./rule.ts";
import type { AlertRule } from "./rule.ts";
import type { SeriesAlert } from "./series-alerts.ts";

/** The states; `resolved` lasts one evaluation, then becomes `ok`. */
export const AlertStatus = { ok: "ok", pending: "pending", firing: "firing", resolved: "resolved" } as const;
/** One of {@link AlertStatus}. */
export type AlertStatus = (typeof AlertStatus)[keyof typeof AlertStatus];

/** Prometheus' rule health values. */
export type RuleHealth = "ok" | "err" | "unknown";

/** What is kept per rule between evaluations (JSON-safe). */
export type AlertState = {
  status: AlertStatus;
  /** Since when the condition has held (pending and firing), else null: Prometheus' activeAt. */
  activeSinceMs: number | null;
  /** When the rule last went to firing. */
  firingSinceMs: number | null;
  /** When the rule last resolved. */
  resolvedAtMs: number | null;
  /** When the last firing notification (first or reminder) was queued. */
  lastNotifiedMs: number | null;
  lastEvaluationMs: number | null;
  /** How long the last evaluation took, in seconds (Prometheus' evaluationTime). */
  evaluationSeconds: number;
  /** The last value read (null: the window had no data, or the reading failed). */
  value: number | null;
  health: RuleHealth;
  lastError: string;
  /** PromQL rules: one alert per output series (series-alerts.ts); absent for the other kinds. */
  alerts?: SeriesAlert[];
};

/** What an evaluation read: a value, no value (empty window), or why it could not read. */
export type Reading = { value: number | null } | { error: string };

/** A notification the transition calls for: a state change, or a reminder while firing. */
export type NotificationEvent = "firing" | "resolved" | "repeat";

/** The state of a rule never evaluated. */
export function initialState(): AlertState {
  return {
    status: AlertStatus.ok,
    activeSinceMs: null,
    firingSinceMs: null,
    resolvedAtMs: null,
    lastNotifiedMs: null,
    lastEvaluationMs: null,
    evaluationSeconds: 0,
    value: null,
    health: "unknown",
    lastError: "",
  };
}

/** The parts of a rule the state machine reads. */
export type StepRule = Pick<AlertRule, "kind" | "threshold" | "resolveThreshold" | "forMs" | "repeatIntervalMs"> & { metric?: string };

/** One evaluation: the next state and the notification it calls for, if any. */
export function step(rule: StepRule, state: AlertState, reading: Reading, nowMs: number): { state: AlertState; notify: NotificationEvent | null } {
  const next: AlertState = { ...state, lastEvaluationMs: nowMs };
  if ("error" in reading) {
    next.health = "err";
    next.lastError = reading.error;
    next.value = null;
    return { state: next, notify: null };
  }
  next.health = "ok";
  next.lastError = "";
  next.value = reading.value;
  const above = firesAbove(rule);
  const v = reading.value;
  const breach = v !== null && (above ? v > rule.threshold : v < rule.threshold);
  const recovered = v === null || (above ? v <= rule.resolveThreshold : v >= rule.resolveThreshold);
  switch (state.status) {
    case AlertStatus.ok:
    case AlertStatus.resolved:
      if (!breach) {
        next.status = AlertStatus.ok;
        return { state: next, notify: null };
      }
      next.activeSinceMs = nowMs;
      return rule.forMs === 0 ? fire(next, nowMs) : { state: { ...next, status: AlertStatus.pending }, notify: null };
    case AlertStatus.pending:
      if (!breach) return { state: { ...next, status: AlertStatus.ok, activeSinceMs: null }, notify: null };
      return nowMs - (state.activeSinceMs ?? nowMs) >= rule.forMs ? fire(next, nowMs) : { state: next, notify: null };
    case AlertStatus.firing:
      if (recovered) return { state: { ...next, status: AlertStatus.resolved, activeSinceMs: null, resolvedAtMs: nowMs }, notify: "resolved" };
      if (nowMs - (state.lastNotifiedMs ?? nowMs) >= rule.repeatIntervalMs) return { state: { ...next, lastNotifiedMs: nowMs }, notify: "repeat" };
      return { state: next, notify: null };
  }
}

function fire(next: AlertState, nowMs: number): { state: AlertState; notify: NotificationEvent } {
  return { state: { ...next, status: AlertStatus.firing, firingSinceMs: nowMs, lastNotifiedMs: nowMs }, notify: "firing" };
}

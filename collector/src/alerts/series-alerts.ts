/**
 * PromQL rules' alerts, with Prometheus' alerting-rule semantics (rules/alerting.go, `Eval`):
 * one alert per output series of the expression, each with its own state.
 *
 * - An output series that was not active becomes a `pending` alert (active since now); one that
 *   stays in the output for `for` fires (at once with `for: 0s`).
 * - A pending alert whose series leaves the output is dropped; a firing one goes `inactive`
 *   (resolved), unless `keep_firing_for` keeps it firing that long after its series left.
 * - An inactive alert is kept 15 minutes (Prometheus' resolvedRetention), then forgotten; its
 *   series coming back starts a new pending alert.
 * - Labels: the series' labels without `__name__`, then the rule's labels (templated; an empty
 *   result removes the label), then `alertname`. Two series with the same labels after that
 *   are an error, as in Prometheus.
 *
 * Pure: (rule, alerts, samples, now) → (alerts, notifications), so tests drive time explicitly.
 */
import { expandTemplate } from "./alert-template.ts";
import type { NotificationEvent } from "./state.ts";

/** Prometheus keeps a resolved alert this long, so receivers hear of the resolution. */
export const RESOLVED_RETENTION_MS = 15 * 60_000;
/**
 * Alerts one PromQL rule may hold (pending, firing and recently resolved): each is a
 * notification per state change, and the model's outbox holds 100. A larger result is an
 * evaluation error naming this limit (state unchanged), as Prometheus' rule group `limit` is.
 */
export const MAX_ALERTS_PER_RULE = 50;

/** One alert of a PromQL rule (JSON-safe; kept in the rule's state). */
export type SeriesAlert = {
  /** The alert's labels: series labels (no `__name__`), the rule's labels, `alertname`. */
  labels: Record<string, string>;
  /** The rule's annotations, templated with this alert's labels and value. */
  annotations: Record<string, string>;
  /** `inactive` is a resolved alert, kept RESOLVED_RETENTION_MS. */
  status: "pending" | "firing" | "inactive";
  /** When the series entered the output (Prometheus' activeAt). */
  activeSinceMs: number;
  firingSinceMs: number | null;
  resolvedAtMs: number | null;
  /** Since when a firing alert is kept by keep_firing_for after its series left the output. */
  keepFiringSinceMs: number | null;
  /** When the last firing notification (first or reminder) was queued. */
  lastNotifiedMs: number | null;
  /** The series' last value. */
  value: number;
  /** A stable id of the labels (FNV-1a 64, hex): PagerDuty's dedup_key and the like. */
  fingerprint: string;
};

/** One sample of the expression's output. */
export type OutputSample = { labels: Record<string, string>; value: number };

/** What the per-series step reads of a PromQL rule. */
export type SeriesStepRule = {
  name: string;
  model: string;
  forMs: number;
  keepFiringForMs: number;
  repeatIntervalMs: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
};

/** A notification the step calls for: a state change, a reminder, or a re-send while firing. */
export type SeriesEvent = { event: NotificationEvent | "refresh"; alert: SeriesAlert };

/** The alerts after one evaluation, and what to notify; or why the output cannot be alerts. */
export type SeriesStep = { alerts: SeriesAlert[]; events: SeriesEvent[] } | { error: string };

/** One evaluation of a PromQL rule's output at `nowMs`. */
export function stepSeries(rule: SeriesStepRule, previous: readonly SeriesAlert[], output: readonly OutputSample[], nowMs: number): SeriesStep {
  const current = new Map<string, { labels: Record<string, string>; annotations: Record<string, string>; value: number }>();
  for (const sample of output) {
    const labels = alertLabelsOf(rule, sample);
    const key = labelsKey(labels);
    if (current.has(key)) return { error: "vector contains metrics with the same labelset after applying alert labels" };
    const annotations: Record<string, string> = {};
    for (const [name, template] of Object.entries(rule.annotations)) annotations[name] = expandTemplate(template, sample.labels, sample.value);
    current.set(key, { labels, annotations, value: sample.value });
  }
  const active = new Map(previous.map((a) => [labelsKey(a.labels), { ...a }]));
  const events: SeriesEvent[] = [];
  for (const [key, seen] of current) {
    const alert = active.get(key);
    if (alert !== undefined && alert.status !== "inactive") {
      alert.value = seen.value;
      alert.annotations = seen.annotations;
      alert.keepFiringSinceMs = null;
      continue;
    }
    active.set(key, {
      labels: seen.labels, annotations: seen.annotations, status: "pending", activeSinceMs: nowMs, firingSinceMs: null,
      resolvedAtMs: null, keepFiringSinceMs: null, lastNotifiedMs: null, value: seen.value, fingerprint: fingerprintOf(seen.labels),
    });
  }
  const next: SeriesAlert[] = [];
  for (const [key, alert] of active) {
    if (!current.has(key)) {
      if (alert.status === "pending") continue;
      if (alert.status === "inactive") {
        if (nowMs - (alert.resolvedAtMs ?? nowMs) <= RESOLVED_RETENTION_MS) next.push(alert);
        continue;
      }
      alert.keepFiringSinceMs ??= nowMs;
      if (rule.keepFiringForMs === 0 || nowMs - alert.keepFiringSinceMs >= rule.keepFiringForMs) {
        next.push({ ...alert, status: "inactive", resolvedAtMs: nowMs, keepFiringSinceMs: null });
        events.push({ event: "resolved", alert: next[next.length - 1] });
        continue;
      }
    }
    if (alert.status === "pending" && nowMs - alert.activeSinceMs >= rule.forMs) {
      alert.status = "firing";
      alert.firingSinceMs = nowMs;
      alert.lastNotifiedMs = nowMs;
      events.push({ event: "firing", alert });
    } else if (alert.status === "firing") {
      if (nowMs - (alert.lastNotifiedMs ?? nowMs) >= rule.repeatIntervalMs) {
        alert.lastNotifiedMs = nowMs;
        events.push({ event: "repeat", alert });
      } else events.push({ event: "refresh", alert });
    }
    next.push(alert);
  }
  if (next.length > MAX_ALERTS_PER_RULE) {
    return { error: `the expression gives ${next.length} alerts, more than MAX_ALERTS_PER_RULE (${MAX_ALERTS_PER_RULE}): aggregate (sum by, topk) or narrow the selectors` };
  }
  next.sort((a, b) => compare(labelsKey(a.labels), labelsKey(b.labels)));
  events.sort((a, b) => compare(labelsKey(a.alert.labels), labelsKey(b.alert.labels)));
  return { alerts: next, events };
}

/**
 * Series labels without `__name__`, the rule's labels (templated with the series' labels,
 * `__name__` included, as in Prometheus; an empty result removes the label), `alertname`, and
 * `model` when the expression aggregated it away: the model is the rule's scope, and Prometheus
 * likewise adds its external labels to every alert it sends.
 */
function alertLabelsOf(rule: SeriesStepRule, sample: OutputSample): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(sample.labels)) if (name !== "__name__") labels[name] = value;
  for (const [name, template] of Object.entries(rule.labels)) {
    const value = expandTemplate(template, sample.labels, sample.value);
    if (value === "") delete labels[name];
    else labels[name] = value;
  }
  labels.alertname = rule.name;
  labels.model ??= rule.model;
  return labels;
}

/** A label set's identity: its pairs sorted by name. */
export function labelsKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => compare(a, b)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** FNV-1a 64 of the sorted label pairs, as 16 hex digits: stable across evaluations and restarts. */
export function fingerprintOf(labels: Record<string, string>): string {
  let hash = 0xcbf29ce484222325n;
  const bytes = new TextEncoder().encode(labelsKey(labels));
  for (const byte of bytes) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash.toString(16).padStart(16, "0");
}

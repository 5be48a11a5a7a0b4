/**
 * What a notification says, apart from how it is sent (as OpenTelemetry's serializer is apart
 * from its exporter): one {@link Notification} per state change or reminder, rendered as the
 * generic webhook's JSON or as a Slack incoming-webhook message.
 */
import { formatDurationMs } from "./duration.ts";
import { firesAbove } from "./rule.ts";
import type { AlertRule } from "./rule.ts";
import type { AlertState, NotificationEvent } from "./state.ts";
import { ruleQuery } from "./promql.ts";
import type { SeriesAlert } from "./series-alerts.ts";

/** The webhook body's schema version; bumped only on an incompatible change. */
export const NOTIFICATION_VERSION = "1";

/** One notification, JSON-safe; the generic webhook sends it as is (plus `version`). */
export type Notification = {
  version: typeof NOTIFICATION_VERSION;
  /** `firing` for the first notification and reminders (`repeat: true`), `resolved` once. */
  status: "firing" | "resolved";
  repeat: boolean;
  model: string;
  rule: string;
  kind: AlertRule["kind"];
  /** One line a person can read: what crossed which bound. */
  summary: string;
  /** `alertname`, `model`, the rule's scope (`version`, `feature`, …) and the rule's own labels. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  value: number | null;
  /** The rule's threshold; null for a PromQL rule, whose comparison is in its expression. */
  threshold: number | null;
  resolveThreshold: number | null;
  /** The equivalent PromQL (docs/alerts.md). */
  query: string;
  /** When the alert started firing (ISO 8601). */
  startsAt: string;
  /** When it resolved; null while firing. */
  endsAt: string | null;
  evaluatedAt: string;
  /** The rule in Driftline's API, where the rule was stored from (Prometheus' generatorURL); null when unknown. */
  generatorURL?: string | null;
  /** PromQL rules: the alert's label fingerprint (series-alerts.ts), one per output series. */
  fingerprint?: string;
};

/** The labels an alert carries, Prometheus-style: alertname first, the rule's own labels last. */
export function alertLabels(rule: AlertRule): Record<string, string> {
  // A PromQL rule's alerts carry their series' labels too (series-alerts.ts); the rule has these.
  if (rule.kind === "promql") return { ...rule.labels, alertname: rule.name, model: rule.model };
  const labels: Record<string, string> = { alertname: rule.name, model: rule.model };
  if (rule.version !== undefined) labels.version = rule.version;
  if (rule.segment !== undefined) {
    labels.segment = rule.segment.name;
    labels.segment_value = rule.segment.value;
  }
  if (rule.kind === "drift") {
    labels.feature = rule.feature ?? "__prediction__";
    if (rule.method !== undefined) labels.method = rule.method;
  }
  if (rule.kind === "data_quality") {
    labels.feature = rule.feature!;
    labels.quality = rule.quality!;
  }
  if (rule.metric !== undefined) labels.metric = rule.metric;
  if (rule.className !== undefined) labels.class = rule.className;
  // Routing trees key on severity (Alertmanager, PagerDuty): a rule without one is a warning.
  return { severity: "warning", ...rule.labels, ...labels };
}

/** What the rule watches, in words ("drift of income (psi over 5m)"). */
export function describeCondition(rule: AlertRule): string {
  const window = formatDurationMs(rule.windowMs);
  switch (rule.kind) {
    case "drift":
      if (rule.fromSettings === true) return `drift status${rule.method === undefined ? "" : ` (${rule.method})`} of ${rule.feature === undefined ? "the prediction" : rule.feature} over ${window}`;
      return `${rule.method} drift of ${rule.feature === undefined ? "the prediction" : rule.feature} over ${window}`;
    case "latency":
      return `p${+(rule.quantile! * 100).toFixed(4)} latency over ${window} (seconds)`;
    case "error_rate":
      return `error rate over ${window}`;
    case "accuracy":
      return `${rule.metric}${rule.className === undefined ? "" : ` of class ${rule.className}`} over ${window}`;
    case "data_quality":
      return `share of ${QUALITY_WORDS[rule.quality!](rule.feature!)} over ${window}`;
    case "no_data":
      return "seconds since the last prediction";
    case "promql":
      return rule.expr!;
  }
}

/** Each data-quality ratio in words, after "share of". */
const QUALITY_WORDS: Record<NonNullable<AlertRule["quality"]>, (feature: string) => string> = {
  missing: (feature) => `predictions missing ${feature}`,
  type_mismatch: (feature) => `predictions sending ${feature} with the wrong type`,
  out_of_range: (feature) => `${feature} outside the training range`,
  new_categories: (feature) => `${feature} in categories the baseline never saw`,
};

/** A drift status level (a drift rule graded by the settings) in words. */
const STATUS_WORDS = ["ok", "warn", "alert"];

/** The notification for `event`, from the rule and the state the transition produced. */
export function notificationOf(rule: AlertRule, state: AlertState, event: NotificationEvent): Notification {
  const status = event === "resolved" ? "resolved" : "firing";
  const value = state.value;
  const bound = status === "firing" ? rule.threshold : rule.resolveThreshold;
  const above = firesAbove(rule);
  const relationText = status === "firing" ? (above ? ">" : "<") : above ? "<=" : ">=";
  const scope = `${rule.model}${rule.version === undefined ? "" : ` ${rule.version}`}${rule.segment === undefined ? "" : ` (${rule.segment.name}=${rule.segment.value})`}: ${describeCondition(rule)} is`;
  const summary =
    rule.fromSettings === true
      ? `${scope} ${value === null ? "no data" : (STATUS_WORDS[value] ?? formatValue(value))}`
      : `${scope} ${value === null ? "no data" : formatValue(value)} (${relationText} ${formatValue(bound)})`;
  const startsMs = state.firingSinceMs ?? state.lastEvaluationMs ?? 0;
  return {
    version: NOTIFICATION_VERSION,
    status,
    repeat: event === "repeat",
    model: rule.model,
    rule: rule.name,
    kind: rule.kind,
    summary,
    labels: alertLabels(rule),
    annotations: { ...rule.annotations },
    value,
    threshold: rule.threshold,
    resolveThreshold: rule.resolveThreshold,
    query: ruleQuery(rule),
    startsAt: new Date(startsMs).toISOString(),
    endsAt: status === "resolved" && state.resolvedAtMs !== null ? new Date(state.resolvedAtMs).toISOString() : null,
    evaluatedAt: new Date(state.lastEvaluationMs ?? 0).toISOString(),
    generatorURL: rule.generatorURL ?? null,
  };
}

/**
 * The notification for one alert of a PromQL rule: its own labels and templated annotations;
 * the summary is its `summary` annotation when the rule has one.
 */
export function seriesNotificationOf(rule: AlertRule, alert: SeriesAlert, event: NotificationEvent, nowMs: number): Notification {
  const status = event === "resolved" ? "resolved" : "firing";
  const shown = Object.entries(alert.labels).filter(([name]) => name !== "alertname").map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(", ");
  return {
    version: NOTIFICATION_VERSION,
    status,
    repeat: event === "repeat",
    model: rule.model,
    rule: rule.name,
    kind: rule.kind,
    summary: alert.annotations.summary ?? `${rule.model}: ${rule.name}{${shown}} is ${formatValue(alert.value)}${status === "resolved" ? " (resolved)" : ""}`,
    labels: { ...alert.labels },
    annotations: { ...alert.annotations },
    value: alert.value,
    threshold: null,
    resolveThreshold: null,
    query: rule.expr!,
    startsAt: new Date(alert.firingSinceMs ?? alert.activeSinceMs).toISOString(),
    endsAt: status === "resolved" && alert.resolvedAtMs !== null ? new Date(alert.resolvedAtMs).toISOString() : null,
    evaluatedAt: new Date(nowMs).toISOString(),
    generatorURL: rule.generatorURL ?? null,
    fingerprint: alert.fingerprint,
  };
}

/** The generic webhook's body: the notification as JSON. */
export function webhookBody(notification: Notification): string {
  return JSON.stringify(notification);
}

/** A Slack incoming-webhook message (`{ text }`, mrkdwn): status, summary, then annotations. */
export function slackBody(notification: Notification): string {
  const head = notification.status === "resolved" ? ":white_check_mark: *RESOLVED*" : notification.repeat ? ":rotating_light: *FIRING* (still)" : ":rotating_light: *FIRING*";
  const lines = [`${head} ${escapeSlack(notification.rule)}: ${escapeSlack(notification.summary)}`];
  for (const [key, value] of Object.entries(notification.annotations)) lines.push(`*${escapeSlack(key)}*: ${escapeSlack(value)}`);
  return JSON.stringify({ text: lines.join("\n") });
}

/** Slack's three control characters, escaped as its docs require. */
function escapeSlack(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** A value for people: four significant digits. */
function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : String(+value.toPrecision(4));
}

// Runs in the Worker isolate (edge). query/ is the Prometheus HTTP API (/api/v1/*) and /metrics:
// it parses and evaluates PromQL here and asks each ModelStore for samples over RPC.
/**
 * Alert rules in Prometheus' HTTP API shapes (GET /api/v1/rules and /api/v1/alerts, as
 * prometheus/web/api/v1/api.go writes them), so Grafana's Prometheus data source lists them:
 * one group per model, each rule `type: "alerting"` with its PromQL equivalent, and the
 * pending or firing alert it has. Driftline's `resolved` and `ok` are Prometheus' `inactive`.
 */
import { parseDurationMs } from "@driftline/collector/alerts";
import type { AlertState } from "@driftline/collector/alerts";
import type { RuleView } from "../store/alerts/rules-table.ts";

/** An active alert, as Prometheus reports it. */
export type PromAlert = { labels: Record<string, string>; annotations: Record<string, string>; state: "pending" | "firing"; activeAt: string; value: string };

/** An alerting rule, as Prometheus reports it. */
export type PromAlertingRule = {
  state: "inactive" | "pending" | "firing";
  name: string;
  query: string;
  duration: number;
  keepFiringFor: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  alerts: PromAlert[];
  health: "ok" | "err" | "unknown";
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  type: "alerting";
};

/** A rule group (one per model). */
export type PromRuleGroup = { name: string; file: string; rules: PromAlertingRule[]; interval: number; limit: number; evaluationTime: number; lastEvaluation: string };

/** Filters of GET /api/v1/rules that Driftline honours (Prometheus' own parameter names). */
export type RulesFilter = { type: string | null; ruleNames: string[]; groupNames: string[]; excludeAlerts: boolean };

/** Go's zero time, which Prometheus reports for a rule never evaluated. */
const NEVER = "0001-01-01T00:00:00Z";

/** The `{ groups }` of /api/v1/rules from each model's rule views. */
export function rulesData(models: { model: string; rules: RuleView[] }[], filter: RulesFilter): { groups: PromRuleGroup[] } {
  if (filter.type !== null && filter.type !== "alert") return { groups: [] };
  const groups: PromRuleGroup[] = [];
  for (const { model, rules } of models) {
    if (filter.groupNames.length > 0 && !filter.groupNames.includes(model)) continue;
    const selected = rules.filter((v) => filter.ruleNames.length === 0 || filter.ruleNames.includes(v.name));
    if (selected.length === 0) continue;
    const promRules = selected.map((v) => alertingRule(v, filter.excludeAlerts));
    groups.push({
      name: model,
      file: `/api/models/${model}/alerts`,
      rules: promRules,
      interval: Math.min(...selected.map((v) => durationSeconds(v.rule.interval))),
      limit: 0,
      evaluationTime: promRules.reduce((s, r) => s + r.evaluationTime, 0),
      lastEvaluation: latest(selected.map((v) => v.state.lastEvaluationMs)),
    });
  }
  return { groups };
}

/** The `{ alerts }` of /api/v1/alerts: every pending or firing alert of the tenant. */
export function alertsData(models: { model: string; rules: RuleView[] }[]): { alerts: PromAlert[] } {
  return { alerts: models.flatMap(({ rules }) => rules.flatMap((v) => activeAlerts(v))) };
}

function alertingRule(view: RuleView, excludeAlerts: boolean): PromAlertingRule {
  const out: PromAlertingRule = {
    state: promState(view.state),
    name: view.name,
    query: view.query,
    duration: durationSeconds(view.rule.for),
    keepFiringFor: durationSeconds(view.rule.keep_firing_for ?? "0s"),
    labels: view.rule.labels,
    annotations: view.rule.annotations,
    alerts: excludeAlerts ? [] : activeAlerts(view),
    health: view.state.health,
    evaluationTime: view.state.evaluationSeconds,
    lastEvaluation: view.state.lastEvaluationMs === null ? NEVER : new Date(view.state.lastEvaluationMs).toISOString(),
    type: "alerting",
  };
  if (view.state.lastError !== "") out.lastError = view.state.lastError;
  return out;
}

function activeAlerts(view: RuleView): PromAlert[] {
  if (view.state.alerts !== undefined) {
    // A PromQL rule: one alert per output series, each with its own state (series-alerts.ts).
    return view.state.alerts
      .filter((a) => a.status !== "inactive")
      .map((a) => ({ labels: a.labels, annotations: a.annotations, state: a.status as "pending" | "firing", activeAt: new Date(a.activeSinceMs).toISOString(), value: goFloat(a.value) }));
  }
  const state = promState(view.state);
  if (state === "inactive") return [];
  return [{ labels: view.labels, annotations: view.rule.annotations, state, activeAt: new Date(view.state.activeSinceMs ?? view.state.lastEvaluationMs ?? 0).toISOString(), value: goFloat(view.state.value) }];
}

function promState(state: AlertState): PromAlertingRule["state"] {
  return state.status === "pending" ? "pending" : state.status === "firing" ? "firing" : "inactive";
}

/** Seconds of a duration string as publicRule writes it ("1h30m", "45s", "0s"). */
function durationSeconds(text: string): number {
  return (parseDurationMs(text) ?? 0) / 1000;
}

function latest(times: (number | null)[]): string {
  const known = times.filter((t): t is number => t !== null);
  return known.length === 0 ? NEVER : new Date(Math.max(...known)).toISOString();
}

/** A sample value as Prometheus writes an alert's `value`: Go's %e with the shortest digits ("2.5e-01"). */
export function goFloat(value: number | null): string {
  if (value === null || Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  const [mantissa, exponent] = value.toExponential().split("e");
  const sign = exponent.startsWith("-") ? "-" : "+";
  const digits = exponent.replace(/^[+-]/, "");
  return `${mantissa}e${sign}${digits.padStart(2, "0")}`;
}

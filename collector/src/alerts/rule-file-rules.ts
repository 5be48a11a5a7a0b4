/**
 * Between rule files and Driftline rules (docs/alerts.md, "Rules as files"): a file's rules are
 * parsed exactly as `PUT …/alerts/:name` parses a `kind: "promql"` rule, and every rule of a
 * model is written back, a fixed kind as its PromQL equivalent (promql.ts).
 */
import { formatDurationMs } from "./duration.ts";
import { AlertRuleError } from "./errors.ts";
import { ruleQuery } from "./promql.ts";
import { DEFAULT_INTERVAL_MS, parseRule } from "./rule.ts";
import type { AlertRule, RuleLimits } from "./rule.ts";
import { RuleFileError, readRuleFile, writeRuleFile } from "./rule-file.ts";
import type { ExportRule } from "./rule-file.ts";
import { WINDOW_MINUTES } from "../series/windows.ts";

/** A model's rules from a file. */
export type ModelRules = { model: string; rules: AlertRule[] };

/**
 * The rules of a file, by model (group). `receivers`, when given, go to every rule (as the PUT
 * body's receivers); else the store keeps a replaced rule's receivers. Throws
 * {@link RuleFileError} naming every group and rule that Driftline cannot evaluate, and why.
 */
export function rulesOfFile(text: string, limits: RuleLimits, receivers?: unknown): ModelRules[] {
  const groups = readRuleFile(text);
  const problems: string[] = [];
  const out: ModelRules[] = [];
  for (const group of groups) {
    const where = `group ${JSON.stringify(group.name)}`;
    if (group.name.length > limits.maxNameLength || group.name.includes("\u0000")) {
      problems.push(`${where}: a group name is a model id, at most maxNameLength (${limits.maxNameLength}) characters without NUL`);
      continue;
    }
    const rules: AlertRule[] = [];
    for (const rule of group.rules) {
      const body: Record<string, unknown> = { kind: "promql", expr: rule.expr, labels: rule.labels, annotations: rule.annotations };
      if (rule.for !== undefined) body.for = rule.for;
      if (rule.keep_firing_for !== undefined) body.keep_firing_for = rule.keep_firing_for;
      if (group.interval !== undefined) body.interval = group.interval;
      if (receivers !== undefined) body.receivers = receivers;
      try {
        rules.push(parseRule(rule.alert, group.name, body, limits));
      } catch (error) {
        if (!(error instanceof AlertRuleError)) throw error;
        problems.push(`${where}, rule ${JSON.stringify(rule.alert)}: ${error.message}`);
      }
    }
    out.push({ model: group.name, rules });
  }
  if (problems.length > 0) throw new RuleFileError(problems);
  return out;
}

/**
 * A rule file of models' rules: one group per model (as /api/v1/rules groups them), a PromQL
 * rule as it was written, a fixed kind as its PromQL equivalent with a comment saying so.
 * `interval` is written when all of a group's rules share one other than the default.
 */
export function exportRuleFile(models: readonly ModelRules[]): string {
  const groups = models.filter((m) => m.rules.length > 0).map(({ model, rules }) => {
    const intervals = new Set(rules.map((r) => r.intervalMs));
    const interval = intervals.size === 1 && !intervals.has(DEFAULT_INTERVAL_MS) ? formatDurationMs(rules[0].intervalMs) : undefined;
    return { name: model, ...(interval === undefined ? {} : { interval }), rules: rules.map(exportRule) };
  });
  return writeRuleFile(groups);
}

function exportRule(rule: AlertRule): ExportRule {
  const out: ExportRule = { alert: rule.name, expr: ruleQuery(rule), labels: { ...rule.labels }, annotations: { ...rule.annotations } };
  if (rule.forMs > 0) out.for = formatDurationMs(rule.forMs);
  if (rule.kind === "promql") {
    if ((rule.keepFiringForMs ?? 0) > 0) out.keep_firing_for = formatDurationMs(rule.keepFiringForMs!);
    return out;
  }
  const notes = [`Driftline kind ${rule.kind}: this is its PromQL equivalent; applying it back keeps the ${rule.kind} rule`];
  if (rule.kind !== "no_data" && rule.resolveThreshold !== rule.threshold) notes.push(`resolveThreshold ${rule.resolveThreshold} (hysteresis) has no PromQL equivalent`);
  const windowMinutes = rule.windowMs / 60_000;
  if (rule.kind !== "no_data" && rule.kind !== "latency" && rule.kind !== "error_rate" && !(Object.values(WINDOW_MINUTES) as number[]).includes(windowMinutes)) {
    notes.push(`window ${formatDurationMs(rule.windowMs)} is not a query API window, so elsewhere this expression selects nothing`);
  }
  out.comment = notes.join("; ");
  return out;
}

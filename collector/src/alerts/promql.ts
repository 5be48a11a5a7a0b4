/**
 * A rule's condition as the equivalent PromQL over the driftline_* series (docs/query-api.md),
 * for Prometheus' /api/v1/rules `query` field: what a user could paste into Grafana to see the
 * value the rule compares. The store evaluates the rule itself; this string is a description.
 */
import { formatDurationMs } from "./duration.ts";
import { firesAbove } from "./rule.ts";
import type { AlertRule } from "./rule.ts";
import { Family } from "../series/families.ts";

/** The PromQL expression whose samples breach when the rule's condition holds. */
export function ruleQuery(rule: AlertRule): string {
  const window = formatDurationMs(rule.windowMs);
  const base: [string, string][] = [["model", rule.model]];
  if (rule.version !== undefined) base.push(["version", rule.version]);
  if (rule.segment !== undefined) base.push(["segment", rule.segment.name], ["segment_value", rule.segment.value]);
  switch (rule.kind) {
    case "drift":
      // Graded by the settings: the status series (exact when the rule names no method of its own).
      if (rule.fromSettings === true) return `${selector("driftline_drift_status", [...base, ["feature", rule.feature ?? "__prediction__"], ["window", window]])} > 1`;
      return rule.feature === undefined
        ? `${selector("driftline_prediction_drift", [...base, ["method", rule.method!], ["window", window]])} > ${rule.threshold}`
        : `${selector("driftline_feature_drift", [...base, ["feature", rule.feature], ["method", rule.method!], ["window", window]])} > ${rule.threshold}`;
    case "latency":
      return `histogram_quantile(${rule.quantile}, sum by (le, model) (rate(${selector("driftline_prediction_duration_seconds_bucket", base)}[${window}]))) > ${rule.threshold}`;
    case "error_rate":
      return `sum by (model) (increase(${selector("driftline_prediction_errors_total", base)}[${window}])) / sum by (model) (increase(${selector("driftline_predictions_total", base)}[${window}])) > ${rule.threshold}`;
    case "accuracy":
      return `${selector("driftline_accuracy", [...base, ["metric", rule.metric!], ...(rule.className === undefined ? [] : [["class", rule.className] as [string, string]]), ["window", window]])} ${firesAbove(rule) ? ">" : "<"} ${rule.threshold}`;
    case "data_quality":
      return `${selector(QUALITY_FAMILY[rule.quality!], [...base, ["feature", rule.feature!], ["window", window]])} > ${rule.threshold}`;
    case "promql":
      return rule.expr!;
    case "no_data":
      return `sum by (model) (increase(${selector("driftline_predictions_total", base)}[${formatDurationMs(rule.threshold * 1000)}])) == 0`;
  }
}

/** The series of each data-quality ratio. */
const QUALITY_FAMILY: Record<NonNullable<AlertRule["quality"]>, string> = {
  missing: Family.missingRatio,
  type_mismatch: Family.typeMismatchRatio,
  out_of_range: Family.outOfRangeRatio,
  new_categories: Family.newCategoryRatio,
};

function selector(name: string, labels: [string, string][]): string {
  return `${name}{${labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ")}}`;
}

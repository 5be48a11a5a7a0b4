/**
 * The queries a dashboard sends, with Grafana's variables filled in, so tests can parse them and
 * the Worker-side test can send each one to a live Worker the way Grafana would. Pure functions
 * over the dashboard JSON (only type imports), so a workerd test can feed them the committed files.
 */
import type { Dashboard, Panel, RowPanel, VariableModel } from "@grafana/grafana-foundation-sdk/dashboard";
import type { Dataquery } from "@grafana/grafana-foundation-sdk/prometheus";

/** Values for every variable the dashboards use; `$__*` are Grafana's built-ins. */
export const SAMPLE_VARIABLES: Readonly<Record<string, string>> = {
  model: "fraud",
  version: "v1",
  feature: "income",
  window: "1h",
  method: "psi",
  segment: "region",
  __rate_interval: "5m",
  __interval: "1m",
  // Grafana writes $__range in whole seconds.
  __range: "21600s",
};

/** One panel target with its variables substituted. */
export type FilledTarget = {
  dashboardUid: string;
  panelTitle: string;
  refId: string;
  /** The PromQL expression, variables substituted. */
  expr: string;
  /** True when Grafana asks `/api/v1/query` (instant), false for `/api/v1/query_range`. */
  instant: boolean;
  legendFormat: string;
  /** The query's "Min step" (`interval`), which Grafana's step and `$__rate_interval` start from. */
  minStep?: string;
  /** The panel's "Min interval" and "Max data points", when it sets them. */
  panelMinInterval?: string;
  maxDataPoints?: number;
  /** The panel's width in grid columns (of 24): without maxDataPoints, Grafana asks for one point per pixel. */
  gridWidth: number;
};

/** One label_values() query of a template variable, its series selector filled in. */
export type FilledVariableQuery = { dashboardUid: string; variable: string; metricSelector: string; label: string };

/**
 * Replaces `$name`, `${name}` and `[[name]]` as Grafana does. Throws on a variable missing from
 * `values`, naming it, so a new variable cannot slip past the tests with a literal `$` left in.
 */
export function substituteVariables(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (whole, braced?: string, plain?: string, bracketed?: string) => {
    const name = braced ?? plain ?? bracketed ?? "";
    const value = values[name];
    if (value === undefined) throw new Error(`variable "${whole}" has no value; known: ${Object.keys(values).join(", ")}`);
    return value;
  });
}

function isRow(panel: Panel | RowPanel): panel is RowPanel {
  return panel.type === "row";
}

function panelsOf(dashboard: Dashboard): Panel[] {
  return (dashboard.panels ?? []).flatMap((panel) => (isRow(panel) ? (panel.panels ?? []) : [panel]));
}

/** Every target of every panel of one dashboard, filled with `values`. */
export function dashboardTargets(dashboard: Dashboard, values: Readonly<Record<string, string>> = SAMPLE_VARIABLES): FilledTarget[] {
  const out: FilledTarget[] = [];
  for (const panel of panelsOf(dashboard)) {
    for (const target of (panel.targets ?? []) as Dataquery[]) {
      out.push({
        dashboardUid: dashboard.uid ?? "",
        panelTitle: substituteVariables(panel.title ?? "", values),
        refId: target.refId ?? "A",
        expr: substituteVariables(target.expr, values),
        instant: target.instant === true && target.range !== true,
        legendFormat: target.legendFormat ?? "",
        ...(target.interval ? { minStep: target.interval } : {}),
        ...(panel.interval ? { panelMinInterval: panel.interval } : {}),
        ...(panel.maxDataPoints ? { maxDataPoints: panel.maxDataPoints } : {}),
        gridWidth: panel.gridPos?.w ?? 24,
      });
    }
  }
  return out;
}

/**
 * The label_values(selector, label) queries of a dashboard's query variables, the selector filled
 * with `values`; Grafana turns each into `/api/v1/label/<label>/values?match[]=<selector>`.
 */
export function variableQueries(dashboard: Dashboard, values: Readonly<Record<string, string>> = SAMPLE_VARIABLES): FilledVariableQuery[] {
  const out: FilledVariableQuery[] = [];
  for (const variable of (dashboard.templating?.list ?? []) as VariableModel[]) {
    if (variable.type !== "query") continue;
    const query = typeof variable.query === "string" ? variable.query : "";
    const match = /^label_values\((.+),\s*(\w+)\)$/.exec(query);
    if (match === null) throw new Error(`variable "${variable.name}" of ${dashboard.uid ?? "?"} is not label_values(selector, label): ${query}`);
    out.push({ dashboardUid: dashboard.uid ?? "", variable: variable.name, metricSelector: substituteVariables(match[1] as string, values), label: match[2] as string });
  }
  return out;
}

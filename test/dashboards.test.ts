// The dashboards: the committed JSON is what the generator writes, every dashboard can be imported
// (UI and provisioning) and every query it sends parses and evaluates in Driftline's PromQL subset.
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import type { SeriesData } from "@driftline/collector/promql";
import { instantQuery, parseQuery, parseSeriesSelector, rangeQuery } from "@driftline/collector/promql";
import { MemorySource } from "@driftline/collector/testing";
import { DASHBOARDS } from "../dashboards/src/catalog.ts";
import { exportDashboard, renderDashboard } from "../dashboards/src/export.ts";
import { allTargets, allVariableQueries } from "../dashboards/src/all-targets.ts";
import { SAMPLE_VARIABLES, dashboardTargets, substituteVariables } from "../dashboards/src/targets.ts";
import { DRIFT_METHODS, WINDOW_NAMES } from "@driftline/collector/series";

const DASHBOARD_DIR = new URL("../dashboards/", import.meta.url);
const GRAFANA_BUILTINS = new Set(["__rate_interval", "__interval", "__range"]);

/**
 * The series the Worker serves, written out rather than taken from the vocabulary's SERIES_NAMES:
 * the names are what users' queries and saved dashboards depend on, so renaming a family in the
 * vocabulary (which the dashboards import) must fail a test, and fails here.
 */
const KNOWN_SERIES = new Set([
  "driftline_predictions_total",
  "driftline_prediction_errors_total",
  "driftline_actuals_total",
  "driftline_prediction_duration_seconds_bucket",
  "driftline_prediction_duration_seconds_sum",
  "driftline_prediction_duration_seconds_count",
  "driftline_feature_drift",
  "driftline_prediction_drift",
  "driftline_score_drift",
  "driftline_target_drift",
  "driftline_drift_status",
  "driftline_dataset_drift_share",
  "driftline_dataset_drift_weighted_share",
  "driftline_dataset_drift_status",
  "driftline_feature_quantile",
  "driftline_feature_missing_ratio",
  "driftline_feature_out_of_range_ratio",
  "driftline_feature_new_category_ratio",
  "driftline_feature_type_mismatch_ratio",
  "driftline_baseline_quantile",
  "driftline_genai_tokens_total",
  "driftline_accuracy",
  "driftline_prediction_error",
  "driftline_actuals_joined_ratio",
  "driftline_actual_delay_seconds",
  "driftline_actuals_joined_total",
  "driftline_join_expired_total",
  "driftline_join_refused_total",
]);

const MINUTE_MS = 60_000;
const RANGE_MS = 6 * 60 * MINUTE_MS; // matches SAMPLE_VARIABLES.__range (21600s)

/** One sample a minute over six hours, `value(i)` at minute i. */
function series(labels: Record<string, string>, value: (i: number) => number): SeriesData {
  const n = RANGE_MS / MINUTE_MS + 1;
  return {
    labels,
    timestamps: Float64Array.from({ length: n }, (_, i) => i * MINUTE_MS),
    values: Float64Array.from({ length: n }, (_, i) => value(i)),
  };
}

/**
 * Every series the dashboards read, for model fraud version v1, feature income: the whole model,
 * and the same again for the two values of the segment attribute `region`.
 */
function demoSeries(): SeriesData[] {
  const model = { model: SAMPLE_VARIABLES.model as string, version: SAMPLE_VARIABLES.version as string };
  const segments: Record<string, string>[] = [{}, { segment: SAMPLE_VARIABLES.segment as string, segment_value: "eu" }, { segment: SAMPLE_VARIABLES.segment as string, segment_value: "us" }];
  return segments.flatMap((segment) => seriesOf({ ...model, ...segment }));
}

function seriesOf(mv: Record<string, string>): SeriesData[] {
  const out: SeriesData[] = [
    series({ __name__: "driftline_predictions_total", ...mv }, (i) => 60 * i),
    series({ __name__: "driftline_prediction_errors_total", ...mv }, (i) => i),
    series({ __name__: "driftline_actuals_total", ...mv }, (i) => 30 * i),
    series({ __name__: "driftline_prediction_duration_seconds_sum", ...mv }, (i) => 3 * i),
    series({ __name__: "driftline_prediction_duration_seconds_count", ...mv }, (i) => 60 * i),
  ];
  for (const [le, perMinute] of [["0.05", 40], ["0.1", 55], ["+Inf", 60]] as const) {
    out.push(series({ __name__: "driftline_prediction_duration_seconds_bucket", ...mv, le }, (i) => perMinute * i));
  }
  out.push(series({ __name__: "driftline_actuals_joined_total", ...mv }, (i) => 20 * i));
  for (const side of ["prediction", "actual"]) out.push(series({ __name__: "driftline_join_expired_total", ...mv, side }, (i) => i));
  for (const reason of ["duplicate", "full"]) out.push(series({ __name__: "driftline_join_refused_total", ...mv, reason }, (i) => i));
  for (const type of ["input", "output"]) out.push(series({ __name__: "driftline_genai_tokens_total", ...mv, type }, (i) => 500 * i));
  for (const window of WINDOW_NAMES) {
    for (const method of DRIFT_METHODS) {
      out.push(series({ __name__: "driftline_feature_drift", ...mv, feature: "income", method, window }, () => 0.15));
      out.push(series({ __name__: "driftline_prediction_drift", ...mv, method, window }, () => 0.05));
      out.push(series({ __name__: "driftline_score_drift", ...mv, method, window }, () => 0.06));
      out.push(series({ __name__: "driftline_target_drift", ...mv, method, window }, () => 0.07));
    }
    for (const feature of ["income", "__prediction__"]) out.push(series({ __name__: "driftline_drift_status", ...mv, feature, window }, () => 1));
    out.push(series({ __name__: "driftline_dataset_drift_share", ...mv, window }, () => 0.5));
    out.push(series({ __name__: "driftline_dataset_drift_weighted_share", ...mv, window }, () => 0.6));
    out.push(series({ __name__: "driftline_dataset_drift_status", ...mv, window }, () => 2));
    for (const quantile of ["0.05", "0.25", "0.5", "0.75", "0.95"]) {
      out.push(series({ __name__: "driftline_feature_quantile", ...mv, feature: "income", quantile, window }, () => Number(quantile) * 1000));
    }
    out.push(series({ __name__: "driftline_feature_missing_ratio", ...mv, feature: "income", window }, () => 0.01));
    out.push(series({ __name__: "driftline_feature_out_of_range_ratio", ...mv, feature: "income", window }, () => 0.02));
    // Under the sample $feature, as every per-feature panel filters by it.
    out.push(series({ __name__: "driftline_feature_new_category_ratio", ...mv, feature: "income", window }, () => 0.03));
    out.push(series({ __name__: "driftline_feature_type_mismatch_ratio", ...mv, feature: "income", window }, () => 0.04));
    if (window === "1h" && mv.segment === undefined) {
      for (const quantile of ["0.05", "0.25", "0.5", "0.75", "0.95"]) out.push(series({ __name__: "driftline_baseline_quantile", ...mv, feature: "income", quantile }, () => Number(quantile) * 900));
    }
    for (const metric of ["accuracy", "precision", "recall", "f1", "auc", "mae", "rmse", "mape", "log_loss"]) {
      out.push(series({ __name__: "driftline_accuracy", ...mv, metric, window }, () => 0.9));
    }
    for (const cls of ["default", "repaid"]) out.push(series({ __name__: "driftline_accuracy", ...mv, metric: "f1", class: cls, window }, () => 0.8));
    for (const quantile of ["0.25", "0.5", "0.75"]) {
      out.push(series({ __name__: "driftline_prediction_error", ...mv, quantile, window }, () => Number(quantile)));
      out.push(series({ __name__: "driftline_actual_delay_seconds", ...mv, quantile, window }, () => 60 * Number(quantile)));
    }
    out.push(series({ __name__: "driftline_actuals_joined_ratio", ...mv, window }, () => 0.6));
  }
  return out;
}

function committed(file: string): string {
  return readFileSync(new URL(file, DASHBOARD_DIR), "utf8");
}

describe("generated dashboards", () => {
  it.each(DASHBOARDS.map((d) => [d.file, d] as const))("%s equals the generator's output (run npm run dashboards)", (file, entry) => {
    expect(committed(file)).toBe(renderDashboard(entry.build()));
  });

  it("ships no dashboard JSON that the generator does not write", () => {
    const onDisk = readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith(".json")).sort();
    expect(onDisk).toEqual(DASHBOARDS.map((d) => d.file).sort());
  });

  it("gives every dashboard a distinct uid", () => {
    const uids = DASHBOARDS.map((d) => d.build().uid);
    expect(new Set(uids).size).toBe(uids.length);
  });
});

describe.each(DASHBOARDS.map((d) => [d.file, d] as const))("%s", (_file, entry) => {
  const exported = exportDashboard(entry.build());
  const variables = exported.templating?.list ?? [];
  const variableNames = new Set(variables.map((v) => v.name));

  it("asks for the DS_PROMETHEUS data source on UI import and requires the Prometheus plugin", () => {
    expect(exported.__inputs).toEqual([expect.objectContaining({ name: "DS_PROMETHEUS", type: "datasource", pluginId: "prometheus" })]);
    expect(exported.__requires).toContainEqual(expect.objectContaining({ type: "datasource", id: "prometheus" }));
    expect(exported.id).toBeNull();
  });

  it("requires every panel plugin it uses", () => {
    const required = new Set(exported.__requires.filter((r) => r.type === "panel").map((r) => r.id));
    const used = new Set((exported.panels ?? []).map((p) => p.type).filter((t) => t !== "row"));
    expect(required).toEqual(used);
  });

  it("has a DS_PROMETHEUS data-source variable and a model variable", () => {
    expect(variables).toContainEqual(expect.objectContaining({ type: "datasource", name: "DS_PROMETHEUS", query: "prometheus" }));
    expect(variables).toContainEqual(expect.objectContaining({ type: "query", name: "model" }));
  });

  it("points every panel, target and query variable at ${DS_PROMETHEUS}", () => {
    for (const panel of exported.panels ?? []) {
      if (!("targets" in panel)) continue;
      for (const target of (panel.targets ?? []) as { datasource?: unknown }[]) expect(target.datasource, panel.title).toEqual({ type: "prometheus", uid: "${DS_PROMETHEUS}" });
    }
    for (const variable of variables.filter((v) => v.type === "query")) expect(variable.datasource).toEqual({ type: "prometheus", uid: "${DS_PROMETHEUS}" });
  });

  it("uses only variables it defines or Grafana's built-ins", () => {
    const text = JSON.stringify(exported.panels) + JSON.stringify(variables.map((v) => v.query));
    const used = new Set([...text.matchAll(/\$\{?(\w+)/g)].map((m) => m[1] as string));
    for (const name of used) expect(variableNames.has(name) || GRAFANA_BUILTINS.has(name), `$${name}`).toBe(true);
  });

  it("numbers its panels uniquely", () => {
    const ids = (exported.panels ?? []).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("lists the same targets from the committed JSON as from the generator", () => {
    const fromJson = dashboardTargets(JSON.parse(committed(entry.file)) as Dashboard);
    expect(fromJson).toEqual(dashboardTargets(entry.build()));
  });

  it("has at least one query target", () => {
    expect(dashboardTargets(entry.build()).length).toBeGreaterThan(0);
  });
});

describe("variables", () => {
  it("the data-drift dashboard lets the user choose model, version, feature, window and method", () => {
    const drift = DASHBOARDS.find((d) => d.file === "data-drift.json")?.build();
    const names = (drift?.templating?.list ?? []).map((v) => v.name);
    expect(names).toEqual(["DS_PROMETHEUS", "model", "version", "feature", "window", "method", "segment"]);
  });

  it("offers exactly the windows the Worker computes", () => {
    for (const entry of DASHBOARDS) {
      const window = (entry.build().templating?.list ?? []).find((v) => v.name === "window");
      if (window !== undefined) expect(window.query).toBe("5m,1h,1d,7d");
    }
  });

  it.each(allVariableQueries().map((q) => [`${q.dashboardUid} $${q.variable}`, q] as const))(
    "%s asks label values with a valid series selector",
    (_name, query) => {
      expect(() => parseSeriesSelector(query.metricSelector)).not.toThrow();
      expect(KNOWN_SERIES.has(query.metricSelector.replace(/\{.*$/, ""))).toBe(true);
    },
  );
});

describe("panel queries in Driftline's PromQL subset", () => {
  const targets = allTargets();
  const source = new MemorySource(demoSeries());
  const cases = targets.map((t) => [`${t.dashboardUid} / ${t.panelTitle} / ${t.refId}`, t] as const);

  it("fills every variable", () => {
    for (const t of targets) expect(t.expr).not.toMatch(/\$|\[\[/);
  });

  it.each(cases)("%s parses", (_name, target) => {
    expect(() => parseQuery(target.expr)).not.toThrow();
  });

  it.each(cases)("%s reads only Driftline series", (_name, target) => {
    for (const name of target.expr.match(/driftline_\w+/g) ?? []) expect(KNOWN_SERIES.has(name), name).toBe(true);
  });

  it.each(cases)("%s is accepted by the engine on an empty source", async (_name, target) => {
    const empty = new MemorySource([]);
    const run = target.instant ? instantQuery(empty, target.expr, RANGE_MS) : rangeQuery(empty, target.expr, 0, RANGE_MS, MINUTE_MS);
    await expect(run).resolves.toBeDefined();
  });

  it.each(cases)("%s returns data once every series has samples", async (_name, target) => {
    const data = target.instant ? await instantQuery(source, target.expr, RANGE_MS) : await rangeQuery(source, target.expr, 0, RANGE_MS, MINUTE_MS);
    expect(Array.isArray(data.result) && data.result.length > 0, JSON.stringify(data).slice(0, 200)).toBe(true);
  });
});

describe("substituteVariables", () => {
  it("fills $name, ${name} and [[name]] forms", () => {
    expect(substituteVariables('x{a="$model",b="${version}",c="[[window]]"}[$__rate_interval]', SAMPLE_VARIABLES)).toBe('x{a="fraud",b="v1",c="1h"}[5m]');
  });

  it("rejects a variable it has no value for, naming it", () => {
    expect(() => substituteVariables("x{a=\"$tenant\"}", SAMPLE_VARIABLES)).toThrow(/variable "\$tenant" has no value/);
  });
});

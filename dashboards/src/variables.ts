/**
 * The template variables of the Driftline dashboards. `model`, `version`, `feature` and `segment` come from
 * label values (Grafana asks `/api/v1/label/<name>/values` with `match[]`), `window` and `method`
 * are fixed lists because the Worker computes exactly those windows and methods: the vocabulary's
 * (`@driftline/collector/series`), so a new window or method reaches the dashboards by itself.
 */
import { CustomVariableBuilder, DatasourceVariableBuilder, QueryVariableBuilder, VariableHide, VariableRefresh, VariableSort } from "@grafana/grafana-foundation-sdk/dashboard";
import { DS_INPUT_NAME, PROMETHEUS, PROVISIONED_DATASOURCE } from "./defaults.ts";
import { DRIFT_METHODS, Family, WINDOW_NAMES } from "@driftline/collector/series";

/** The data-source variable: provisioning resolves `${DS_PROMETHEUS}` through it. */
export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(DS_INPUT_NAME).label("Data source").type("prometheus")
    .current({ text: PROVISIONED_DATASOURCE.name, value: PROVISIONED_DATASOURCE.uid, selected: true })
    .hide(VariableHide.DontHide);
}

function labelValues(name: string, label: string, metric: string, selector: string): QueryVariableBuilder {
  const query = selector === "" ? `label_values(${metric}, ${name})` : `label_values(${metric}{${selector}}, ${name})`;
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

/** Models that have reported predictions; multi-select with "All" where a dashboard compares models. */
export function modelVariable(multi: boolean): QueryVariableBuilder {
  const variable = labelValues("model", "Model", Family.predictions, "");
  return multi ? variable.multi(true).includeAll(true).allValue(".+") : variable;
}

/** Versions of the chosen model(s), all by default so a dashboard compares champion and challenger. */
export function versionVariable(): QueryVariableBuilder {
  return labelValues("version", "Version", Family.predictions, `model=~"$model"`).multi(true).includeAll(true).allValue(".+");
}

/** Features of the chosen model with a drift score; the prediction has its own panels. */
export function featureVariable(multi: boolean): QueryVariableBuilder {
  const variable = labelValues("feature", "Feature", Family.featureDrift, `model=~"$model", version=~"$version"`);
  return multi ? variable.multi(true).includeAll(true).allValue(".+") : variable;
}

/**
 * The segment attribute (`ml.segment.<name>`) whose values the segment rows compare; the models'
 * segment names come from the `segment` label of the predictions counter.
 */
export function segmentVariable(): QueryVariableBuilder {
  return labelValues("segment", "Segment", Family.predictions, `model=~"$model"`);
}

/** The window of the windowed gauges; 1h by default. */
export function windowVariable(): CustomVariableBuilder {
  return new CustomVariableBuilder("window")
    .label("Window")
    .values(WINDOW_NAMES.join(","))
    .current({ text: "1h", value: "1h", selected: true });
}

/** The drift method of the drift panels; PSI by default, as Evidently. */
export function methodVariable(): CustomVariableBuilder {
  return new CustomVariableBuilder("method")
    .label("Drift method")
    .values(DRIFT_METHODS.join(","))
    .current({ text: "psi", value: "psi", selected: true });
}

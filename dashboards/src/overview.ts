/**
 * Overview of all models: one row per model with throughput, error rate, p99 latency and the worst
 * drift status, so an operator sees at a glance which model needs a look.
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { BigValueColorMode, BigValueGraphMode, ReduceDataOptionsBuilder } from "@grafana/grafana-foundation-sdk/common";
import { PanelBuilder as StatPanel } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as TimeseriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";
import { PanelBuilder as StatusHistoryPanel } from "@grafana/grafana-foundation-sdk/statushistory";
import { DRIFT_STATUS_MAPPINGS, DRIFT_STATUS_THRESHOLDS, driftlineDashboard, instantQuery, promQuery, statusQuery, thresholds } from "./defaults.ts";
import { datasourceVariable, modelVariable, windowVariable } from "./variables.ts";
import { Family } from "@driftline/collector/series";

/** The chosen models, whole-model series only (segment series count the same predictions again). */
const MODEL = `model=~"$model", segment=""`;
const lastValue = (): ReduceDataOptionsBuilder => new ReduceDataOptionsBuilder().calcs(["lastNotNull"]);

/** Number of models that reported predictions over the dashboard's range. */
export function modelsReportingStat(): StatPanel {
  return new StatPanel()
    .title("Models reporting")
    .description("Models with at least one prediction in the dashboard's time range.")
    .withTarget(instantQuery(`count(sum by (model) (increase(${Family.predictions}{${MODEL}}[$__range])) > 0)`, "models"))
    .reduceOptions(lastValue())
    .graphMode(BigValueGraphMode.None)
    .height(5)
    .span(6);
}

/** Models whose worst feature is in alert over the chosen window. */
export function modelsInAlertStat(): StatPanel {
  return new StatPanel()
    .title("Models with drift alerts")
    .description("Models with at least one feature (or the prediction) at drift status 2, alert, over $window.")
    .withTarget(instantQuery(`count(max by (model) (${Family.driftStatus}{${MODEL}, window="$window"}) == 2) or vector(0)`, "models"))
    .reduceOptions(lastValue())
    .thresholds(thresholds("green", [[1, "red"]]))
    .colorMode(BigValueColorMode.Background)
    .graphMode(BigValueGraphMode.None)
    .height(5)
    .span(6);
}

/** Predictions per second, all models together. */
export function totalThroughputStat(): StatPanel {
  return new StatPanel()
    .title("Predictions per second")
    .withTarget(instantQuery(`sum(rate(${Family.predictions}{${MODEL}}[$__rate_interval]))`, "all models"))
    .reduceOptions(lastValue())
    .unit("reqps")
    .graphMode(BigValueGraphMode.Area)
    .height(5)
    .span(6);
}

/** Errors as a share of predictions, all models together. */
export function totalErrorRatioStat(): StatPanel {
  return new StatPanel()
    .title("Error ratio")
    .withTarget(
      instantQuery(
        `sum(rate(${Family.errors}{${MODEL}}[$__rate_interval])) / sum(rate(${Family.predictions}{${MODEL}}[$__rate_interval]))`,
        "all models",
      ),
    )
    .reduceOptions(lastValue())
    .unit("percentunit")
    .thresholds(thresholds("green", [[0.01, "yellow"], [0.05, "red"]]))
    .colorMode(BigValueColorMode.Value)
    .graphMode(BigValueGraphMode.Area)
    .height(5)
    .span(6);
}

/** The worst drift status of each model over time: green, yellow, red cells. */
export function driftStatusByModel(): StatusHistoryPanel {
  return new StatusHistoryPanel()
    .title("Drift status by model")
    .description("The worst status of any feature or the prediction of each model, over $window: ok, warn or alert.")
    .withTarget(statusQuery(`max by (model) (${Family.driftStatus}{${MODEL}, window="$window"})`, "{{model}}"))
    .mappings(DRIFT_STATUS_MAPPINGS)
    .thresholds(DRIFT_STATUS_THRESHOLDS)
    .height(8)
    .span(24);
}

/** Predictions per second per model. */
export function throughputByModel(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Throughput by model")
    .withTarget(promQuery(`sum by (model) (rate(${Family.predictions}{${MODEL}}[$__rate_interval]))`, "{{model}}"))
    .unit("reqps")
    .min(0)
    .height(8)
    .span(8);
}

/** Error ratio per model. */
export function errorRatioByModel(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Error ratio by model")
    .withTarget(
      promQuery(
        `sum by (model) (rate(${Family.errors}{${MODEL}}[$__rate_interval])) / sum by (model) (rate(${Family.predictions}{${MODEL}}[$__rate_interval]))`,
        "{{model}}",
      ),
    )
    .unit("percentunit")
    .min(0)
    .height(8)
    .span(8);
}

/** 99th-percentile latency per model, from the latency digest of each step's window. */
export function p99LatencyByModel(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("p99 latency by model")
    .withTarget(
      promQuery(
        `histogram_quantile(0.99, sum by (le, model) (rate(${Family.duration}_bucket{${MODEL}}[$__rate_interval])))`,
        "{{model}}",
      ),
    )
    .unit("s")
    .min(0)
    .height(8)
    .span(8);
}

/** The overview dashboard. */
export function overviewDashboard(): Dashboard {
  return driftlineDashboard("driftline-overview", "Driftline / Overview", "Health and drift status of every monitored model.")
    .withVariable(datasourceVariable())
    .withVariable(modelVariable(true))
    .withVariable(windowVariable())
    .withPanel(modelsReportingStat())
    .withPanel(modelsInAlertStat())
    .withPanel(totalThroughputStat())
    .withPanel(totalErrorRatioStat())
    .withPanel(driftStatusByModel())
    .withRow(new RowBuilder("Service health by model"))
    .withPanel(throughputByModel())
    .withPanel(errorRatioByModel())
    .withPanel(p99LatencyByModel())
    .build();
}

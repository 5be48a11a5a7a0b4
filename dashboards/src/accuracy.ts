/**
 * Accuracy of one model once actuals arrive: classification and regression metrics over the
 * chosen window, and how many predictions have been matched with an actual (docs/accuracy.md).
 * A value at t covers the predictions made in (t − window, t] whose actual has come so far.
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { BigValueGraphMode, ReduceDataOptionsBuilder } from "@grafana/grafana-foundation-sdk/common";
import { PanelBuilder as StatPanel } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as TimeseriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";
import { MODEL_VERSION, driftlineDashboard, instantQuery, promQuery } from "./defaults.ts";
import { datasourceVariable, modelVariable, versionVariable, windowVariable } from "./variables.ts";
import { Family, accuracyMetricsOf } from "@driftline/collector/series";

const WINDOWED = `${MODEL_VERSION}, window="$window"`;
/** The macro and whole-model figures: per-class series carry a `class` label. */
const ACCURACY = `${WINDOWED}, class=""`;
/** Metrics of a classifier that are scores, each a ratio in [0, 1] (log loss has its own panel). */
const CLASSIFICATION = accuracyMetricsOf("classification", "low").join("|");
/** Metrics of a regressor, in the unit of the prediction (MAPE as a ratio). */
const REGRESSION = accuracyMetricsOf("regression").join("|");

/** Current value of each classification metric per version. */
export function classificationStat(): StatPanel {
  return new StatPanel()
    .title("Classification metrics, now")
    .withTarget(instantQuery(`max by (metric, version) (${Family.accuracy}{${ACCURACY}, metric=~"${CLASSIFICATION}"})`, "{{metric}} {{version}}"))
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(["lastNotNull"]))
    .unit("percentunit")
    .decimals(3)
    .graphMode(BigValueGraphMode.None)
    .height(5)
    .span(24);
}

/** Classification metrics per version over time. */
export function classificationOverTime(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Classification metrics over $window")
    .withTarget(promQuery(`max by (metric, version) (${Family.accuracy}{${ACCURACY}, metric=~"${CLASSIFICATION}"})`, "{{metric}} {{version}}"))
    .unit("percentunit")
    .min(0)
    .max(1)
    .height(9)
    .span(12);
}

/** F1 per class and version over time: a class the model fails shows here before the macro moves. */
export function f1PerClass(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("F1 per class over $window")
    .withTarget(promQuery(`max by (class, version) (${Family.accuracy}{${WINDOWED}, metric="f1", class!=""})`, "{{class}} {{version}}"))
    .unit("percentunit")
    .min(0)
    .max(1)
    .height(9)
    .span(12);
}

/** Log loss per version over time (from the score of the predicted label). */
export function logLossOverTime(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Log loss over $window")
    .withTarget(promQuery(`max by (version) (${Family.accuracy}{${ACCURACY}, metric="log_loss"})`, "{{version}}"))
    .min(0)
    .height(9)
    .span(12);
}

/** Regression errors per version over time, and the error's quartiles. */
export function regressionOverTime(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Regression errors over $window")
    .withTarget(promQuery(`max by (metric, version) (${Family.accuracy}{${ACCURACY}, metric=~"${REGRESSION}"})`, "{{metric}} {{version}}"))
    .withTarget(promQuery(`max by (quantile, version) (${Family.predictionError}{${WINDOWED}, quantile=~"0.25|0.5|0.75"})`, "error q{{quantile}} {{version}}", "B"))
    .height(9)
    .span(12);
}

/** Actuals received per second per version. */
export function actualsRate(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Actuals received")
    .withTarget(promQuery(`sum by (version) (rate(${Family.actuals}{${MODEL_VERSION}}[$__rate_interval]))`, "{{version}}"))
    .unit("reqps")
    .min(0)
    .height(9)
    .span(12);
}

/** The share of predictions that have received their actual: how much the accuracy figures stand on. */
export function actualsCoverage(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Predictions with their actual, over $window")
    .description("Of the predictions with an id made in the window, the share joined with their actual so far; it grows as late actuals arrive.")
    .withTarget(promQuery(`max by (version) (${Family.actualsJoinedRatio}{${WINDOWED}})`, "{{version}}"))
    .unit("percentunit")
    .min(0)
    .max(1)
    .height(9)
    .span(12);
}

/** How late actuals come: quantiles of the time from prediction to actual, of the actuals joined in the window. */
export function actualDelay(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Delay of actuals over $window")
    .withTarget(promQuery(`max by (quantile, version) (${Family.actualDelay}{${WINDOWED}})`, "p{{quantile}} {{version}}"))
    .unit("s")
    .min(0)
    .height(9)
    .span(12);
}

/** What happened to predictions and actuals waiting to be joined: joined, expired, refused. */
export function joinEvents(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Joins")
    .description("Joined pairs, predictions and actuals that expired unjoined (side), and records refused (reason: duplicate id or full join table).")
    .withTarget(promQuery(`sum by (version) (rate(${Family.actualsJoined}{${MODEL_VERSION}}[$__rate_interval]))`, "joined {{version}}"))
    .withTarget(promQuery(`sum by (side, version) (rate(${Family.joinExpired}{${MODEL_VERSION}}[$__rate_interval]))`, "expired {{side}} {{version}}", "B"))
    .withTarget(promQuery(`sum by (reason, version) (rate(${Family.joinRefused}{${MODEL_VERSION}}[$__rate_interval]))`, "refused {{reason}} {{version}}", "C"))
    .unit("reqps")
    .min(0)
    .height(9)
    .span(12);
}

/** The accuracy dashboard. */
export function accuracyDashboard(): Dashboard {
  return driftlineDashboard("driftline-accuracy", "Driftline / Accuracy", "Accuracy of one model from predictions joined with their actuals.")
    .withVariable(datasourceVariable())
    .withVariable(modelVariable(false))
    .withVariable(versionVariable())
    .withVariable(windowVariable())
    .withPanel(classificationStat())
    .withPanel(classificationOverTime())
    .withPanel(f1PerClass())
    .withPanel(logLossOverTime())
    .withPanel(regressionOverTime())
    .withRow(new RowBuilder("Actuals"))
    .withPanel(actualsRate())
    .withPanel(actualsCoverage())
    .withPanel(actualDelay())
    .withPanel(joinEvents())
    .build();
}

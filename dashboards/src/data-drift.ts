/**
 * Data drift of one model: each feature's drift score and status over time, a heatmap across
 * features, the prediction's drift, a feature's quantiles against its baseline's, and drift per
 * value of a segment attribute.
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { PanelBuilder as HeatmapPanel, HeatmapColorOptionsBuilder, HeatmapColorMode, HeatmapColorScale, RowsHeatmapOptionsBuilder } from "@grafana/grafana-foundation-sdk/heatmap";
import { HeatmapCellLayout } from "@grafana/grafana-foundation-sdk/common";
import { PanelBuilder as StatusHistoryPanel } from "@grafana/grafana-foundation-sdk/statushistory";
import { PanelBuilder as TablePanel } from "@grafana/grafana-foundation-sdk/table";
import { PanelBuilder as TimeseriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";
import { PromQueryFormat } from "@grafana/grafana-foundation-sdk/prometheus";
import { DRIFT_STATUS_MAPPINGS, DRIFT_STATUS_THRESHOLDS, MODEL_VERSION, MODEL_VERSION_SEGMENT, driftlineDashboard, instantQuery, promQuery, statusQuery } from "./defaults.ts";
import { datasourceVariable, featureVariable, methodVariable, modelVariable, segmentVariable, versionVariable, windowVariable } from "./variables.ts";
import { Family } from "@driftline/collector/series";

const FEATURES = `${MODEL_VERSION}, feature=~"$feature", window="$window"`;

/**
 * Drift status of every feature and of the prediction (`__prediction__`) over time; not filtered by
 * `$feature`, so an alert on a feature the user has not picked still shows.
 */
export function driftStatusByFeature(): StatusHistoryPanel {
  return new StatusHistoryPanel()
    .title("Drift status by feature")
    .description("0 ok, 1 warn, 2 alert, for every feature of the chosen versions over $window; __prediction__ is the model's output.")
    .withTarget(statusQuery(`max by (feature) (${Family.driftStatus}{${MODEL_VERSION}, window="$window"})`, "{{feature}}"))
    .mappings(DRIFT_STATUS_MAPPINGS)
    .thresholds(DRIFT_STATUS_THRESHOLDS)
    .height(9)
    .span(24);
}

/** The chosen method's drift score per feature and version over time. */
export function driftScoreByFeature(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Drift ($method) by feature")
    .description("Each point compares the window ending there ($window) with the version's baseline.")
    .withTarget(promQuery(`max by (feature, version) (${Family.featureDrift}{${FEATURES}, method="$method"})`, "{{feature}} {{version}}"))
    .min(0)
    .height(9)
    .span(12);
}

/**
 * The same scores as a heatmap: one row per feature, so a drifting feature stands out as a band.
 * Not calculated: each series is a row and Grafana labels the rows with the series names (an
 * ordinal y axis), centred on the row rather than read as `le` bucket bounds.
 */
export function driftHeatmap(): HeatmapPanel {
  return new HeatmapPanel()
    .title("Drift ($method) heatmap across features")
    .withTarget(promQuery(`max by (feature) (${Family.featureDrift}{${FEATURES}, method="$method"})`, "{{feature}}").format(PromQueryFormat.TimeSeries))
    .calculate(false)
    .rowsFrame(new RowsHeatmapOptionsBuilder().layout(HeatmapCellLayout.Unknown))
    .color(new HeatmapColorOptionsBuilder().mode(HeatmapColorMode.Scheme).scheme("YlOrRd").scale(HeatmapColorScale.Exponential).exponent(0.5).steps(64).fill("dark-orange").reverse(false))
    .height(9)
    .span(12);
}

/** The current score of every method for every chosen feature, as a table. */
export function driftMethodsTable(): TablePanel {
  return new TablePanel()
    .title("Drift by feature and method, now")
    .withTarget(instantQuery(`max by (feature, method) (${Family.featureDrift}{${FEATURES}})`, "").format(PromQueryFormat.Table))
    .height(9)
    .span(12);
}

/** Drift of the model's output over time. */
export function predictionDrift(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Prediction drift ($method)")
    .withTarget(promQuery(`${Family.predictionDrift}{${MODEL_VERSION}, method="$method", window="$window"}`, "{{version}}"))
    .min(0)
    .height(9)
    .span(12);
}

/**
 * Target drift (the actuals that arrived against the baseline's target column) and score drift (a
 * classifier's `ml.prediction.score` against the baseline's score), where the baseline has them.
 */
export function targetAndScoreDrift(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Target and score drift ($method)")
    .description("Target: the ground truth received over $window (ml.actual.value or ml.actual.label) against the baseline's target column. Score: ml.prediction.score against the baseline's score column. Empty without those columns in the baseline.")
    .withTarget(promQuery(`${Family.targetDrift}{${MODEL_VERSION}, method="$method", window="$window"}`, "target {{version}}", "A"))
    .withTarget(promQuery(`${Family.scoreDrift}{${MODEL_VERSION}, method="$method", window="$window"}`, "score {{version}}", "B"))
    .min(0)
    .height(9)
    .span(12);
}

/**
 * Quantiles of one feature over $window beside the same quantiles of the version's baseline (the
 * training data), repeated for each chosen feature; solid lines leaving the dashed ones is drift.
 */
export function featureQuantiles(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("$feature: quantiles over $window vs baseline")
    .repeat("feature")
    .repeatDirection("h")
    .maxPerRow(3)
    .withTarget(promQuery(`max by (quantile, version) (${Family.featureQuantile}{${MODEL_VERSION}, feature="$feature", window="$window"})`, "q{{quantile}} {{version}}", "A"))
    .withTarget(promQuery(`max by (quantile, version) (${Family.baselineQuantile}{${MODEL_VERSION}, feature="$feature"})`, "q{{quantile}} {{version}} baseline", "B"))
    .overrideByQuery("B", [{ id: "custom.lineStyle", value: { fill: "dash", dash: [10, 10] } }])
    .height(9)
    .span(8);
}

/** Share of predictions in which each chosen feature was missing: null, NaN, absent or of the wrong type. */
export function missingRatioByFeature(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Missing values by feature")
    .description("Share of the version's predictions over $window without a usable value of the feature: null, NaN or infinite, absent, or of the wrong type.")
    .withTarget(promQuery(`max by (feature) (${Family.missingRatio}{${FEATURES}})`, "{{feature}}"))
    .unit("percentunit")
    .min(0)
    .height(9)
    .span(12);
}

/**
 * Dataset drift: the share of each version's features in alert (Evidently's "share of drifted
 * columns") and the importance-weighted share (docs/drift.md, "Dataset drift"), the series the
 * store computes with the drift settings' weights and exclusions, beside the status they give.
 */
export function datasetDriftShare(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Share of features in alert")
    .description("Features whose status is alert over features with data, per version, over $window (excluded features left out), plain and weighted by the drift settings' importance weights; dataset drift (alert) from a weighted half (Evidently's drift_share), warn from a quarter.")
    // The share counts the features' drift statuses: at their panel's step it reads the statuses
    // that panel computed (the ModelStore's cache) instead of computing them at other minutes.
    .withTarget(statusQuery(`max by (version) (${Family.datasetDriftShare}{${MODEL_VERSION}, window="$window"})`, "share {{version}}", "A"))
    .withTarget(statusQuery(`max by (version) (${Family.datasetDriftWeightedShare}{${MODEL_VERSION}, window="$window"})`, "weighted {{version}}", "B"))
    .unit("percentunit")
    .min(0)
    .max(1)
    .height(9)
    .span(8);
}

/** The dataset drift status of each version over time, from the weighted share. */
export function datasetDriftStatus(): StatusHistoryPanel {
  return new StatusHistoryPanel()
    .title("Dataset drift status")
    .description("0 ok, 1 warn (weighted share from 0.25), 2 alert (from 0.5), per version over $window.")
    .withTarget(statusQuery(`max by (version) (${Family.datasetDriftStatus}{${MODEL_VERSION}, window="$window"})`, "{{version}}"))
    .mappings(DRIFT_STATUS_MAPPINGS)
    .thresholds(DRIFT_STATUS_THRESHOLDS)
    .height(9)
    .span(4);
}

/** Share of each chosen numeric feature's values outside the baseline's [min, max]. */
export function outOfRangeByFeature(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Values outside the training range by feature")
    .withTarget(promQuery(`max by (feature) (${Family.outOfRangeRatio}{${FEATURES}})`, "{{feature}}"))
    .unit("percentunit")
    .min(0)
    .height(9)
    .span(12);
}

/** Share of each chosen categorical feature's values in categories the baseline never saw. */
export function newCategoriesByFeature(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("New categories by feature")
    .withTarget(promQuery(`max by (feature) (${Family.newCategoryRatio}{${FEATURES}})`, "{{feature}}"))
    .unit("percentunit")
    .min(0)
    .height(9)
    .span(12);
}

/** Share of predictions whose value of each chosen feature came with the other type (refused, so also missing). */
export function typeMismatchByFeature(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Wrong type by feature")
    .description("Share of the version's predictions over $window whose value of the feature had the other type than the feature's first (a string for a number, or the other way round); those values are refused and count as missing.")
    .withTarget(promQuery(`max by (feature) (${Family.typeMismatchRatio}{${FEATURES}})`, "{{feature}}"))
    .unit("percentunit")
    .min(0)
    .height(9)
    .span(12);
}

/**
 * Drift status per value of the chosen segment attribute: a drift confined to one segment shows
 * in its row even when the whole model's mixture still looks fine.
 */
export function driftStatusBySegment(): StatusHistoryPanel {
  return new StatusHistoryPanel()
    .title("Drift status by $segment")
    .description("The worst status of any feature or the prediction within each value of the segment attribute $segment, over $window.")
    .withTarget(statusQuery(`max by (segment_value) (${Family.driftStatus}{${MODEL_VERSION_SEGMENT}, window="$window"})`, "{{segment_value}}"))
    .mappings(DRIFT_STATUS_MAPPINGS)
    .thresholds(DRIFT_STATUS_THRESHOLDS)
    .height(9)
    .span(12);
}

/** The chosen method's score of the chosen features per segment value over time. */
export function driftScoreBySegment(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Drift ($method) by $segment")
    .withTarget(promQuery(`max by (segment_value, feature) (${Family.featureDrift}{${MODEL_VERSION_SEGMENT}, feature=~"$feature", window="$window", method="$method"})`, "{{feature}} {{segment_value}}"))
    .min(0)
    .height(9)
    .span(12);
}

/** The data-drift dashboard. */
export function dataDriftDashboard(): Dashboard {
  return driftlineDashboard("driftline-data-drift", "Driftline / Data drift", "Drift of each feature and of the prediction of one model, per window and method.")
    .withVariable(datasourceVariable())
    .withVariable(modelVariable(false))
    .withVariable(versionVariable())
    .withVariable(featureVariable(true))
    .withVariable(windowVariable())
    .withVariable(methodVariable())
    .withVariable(segmentVariable())
    .withPanel(driftStatusByFeature())
    .withPanel(datasetDriftShare())
    .withPanel(datasetDriftStatus())
    .withRow(new RowBuilder("Drift scores"))
    .withPanel(driftScoreByFeature())
    .withPanel(driftHeatmap())
    .withPanel(driftMethodsTable())
    .withPanel(predictionDrift())
    .withPanel(targetAndScoreDrift())
    .withRow(new RowBuilder("Feature distributions"))
    .withPanel(featureQuantiles())
    .withRow(new RowBuilder("Data quality"))
    .withPanel(missingRatioByFeature())
    .withPanel(outOfRangeByFeature())
    .withPanel(newCategoriesByFeature())
    .withPanel(typeMismatchByFeature())
    .withRow(new RowBuilder("Segments"))
    .withPanel(driftStatusBySegment())
    .withPanel(driftScoreBySegment())
    .build();
}

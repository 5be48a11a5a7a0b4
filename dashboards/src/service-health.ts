/**
 * Service health of one model: latency quantiles, throughput and errors, split by version so a
 * challenger can be compared with the champion (DataRobot's "Service Health" tab, as PromQL).
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { BigValueGraphMode, ReduceDataOptionsBuilder } from "@grafana/grafana-foundation-sdk/common";
import { PanelBuilder as StatPanel } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as TimeseriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";
import { PanelBuilder as TablePanel } from "@grafana/grafana-foundation-sdk/table";
import { PromQueryFormat } from "@grafana/grafana-foundation-sdk/prometheus";
import { DRIFT_STATUS_MAPPINGS, MODEL_VERSION, MODEL_VERSION_SEGMENT, driftlineDashboard, instantQuery, promQuery, statusQuery, thresholds } from "./defaults.ts";
import { datasourceVariable, modelVariable, segmentVariable, versionVariable, windowVariable } from "./variables.ts";
import { Family } from "@driftline/collector/series";

const RATE = "[$__rate_interval]";
const predictionsRate = (by: string): string => `sum by (${by}) (rate(${Family.predictions}{${MODEL_VERSION}}${RATE}))`;
const errorsRate = (by: string): string => `sum by (${by}) (rate(${Family.errors}{${MODEL_VERSION}}${RATE}))`;
const latencyQuantile = (q: number, by: string): string =>
  `histogram_quantile(${q}, sum by (le, ${by}) (rate(${Family.duration}_bucket{${MODEL_VERSION}}${RATE})))`;

function stat(title: string, expr: string, unit: string): StatPanel {
  return new StatPanel()
    .title(title)
    .withTarget(instantQuery(expr, "{{model}}"))
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(["lastNotNull"]))
    .unit(unit)
    .graphMode(BigValueGraphMode.Area)
    .height(5)
    .span(6);
}

/** Current predictions per second of the model (chosen versions). */
export function throughputStat(): StatPanel {
  return stat("Predictions per second", predictionsRate("model"), "reqps");
}

/** Current error ratio of the model. */
export function errorRatioStat(): StatPanel {
  return stat("Error ratio", `${errorsRate("model")} / ${predictionsRate("model")}`, "percentunit").thresholds(
    thresholds("green", [[0.01, "yellow"], [0.05, "red"]]),
  );
}

/** Current median latency of the model. */
export function p50LatencyStat(): StatPanel {
  return stat("p50 latency", latencyQuantile(0.5, "model"), "s");
}

/** Current 99th-percentile latency of the model. */
export function p99LatencyStat(): StatPanel {
  return stat("p99 latency", latencyQuantile(0.99, "model"), "s");
}

/** p50, p90 and p99 latency per version, from the merged latency digest of each step's window. */
export function latencyQuantilesByVersion(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Latency quantiles by version")
    .description("Answered from the latency digest of each step's window, not interpolated from buckets.")
    .withTarget(promQuery(latencyQuantile(0.5, "version"), "p50 {{version}}", "A"))
    .withTarget(promQuery(latencyQuantile(0.9, "version"), "p90 {{version}}", "B"))
    .withTarget(promQuery(latencyQuantile(0.99, "version"), "p99 {{version}}", "C"))
    .unit("s")
    .min(0)
    .height(9)
    .span(12);
}

/** Mean latency per version: the histogram's sum over its count. */
export function meanLatencyByVersion(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Mean latency by version")
    .withTarget(
      promQuery(
        `sum by (version) (rate(${Family.duration}_sum{${MODEL_VERSION}}${RATE})) / sum by (version) (rate(${Family.duration}_count{${MODEL_VERSION}}${RATE}))`,
        "{{version}}",
      ),
    )
    .unit("s")
    .min(0)
    .height(9)
    .span(12);
}

/** Predictions per second per version. */
export function throughputByVersion(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Throughput by version")
    .withTarget(promQuery(predictionsRate("version"), "{{version}}"))
    .unit("reqps")
    .min(0)
    .height(9)
    .span(8);
}

/** Errors per second per version. */
export function errorsByVersion(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Errors by version")
    .withTarget(promQuery(errorsRate("version"), "{{version}}"))
    .unit("reqps")
    .min(0)
    .height(9)
    .span(8);
}

/** Errors as a share of predictions per version. */
export function errorRatioByVersion(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Error ratio by version")
    .withTarget(promQuery(`${errorsRate("version")} / ${predictionsRate("version")}`, "{{version}}"))
    .unit("percentunit")
    .min(0)
    .height(9)
    .span(8);
}

const segmentRate = (series: string): string => `sum by (segment_value) (rate(${series}{${MODEL_VERSION_SEGMENT}}${RATE}))`;

/** Predictions per second per value of the chosen segment attribute. */
export function throughputBySegment(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Throughput by $segment")
    .withTarget(promQuery(segmentRate(Family.predictions), "{{segment_value}}"))
    .unit("reqps")
    .min(0)
    .height(9)
    .span(8);
}

/** Error ratio per segment value. */
export function errorRatioBySegment(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Error ratio by $segment")
    .withTarget(promQuery(`${segmentRate(Family.errors)} / ${segmentRate(Family.predictions)}`, "{{segment_value}}"))
    .unit("percentunit")
    .min(0)
    .height(9)
    .span(8);
}

/** p99 latency per segment value, from the merged latency digest of each step's window. */
export function p99LatencyBySegment(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("p99 latency by $segment")
    .withTarget(promQuery(`histogram_quantile(0.99, sum by (le, segment_value) (rate(${Family.duration}_bucket{${MODEL_VERSION_SEGMENT}}${RATE})))`, "{{segment_value}}"))
    .unit("s")
    .min(0)
    .height(9)
    .span(8);
}

/**
 * Champion and challengers side by side over the dashboard's range: one row per version with its
 * throughput, error ratio, p50 and p99 latency and worst drift status over $window (the same
 * figures as GET /api/models/:model/compare).
 */
export function versionComparison(): TablePanel {
  const over = "[$__range]";
  const byVersion = (series: string): string => `sum by (version) (increase(${series}{${MODEL_VERSION}}${over}))`;
  const quantile = (q: number): string => `histogram_quantile(${q}, sum by (le, version) (rate(${Family.duration}_bucket{${MODEL_VERSION}}${over})))`;
  const table = (expr: string, refId: string) => instantQuery(expr, "", refId).format(PromQueryFormat.Table);
  return new TablePanel()
    .title("Champion vs challengers")
    .description("Per version over the dashboard's time range; drift status over $window (0 ok, 1 warn, 2 alert).")
    .withTarget(table(`sum by (version) (rate(${Family.predictions}{${MODEL_VERSION}}${over}))`, "A"))
    .withTarget(table(`${byVersion(Family.errors)} / ${byVersion(Family.predictions)}`, "B"))
    .withTarget(table(quantile(0.5), "C"))
    .withTarget(table(quantile(0.99), "D"))
    .withTarget(table(`max by (version) (${Family.driftStatus}{${MODEL_VERSION}, window="$window"})`, "E"))
    .withTransformation({ id: "merge", options: {} })
    .withTransformation({
      id: "organize",
      options: {
        excludeByName: { Time: true },
        renameByName: { "Value #A": "predictions/s", "Value #B": "error ratio", "Value #C": "p50 latency (s)", "Value #D": "p99 latency (s)", "Value #E": "worst drift status" },
      },
    })
    .overrideByName("worst drift status", [{ id: "mappings", value: DRIFT_STATUS_MAPPINGS }])
    .height(7)
    .span(24);
}

/** Worst drift status per version over time: a challenger that drifts differently shows apart. */
export function driftStatusByVersion(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Worst drift status by version")
    .withTarget(statusQuery(`max by (version) (${Family.driftStatus}{${MODEL_VERSION}, window="$window"})`, "{{version}}"))
    .min(0)
    .max(2)
    .height(9)
    .span(24);
}

/** The service-health dashboard. */
export function serviceHealthDashboard(): Dashboard {
  return driftlineDashboard("driftline-service-health", "Driftline / Service health", "Latency, throughput and errors of one model, by version.")
    .withVariable(datasourceVariable())
    .withVariable(modelVariable(false))
    .withVariable(versionVariable())
    .withVariable(windowVariable())
    .withVariable(segmentVariable())
    .withPanel(throughputStat())
    .withPanel(errorRatioStat())
    .withPanel(p50LatencyStat())
    .withPanel(p99LatencyStat())
    .withRow(new RowBuilder("Latency"))
    .withPanel(latencyQuantilesByVersion())
    .withPanel(meanLatencyByVersion())
    .withRow(new RowBuilder("Throughput and errors"))
    .withPanel(throughputByVersion())
    .withPanel(errorsByVersion())
    .withPanel(errorRatioByVersion())
    .withRow(new RowBuilder("Champion vs challengers"))
    .withPanel(versionComparison())
    .withPanel(driftStatusByVersion())
    .withRow(new RowBuilder("Segments"))
    .withPanel(throughputBySegment())
    .withPanel(errorRatioBySegment())
    .withPanel(p99LatencyBySegment())
    .build();
}

/**
 * Defaults every Driftline dashboard shares: the data-source reference, the query builder, the
 * drift-status colours and the common dashboard settings. One place, so the five dashboards agree.
 */
import { DashboardBuilder, DashboardLinkBuilder, DashboardLinkType, ThresholdsConfigBuilder, ThresholdsMode, MappingType, DashboardCursorSync } from "@grafana/grafana-foundation-sdk/dashboard";
import type { DataSourceRef, ValueMapping } from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";

/** Name of the data-source variable and of the `__inputs` entry that UI import asks the user to fill. */
export const DS_INPUT_NAME = "DS_PROMETHEUS";

/**
 * The reference every panel and query variable points at. `${DS_PROMETHEUS}` resolves through the
 * data-source variable when provisioned and is replaced by the chosen data source on UI import.
 */
export const PROMETHEUS: DataSourceRef = { type: "prometheus", uid: `\${${DS_INPUT_NAME}}` };

/**
 * The data source that dashboards/provisioning/datasources/driftline.yaml creates. The data-source
 * variable starts on it; where it does not exist Grafana falls back to the first Prometheus source.
 */
export const PROVISIONED_DATASOURCE = { name: "Driftline", uid: "driftline" } as const;

/** Tag on every Driftline dashboard; the dashboard links use it to offer the others. */
export const DRIFTLINE_TAG = "driftline";

/**
 * Label matchers for the model and version variables, whole model only; `=~` so "All" and
 * multi-select work. Segment series carry `segment` and `segment_value` and count the same
 * predictions again, so a panel about the whole model selects `segment=""` (docs/segments.md).
 */
export const MODEL_VERSION = `model=~"$model", version=~"$version", segment=""`;

/** Label matchers for the chosen model and versions, the series of the chosen `$segment` attribute (one per value). */
export const MODEL_VERSION_SEGMENT = `model=~"$model", version=~"$version", segment="$segment"`;

/**
 * Every query's "Min step" (the target's `interval`): Driftline keeps one bucket a minute, so a
 * finer step only repeats values. It also makes `$__rate_interval` at least 4 × 1m whatever the
 * data source's scrape interval: Grafana computes max($__interval + s, 4 × s) with s the query's
 * min step when set, else the data source's scrape interval (15 s by default, which gave a 75 s
 * window holding one counter sample, so `rate()` drew nothing). docs/dashboards.md.
 */
export const MIN_STEP = "1m";

/**
 * Min step of the drift-status panels: a status covers a window of at least 5 minutes and costs
 * every method at every step, so a cell per 5 minutes (288 over a day) shows as much and costs a fifth.
 */
export const STATUS_MIN_STEP = "5m";

/** A Prometheus range query (Grafana's default for time-series panels). */
export function promQuery(expr: string, legendFormat: string, refId = "A", minStep = MIN_STEP): DataqueryBuilder {
  return new DataqueryBuilder().datasource(PROMETHEUS).expr(expr).legendFormat(legendFormat).refId(refId).interval(minStep).range();
}

/** A range query of `driftline_drift_status` for a status-history panel: one step per {@link STATUS_MIN_STEP} at least. */
export function statusQuery(expr: string, legendFormat: string, refId = "A"): DataqueryBuilder {
  return promQuery(expr, legendFormat, refId, STATUS_MIN_STEP);
}

/** A Prometheus instant query: stat and table panels only need the value at the end of the range. */
export function instantQuery(expr: string, legendFormat: string, refId = "A"): DataqueryBuilder {
  return new DataqueryBuilder().datasource(PROMETHEUS).expr(expr).legendFormat(legendFormat).refId(refId).interval(MIN_STEP).instant();
}

/** Thresholds from a base colour and ascending `[value, colour]` steps. */
export function thresholds(base: string, steps: readonly (readonly [number, string])[]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps([{ value: null, color: base }, ...steps.map(([value, color]) => ({ value, color }))]);
}

/** `driftline_drift_status` values: 0 ok, 1 warn, 2 alert (DESIGN.md, "Drift, accuracy, health"). */
export const DRIFT_STATUS_MAPPINGS: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: {
      "0": { text: "ok", color: "green", index: 0 },
      "1": { text: "warn", color: "yellow", index: 1 },
      "2": { text: "alert", color: "red", index: 2 },
    },
  },
];

/** Colours for the drift status, so a cell is green, yellow or red even where the mapping misses. */
export const DRIFT_STATUS_THRESHOLDS = thresholds("green", [
  [1, "yellow"],
  [2, "red"],
]);

/** A dashboard with Driftline's common settings: tag, shared crosshair, 6 h range, 1 min refresh. */
export function driftlineDashboard(uid: string, title: string, description: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags([DRIFTLINE_TAG])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: "now-6h", to: "now" })
    .refresh("1m")
    .timezone("browser")
    .link(
      new DashboardLinkBuilder("Driftline dashboards")
        .type(DashboardLinkType.Dashboards)
        .tags([DRIFTLINE_TAG])
        .icon("external link")
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
}

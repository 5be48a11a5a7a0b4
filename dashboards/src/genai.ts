/**
 * Generative models: token usage by type (input, output), tokens per request and latency, from
 * the GenAI semantic conventions folded into `driftline_genai_tokens_total` and the latency histogram.
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { BigValueGraphMode, ReduceDataOptionsBuilder } from "@grafana/grafana-foundation-sdk/common";
import { PanelBuilder as StatPanel } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as TimeseriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";
import { MODEL_VERSION, driftlineDashboard, instantQuery, promQuery } from "./defaults.ts";
import { datasourceVariable, modelVariable, versionVariable } from "./variables.ts";
import { Family } from "@driftline/collector/series";

const RATE = "[$__rate_interval]";

/** Tokens used over the dashboard's range, by type. */
export function tokensInRangeStat(): StatPanel {
  return new StatPanel()
    .title("Tokens in range")
    .withTarget(instantQuery(`sum by (type) (increase(${Family.genAiTokens}{${MODEL_VERSION}}[$__range]))`, "{{type}}"))
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(["lastNotNull"]))
    .unit("short")
    .graphMode(BigValueGraphMode.None)
    .height(5)
    .span(12);
}

/** Requests over the dashboard's range. */
export function requestsInRangeStat(): StatPanel {
  return new StatPanel()
    .title("Requests in range")
    .withTarget(instantQuery(`sum(increase(${Family.predictions}{${MODEL_VERSION}}[$__range]))`, "requests"))
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(["lastNotNull"]))
    .unit("short")
    .graphMode(BigValueGraphMode.None)
    .height(5)
    .span(12);
}

/** Tokens per second by type and version. */
export function tokenRate(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Tokens per second")
    .withTarget(promQuery(`sum by (type, version) (rate(${Family.genAiTokens}{${MODEL_VERSION}}${RATE}))`, "{{type}} {{version}}"))
    .unit("short")
    .min(0)
    .height(9)
    .span(12);
}

/** Mean tokens per request by type: a prompt or answer growing longer shows here first. */
export function tokensPerRequest(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Tokens per request")
    .withTarget(
      promQuery(
        `sum by (type) (rate(${Family.genAiTokens}{${MODEL_VERSION}}${RATE})) / ignoring (type) group_left sum(rate(${Family.predictions}{${MODEL_VERSION}}${RATE}))`,
        "{{type}}",
      ),
    )
    .unit("short")
    .min(0)
    .height(9)
    .span(12);
}

/** Request latency quantiles per version. */
export function generationLatency(): TimeseriesPanel {
  const quantile = (q: number): string =>
    `histogram_quantile(${q}, sum by (le, version) (rate(${Family.duration}_bucket{${MODEL_VERSION}}${RATE})))`;
  return new TimeseriesPanel()
    .title("Request latency")
    .withTarget(promQuery(quantile(0.5), "p50 {{version}}", "A"))
    .withTarget(promQuery(quantile(0.99), "p99 {{version}}", "B"))
    .unit("s")
    .min(0)
    .height(9)
    .span(12);
}

/** Requests per second per version. */
export function requestRate(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Requests per second")
    .withTarget(promQuery(`sum by (version) (rate(${Family.predictions}{${MODEL_VERSION}}${RATE}))`, "{{version}}"))
    .unit("reqps")
    .min(0)
    .height(9)
    .span(12);
}

/** The generative-models dashboard. */
export function genaiDashboard(): Dashboard {
  return driftlineDashboard("driftline-genai", "Driftline / Generative models", "Token usage and latency of generative models.")
    .withVariable(datasourceVariable())
    .withVariable(modelVariable(false))
    .withVariable(versionVariable())
    .withPanel(tokensInRangeStat())
    .withPanel(requestsInRangeStat())
    .withRow(new RowBuilder("Tokens"))
    .withPanel(tokenRate())
    .withPanel(tokensPerRequest())
    .withRow(new RowBuilder("Requests"))
    .withPanel(generationLatency())
    .withPanel(requestRate())
    .build();
}

/**
 * Service health over the range: throughput, errors and latency quantiles of the chosen
 * version and segment, one range query per line (docs/console.md lists them).
 */
import { rangeQuery } from "../api.ts";
import { alignSeries, hasPoints } from "../charts/align.ts";
import { timeChart } from "../charts/time-chart.ts";
import { h, notice, section } from "../dom.ts";
import { formatNumber } from "../format.ts";
import { selector } from "../pages/model-context.ts";
import type { PromSeries } from "../api.ts";
import type { ModelContext } from "../pages/model-context.ts";

/** The PromQL of each health chart. */
export function healthQueries(ctx: ModelContext): { throughput: string; errors: string; latency: Record<"p50" | "p95" | "p99", string> } {
  const sel = selector(ctx);
  const w = ctx.rateWindow;
  const latency = (q: number) => `histogram_quantile(${q}, sum by (le, model) (rate(driftline_prediction_duration_seconds_bucket${sel}[${w}])))`;
  return {
    throughput: `sum(rate(driftline_predictions_total${sel}[${w}])) * 60`,
    // A model with no failure has no error series: draw its zero line from the predictions.
    errors: `sum(rate(driftline_prediction_errors_total${sel}[${w}])) * 60 or sum(rate(driftline_predictions_total${sel}[${w}])) * 0`,
    latency: { p50: latency(0.5), p95: latency(0.95), p99: latency(0.99) },
  };
}

/** Renders the health section into a new element of `parent`; resolves once drawn. */
export async function renderHealth(parent: HTMLElement, ctx: ModelContext): Promise<void> {
  const body = h("div", { class: "charts" });
  parent.append(section("health", "Service health", h("p", { class: "hint" }, `Rates over ${ctx.rateWindow} at each ${ctx.stepSeconds} s step.`), body));
  const q = healthQueries(ctx);
  const range = (what: string, query: string) => rangeQuery(what, query, ctx.startSeconds, ctx.endSeconds, ctx.stepSeconds);
  const [throughput, errors, p50, p95, p99] = await Promise.all([
    range("throughput", q.throughput),
    range("errors", q.errors),
    range("latency p50", q.latency.p50),
    range("latency p95", q.latency.p95),
    range("latency p99", q.latency.p99),
  ]);
  const draw = (title: string, labels: string[], series: PromSeries[], format: (v: number) => string, scale = 1) => {
    const data = alignSeries(series, scale);
    if (!hasPoints(data)) {
      body.append(h("figure", { class: "chart" }, h("figcaption", {}, title), notice("empty", "No predictions in this range for this version and segment. Widen the range, or check that the model server sends ml.model.version.")));
      return;
    }
    timeChart(body, { title, labels, data, formatY: format, xRange: [ctx.startSeconds, ctx.endSeconds] });
  };
  draw("Throughput (predictions / min)", ["predictions / min"], throughput, (v) => formatNumber(v));
  draw("Errors (failed predictions / min)", ["errors / min"], errors, (v) => formatNumber(v));
  draw("Latency", ["p50", "p95", "p99"], [p50[0], p95[0], p99[0]].map((s) => s ?? { metric: {}, values: [] }), (v) => `${formatNumber(v)} ms`, 1000);
}

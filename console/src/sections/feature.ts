/**
 * One feature: its baseline and current distributions overlaid, and each method's drift over
 * the range. Numbers: the quantile curves of the baseline and of the window (the digests'
 * 5th…95th percentiles, driftline_baseline_quantile / driftline_feature_quantile). Categories:
 * bars of each side's share, new categories marked (GET …/drift?feature=, whole model only).
 */
import { getJson, instantQuery, rangeQuery, sampleValue } from "../api.ts";
import { alignSeries, hasPoints } from "../charts/align.ts";
import { categoryBars } from "../charts/bars.ts";
import { timeChart } from "../charts/time-chart.ts";
import { h, notice, section } from "../dom.ts";
import { formatNumber } from "../format.ts";
import { featureTypes, selector } from "../pages/model-context.ts";
import type { PromSample } from "../api.ts";
import type { Columns } from "../charts/align.ts";
import type { ModelContext } from "../pages/model-context.ts";
import type { DriftReport } from "../types.ts";

/** The PromQL of the feature view. */
export function featureQueries(ctx: ModelContext, feature: string): { baseline: string; current: string; drift: string } {
  return {
    // Baselines are whole-model (no segment label): compare a segment with the model's baseline.
    baseline: `driftline_baseline_quantile{model=${JSON.stringify(ctx.model)}, version=${JSON.stringify(ctx.version)}, feature=${JSON.stringify(feature)}}`,
    current: `driftline_feature_quantile${selector(ctx, { feature, window: ctx.window })}`,
    // The methods read without merging digests (docs/query-api.md, binned-window.ts): a step costs
    // O(bin edges) instead of KS and Wasserstein's merge per step, which tripled the page's time.
    drift: `driftline_feature_drift${selector(ctx, { feature, window: ctx.window }, ['method=~"psi|js|hellinger"'])}`,
  };
}

/** Renders the feature view of `ctx.feature` (none: a hint); resolves once drawn. */
export async function renderFeature(parent: HTMLElement, ctx: ModelContext): Promise<void> {
  const feature = ctx.feature;
  if (feature === null) {
    parent.append(section("feature", "Feature", notice("empty", "Select a feature in the drift table to see its baseline and current distributions and its drift over time.")));
    return;
  }
  const body = h("div", { class: "charts" });
  parent.append(section("feature", `Feature: ${feature}`, body));
  const type = featureTypes(ctx).get(feature);
  const q = featureQueries(ctx, feature);
  const drift = rangeQuery("drift over time", q.drift, ctx.startSeconds, ctx.endSeconds, ctx.stepSeconds);
  if (type === "categorical") await drawCategories(body, ctx, feature);
  else if (type === "numeric") await drawQuantiles(body, ctx, q);
  else body.append(notice("empty", `Version ${ctx.version} has no feature ${feature}. Pick one from the drift table.`));
  const series = (await drift).sort((a, b) => a.metric.method.localeCompare(b.metric.method));
  const data = alignSeries(series);
  if (!hasPoints(data)) body.append(notice("empty", `No drift of ${feature} in this range: it needs a baseline and traffic in the last ${ctx.window}.`));
  else timeChart(body, { title: `Drift of ${feature} over time (window ${ctx.window}): PSI, Jensen–Shannon, Hellinger`, labels: series.map((s) => s.metric.method), data, formatY: (v) => formatNumber(v), xRange: [ctx.startSeconds, ctx.endSeconds] });
}

async function drawQuantiles(body: HTMLElement, ctx: ModelContext, q: { baseline: string; current: string }): Promise<void> {
  const [baseline, current] = await Promise.all([instantQuery("baseline quantiles", q.baseline, ctx.endSeconds), instantQuery("current quantiles", q.current, ctx.endSeconds)]);
  if (baseline.length === 0 && current.length === 0) {
    body.append(notice("empty", "No quantiles: the version needs a baseline, and traffic in the window."));
    return;
  }
  const byQuantile = (samples: PromSample[]) => new Map(samples.map((s) => [Number(s.metric.quantile), sampleValue(s)]));
  const b = byQuantile(baseline);
  const c = byQuantile(current);
  const quantiles = [...new Set([...b.keys(), ...c.keys()])].sort((x, y) => x - y);
  const data: Columns = [quantiles, quantiles.map((x) => b.get(x) ?? null), quantiles.map((x) => c.get(x) ?? null)];
  timeChart(body, {
    title: `Distribution: value at each quantile, baseline against the last ${ctx.window}`,
    labels: ["baseline", `current (${ctx.window})`],
    data,
    xIsTime: false,
    formatX: (x) => `p${Math.round(x * 100)}`,
    formatY: (v) => formatNumber(v),
    dashed: [true, false],
  });
}

async function drawCategories(body: HTMLElement, ctx: ModelContext, feature: string): Promise<void> {
  const report = await getJson<DriftReport>("category counts", `/api/models/${encodeURIComponent(ctx.model)}/drift`, { version: ctx.version, window: ctx.window, feature });
  const categories = report.features[0]?.categories ?? [];
  const baselineTotal = categories.reduce((n, c) => n + c.baseline, 0);
  const currentTotal = categories.reduce((n, c) => n + c.current, 0);
  if (currentTotal === 0) {
    body.append(notice("empty", `No values of ${feature} in the last ${ctx.window}.`));
    return;
  }
  const shares = categories.map((c) => ({ category: c.category, baseline: baselineTotal === 0 ? 0 : c.baseline / baselineTotal, current: c.current / currentTotal, isNew: c.baseline === 0 }));
  const scope = ctx.segment === null ? "" : " (whole model: the drift API has no segment filter)";
  categoryBars(body, `Distribution: share of each category, baseline against the last ${ctx.window}${scope}`, shares);
}

/**
 * Accuracy over time, once actuals arrive: the overall metrics, per class (f1) and per
 * segment (accuracy), each over the page's window at every step (driftline_accuracy).
 */
import { rangeQuery } from "../api.ts";
import { alignSeries, hasPoints } from "../charts/align.ts";
import { timeChart } from "../charts/time-chart.ts";
import { command, h, notice, section } from "../dom.ts";
import { formatNumber } from "../format.ts";
import { selector } from "../pages/model-context.ts";
import type { PromSeries } from "../api.ts";
import type { ModelContext } from "../pages/model-context.ts";

/** The PromQL of the accuracy charts. */
export function accuracyQueries(ctx: ModelContext): { scores: string; errors: string; perClass: string; perSegment: string } {
  const base = { model: JSON.stringify(ctx.model), version: JSON.stringify(ctx.version), window: JSON.stringify(ctx.window) };
  return {
    scores: `driftline_accuracy${selector(ctx, { window: ctx.window, class: "" }, ['metric=~"accuracy|precision|recall|f1|auc"'])}`,
    errors: `driftline_accuracy${selector(ctx, { window: ctx.window, class: "" }, ['metric=~"mae|rmse"'])}`,
    perClass: `driftline_accuracy${selector(ctx, { window: ctx.window, metric: "f1" }, ['class!=""'])}`,
    perSegment: `driftline_accuracy{model=${base.model}, version=${base.version}, window=${base.window}, metric="accuracy", class="", segment!=""}`,
  };
}

/** Renders the accuracy section; resolves once drawn. */
export async function renderAccuracy(parent: HTMLElement, ctx: ModelContext): Promise<void> {
  const body = h("div", { class: "charts" });
  parent.append(section("accuracy", "Accuracy", h("p", { class: "hint" }, `Over the predictions of the last ${ctx.window} at each step that received their actual (docs/accuracy.md).`), body));
  const q = accuracyQueries(ctx);
  const range = (what: string, query: string) => rangeQuery(what, query, ctx.startSeconds, ctx.endSeconds, ctx.stepSeconds);
  const [scores, errors, perClass, perSegment] = await Promise.all([
    range("accuracy", q.scores),
    range("regression errors", q.errors),
    range("accuracy per class", q.perClass),
    ctx.segment === null ? range("accuracy per segment", q.perSegment) : Promise.resolve([]),
  ]);
  const draws: [string, PromSeries[], (s: PromSeries) => string][] = [
    ["Scores", scores, (s) => s.metric.metric],
    ["Regression errors", errors, (s) => s.metric.metric],
    ["F1 per class", perClass, (s) => s.metric.class],
    ["Accuracy per segment", perSegment, (s) => `${s.metric.segment}=${s.metric.segment_value}`],
  ];
  let drawn = 0;
  for (const [title, series, label] of draws) {
    series.sort((a, b) => label(a).localeCompare(label(b)));
    const data = alignSeries(series);
    if (!hasPoints(data)) continue;
    timeChart(body, { title, labels: series.map(label), data, formatY: (v) => formatNumber(v), xRange: [ctx.startSeconds, ctx.endSeconds] });
    drawn += 1;
  }
  if (drawn === 0) {
    body.append(
      notice(
        "empty",
        h("p", {}, `No actuals joined for version ${ctx.version} in this range. Send each outcome as an ml.actual event with the prediction's ml.prediction.id (the SDKs' recordActual / record_actual; docs/accuracy.md), for example:`),
        command('monitor.recordActual("<ml.prediction.id>", "<the actual label or value>")'),
      ),
    );
  }
}

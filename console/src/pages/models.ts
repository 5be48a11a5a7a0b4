/**
 * The models page: every model of the tenant, worst first, with the figures a person checks
 * first (throughput, errors, latency, drift, accuracy, alerts) over the last hour. Each figure
 * is one PromQL query over every model at once (docs/console.md lists them), so the page costs
 * six requests whatever the number of models.
 */
import { getJson, instantQuery, sampleValue } from "../api.ts";
import { command, h, notice, replaceChildren, scrollBox } from "../dom.ts";
import { formatAgo, formatNumber, formatPercent, formatSecondsAsMs } from "../format.ts";
import { formatRoute } from "../router.ts";
import type { PromSample } from "../api.ts";
import type { ModelList, PromAlerts } from "../types.ts";

/** The queries behind the columns, over the whole-model series (segment=""). */
export const MODELS_QUERIES = {
  predictions: 'sum by (model) (increase(driftline_predictions_total{segment=""}[1h]))',
  errors: 'sum by (model) (increase(driftline_prediction_errors_total{segment=""}[1h]))',
  p95: 'histogram_quantile(0.95, sum by (le, model) (rate(driftline_prediction_duration_seconds_bucket{segment=""}[1h])))',
  // Features only: the prediction, a classifier's score and the target have statuses of their own.
  drift: 'driftline_drift_status{window="1h", segment="", feature!~"__prediction__|__score__|__target__"}',
  accuracy: 'driftline_accuracy{window="1h", segment="", class="", metric=~"accuracy|rmse"}',
} as const;

type Row = {
  model: string;
  versions: string[];
  lastSeen: string | null;
  perMinute: number | null;
  errorRatio: number | null;
  p95Seconds: number | null;
  warn: number;
  alert: number;
  accuracy: { version: string; metric: string; value: number }[];
  firing: number;
};

function byModel(samples: readonly PromSample[]): Map<string, number> {
  return new Map(samples.map((s) => [s.metric.model, sampleValue(s)]));
}

/** Worst first: firing alerts, then features in alert, then error ratio, then features in warn. */
function severity(row: Row): number[] {
  return [row.firing, row.alert, row.errorRatio ?? 0, row.warn];
}

function compareRows(a: Row, b: Row): number {
  const sa = severity(a);
  const sb = severity(b);
  for (let i = 0; i < sa.length; i += 1) if (sa[i] !== sb[i]) return sb[i] - sa[i];
  return a.model.localeCompare(b.model);
}

/** Loads and renders the models page into `main`. */
export async function renderModels(main: HTMLElement): Promise<void> {
  replaceChildren(main, h("h1", {}, "Models"), notice("loading", "Loading models…"));
  const now = Date.now() / 1000;
  const [list, predictions, errors, p95, drift, accuracy, alerts] = await Promise.all([
    getJson<ModelList>("GET /api/models", "/api/models"),
    instantQuery("predictions per minute", MODELS_QUERIES.predictions, now),
    instantQuery("error rate", MODELS_QUERIES.errors, now),
    instantQuery("p95 latency", MODELS_QUERIES.p95, now),
    instantQuery("drift status", MODELS_QUERIES.drift, now),
    instantQuery("accuracy", MODELS_QUERIES.accuracy, now),
    getJson<PromAlerts>("GET /api/v1/alerts", "/api/v1/alerts"),
  ]);
  if (list.models.length === 0) {
    replaceChildren(
      main,
      h("h1", {}, "Models"),
      notice(
        "empty",
        h("p", {}, "No model has sent data yet. Send predictions over OTLP (the SDKs, any OpenTelemetry exporter or a Collector; see the README), or run the demo against this Worker:"),
        command("npm run demo"),
      ),
    );
    return;
  }
  const predictionsBy = byModel(predictions);
  const errorsBy = byModel(errors);
  const p95By = byModel(p95);
  const rows: Row[] = list.models.map((m) => {
    const count = predictionsBy.get(m.model);
    const errorCount = errorsBy.get(m.model) ?? 0;
    // Worst status per feature across versions: a feature counts once.
    const worst = new Map<string, number>();
    for (const s of drift) if (s.metric.model === m.model) worst.set(s.metric.feature, Math.max(worst.get(s.metric.feature) ?? 0, sampleValue(s)));
    return {
      model: m.model,
      versions: m.versions,
      lastSeen: m.lastSeen,
      perMinute: count === undefined ? null : count / 60,
      errorRatio: count === undefined || count === 0 ? null : errorCount / count,
      p95Seconds: p95By.get(m.model) ?? null,
      warn: [...worst.values()].filter((v) => v === 1).length,
      alert: [...worst.values()].filter((v) => v === 2).length,
      accuracy: accuracy.filter((s) => s.metric.model === m.model).map((s) => ({ version: s.metric.version, metric: s.metric.metric, value: sampleValue(s) })),
      firing: alerts.data.alerts.filter((a) => a.state === "firing" && a.labels.model === m.model).length,
    };
  });
  rows.sort(compareRows);
  const table = h(
    "table",
    { class: "data", id: "models-table" },
    h("caption", {}, "Every model over the last hour, worst first (firing alerts, then features in alert, error rate, features in warn)."),
    h(
      "thead",
      {},
      h("tr", {}, ...["Model", "Versions", "Last seen", "Predictions / min", "Error rate", "p95 latency", "Drift (warn / alert)", "Accuracy", "Alerts firing"].map((t) => h("th", { scope: "col" }, t))),
    ),
    h("tbody", {}, ...rows.map(renderRow)),
  );
  replaceChildren(main, h("h1", {}, "Models"), h("div", scrollBox("Models"), table));
}

function renderRow(row: Row): HTMLTableRowElement {
  const href = formatRoute({ page: "model", model: row.model, range: "1h", version: null, segment: null, feature: null });
  const driftCell =
    row.warn + row.alert === 0
      ? h("span", { class: "muted" }, "none")
      : [row.alert > 0 ? h("span", { class: "status status-alert" }, `${row.alert} alert`) : null, row.warn > 0 ? h("span", { class: "status status-warn" }, `${row.warn} warn`) : null];
  const accuracyCell =
    row.accuracy.length === 0
      ? h("span", { class: "muted" }, "no actuals")
      : row.accuracy.map((a) => h("div", {}, `${a.version} ${a.metric === "accuracy" ? formatPercent(a.value) : `RMSE ${formatNumber(a.value)}`}`));
  return h(
    "tr",
    { "data-model": row.model },
    h("th", { scope: "row" }, h("a", { href }, row.model)),
    h("td", {}, row.versions.join(", ")),
    h("td", { title: row.lastSeen ?? "" }, formatAgo(row.lastSeen)),
    h("td", { class: "num", "data-col": "per-minute" }, formatNumber(row.perMinute)),
    h("td", { class: "num", "data-col": "error-rate" }, formatPercent(row.errorRatio)),
    h("td", { class: "num", "data-col": "p95" }, formatSecondsAsMs(row.p95Seconds)),
    h("td", { "data-col": "drift" }, driftCell),
    h("td", { "data-col": "accuracy" }, accuracyCell),
    h("td", { class: "num", "data-col": "firing" }, row.firing > 0 ? h("span", { class: "status status-alert" }, String(row.firing)) : "0"),
  );
}

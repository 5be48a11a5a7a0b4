/**
 * The drift table: one row per baselined feature (and the prediction) of the chosen version
 * and segment, each method's statistic over the window, the worst status, and a sparkline of
 * PSI over the range; worst first. Two requests whatever the number of features: the drift API
 * (or, for a segment, which it does not filter by, three PromQL queries) and one range query.
 */
import { getJson, instantQuery, rangeQuery, sampleValue, ApiError } from "../api.ts";
import { alignSeries } from "../charts/align.ts";
import { STATUS_COLORS } from "../charts/palette.ts";
import { sparkline } from "../charts/sparkline.ts";
import { command, h, notice, section, scrollBox } from "../dom.ts";
import { formatNumber } from "../format.ts";
import { formatRoute } from "../router.ts";
import { featureTypes, selector } from "../pages/model-context.ts";
import type { ModelContext } from "../pages/model-context.ts";
import type { DriftReport, DriftStatus } from "../types.ts";

/** The methods' columns, in docs/drift.md's order, with what their value is. */
const METHODS = [
  { method: "psi", header: "PSI" },
  { method: "ks", header: "KS D" },
  { method: "js", header: "Jensen–Shannon" },
  { method: "wasserstein", header: "Wasserstein (normed)" },
  { method: "hellinger", header: "Hellinger" },
  { method: "chisquare", header: "χ²" },
] as const;
const STATUS_BY_VALUE: readonly DriftStatus[] = ["ok", "warn", "alert"];
const RANK: Record<DriftStatus, number> = { no_data: 0, ok: 1, warn: 2, alert: 3 };
/** The prediction's name in driftline_drift_status. */
const PREDICTION = "__prediction__";
/** The series that are not features, by their name in driftline_drift_status: how a row shows them (issue 13: score and target drift). */
const OUTPUTS: Readonly<Record<string, { label: string; type: string }>> = {
  [PREDICTION]: { label: "(prediction)", type: "prediction" },
  __score__: { label: "(score)", type: "score" },
  __target__: { label: "(target)", type: "target" },
};

/** Whether a table was filled, and if not, what is known of why ("unknown": ask the baseline API). */
type Filled = "filled" | "no baseline" | "no traffic" | "unknown";

type Row = { name: string; type: string; status: DriftStatus; values: Map<string, number>; spark: (number | null)[] };

/** The PromQL behind the table. */
export function driftQueries(ctx: ModelContext): { features: string; prediction: string; status: string; sparkline: string } {
  return {
    features: `driftline_feature_drift${selector(ctx, { window: ctx.window })}`,
    prediction: `driftline_prediction_drift${selector(ctx, { window: ctx.window })}`,
    status: `driftline_drift_status${selector(ctx, { window: ctx.window })}`,
    sparkline: [
      `driftline_feature_drift${selector(ctx, { window: ctx.window, method: "psi" })}`,
      `label_replace(driftline_prediction_drift${selector(ctx, { window: ctx.window, method: "psi" })}, "feature", "${PREDICTION}", "", "")`,
      `label_replace(driftline_score_drift${selector(ctx, { window: ctx.window, method: "psi" })}, "feature", "__score__", "", "")`,
      `label_replace(driftline_target_drift${selector(ctx, { window: ctx.window, method: "psi" })}, "feature", "__target__", "", "")`,
    ].join(" or "),
  };
}

/** Renders the drift section; resolves once drawn. */
export async function renderDriftTable(parent: HTMLElement, ctx: ModelContext): Promise<void> {
  const body = h("div", {});
  parent.append(section("drift", "Drift", h("p", { class: "hint" }, `Each method's statistic against version ${ctx.version}'s baseline over the last ${ctx.window} (window="${ctx.window}"); sparkline: PSI over the range. Select a feature for its distributions.`), body));
  const types = featureTypes(ctx);
  const rows = new Map<string, Row>();
  const row = (name: string, type?: string): Row => {
    let r = rows.get(name);
    if (r === undefined) {
      r = { name, type: type ?? OUTPUTS[name]?.type ?? types.get(name) ?? "–", status: "no_data", values: new Map(), spark: [] };
      rows.set(name, r);
    }
    return r;
  };
  const q = driftQueries(ctx);
  const sparkAnswer = rangeQuery("drift over the range", q.sparkline, ctx.startSeconds, ctx.endSeconds, ctx.stepSeconds);
  const filled = ctx.segment === null ? await fromDriftApi(ctx, row) : await fromPromql(ctx, q, row);
  const spark = await sparkAnswer;
  if (filled !== "filled") {
    body.append(await emptyState(ctx, filled));
    return;
  }
  const aligned = alignSeries(spark);
  spark.forEach((s, i) => {
    if (rows.has(s.metric.feature)) row(s.metric.feature).spark = aligned[i + 1];
  });
  const sorted = [...rows.values()].sort((a, b) => RANK[b.status] - RANK[a.status] || (b.values.get("psi") ?? -1) - (a.values.get("psi") ?? -1) || a.name.localeCompare(b.name));
  const methods = METHODS.filter((m) => sorted.some((r) => r.values.has(m.method)));
  body.append(
    h(
      "div",
      scrollBox("Drift table"),
      h(
        "table",
        { class: "data", id: "drift-table" },
        h("caption", {}, `Drift of ${rows.size} series, worst first`),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Feature"), h("th", { scope: "col" }, "Type"), h("th", { scope: "col" }, "Status"), ...methods.map((m) => h("th", { scope: "col", class: "num" }, m.header)), h("th", { scope: "col" }, "PSI over the range"))),
        h("tbody", {}, ...sorted.map((r) => renderRow(ctx, r, methods))),
      ),
    ),
  );
}

/**
 * The whole model's table from GET /api/models/:model/drift: values, statuses and types in one
 * pass of the store, where the PromQL path computes every method twice (once for the values,
 * once inside driftline_drift_status). False when there is nothing to show.
 */
async function fromDriftApi(ctx: ModelContext, row: (name: string, type?: string) => Row): Promise<Filled> {
  let report: DriftReport;
  try {
    report = await getJson<DriftReport>("drift", `/api/models/${encodeURIComponent(ctx.model)}/drift`, { version: ctx.version, window: ctx.window });
  } catch (error) {
    // The model exists (its summary loaded): a 404 here is the API saying there is no baseline.
    if (error instanceof ApiError && error.status === 404) return "no baseline";
    throw error;
  }
  const outputs = [
    { name: PREDICTION, drift: report.prediction },
    { name: "__score__", drift: report.score ?? null },
    { name: "__target__", drift: report.target ?? null },
  ].flatMap((o) => (o.drift === null ? [] : [{ ...o.drift, name: o.name }]));
  const series = [...report.features, ...outputs];
  if (series.every((s) => s.status === "no_data")) return "no traffic";
  for (const s of series) {
    const r = row(s.name, OUTPUTS[s.name]?.type ?? s.type);
    r.status = s.status;
    for (const m of s.methods) if (m.value !== null) r.values.set(m.method, m.value);
  }
  return "filled";
}

/** A segment's table from PromQL (the drift API has no segment filter). False when there is nothing to show. */
async function fromPromql(ctx: ModelContext, q: ReturnType<typeof driftQueries>, row: (name: string) => Row): Promise<Filled> {
  const [features, prediction, status] = await Promise.all([
    instantQuery("feature drift", q.features, ctx.endSeconds),
    instantQuery("prediction drift", q.prediction, ctx.endSeconds),
    instantQuery("drift status", q.status, ctx.endSeconds),
  ]);
  if (status.length === 0) return "unknown";
  for (const s of status) row(s.metric.feature).status = STATUS_BY_VALUE[sampleValue(s)] ?? "no_data";
  for (const s of features) row(s.metric.feature).values.set(s.metric.method, sampleValue(s));
  for (const s of prediction) row(PREDICTION).values.set(s.metric.method, sampleValue(s));
  return "filled";
}

function renderRow(ctx: ModelContext, r: Row, methods: readonly { method: string }[]): HTMLTableRowElement {
  const output = OUTPUTS[r.name];
  const label = output?.label ?? r.name;
  const name =
    output !== undefined
      ? label
      : h("a", { href: formatRoute({ page: "model", model: ctx.model, range: ctx.range, version: ctx.version, segment: ctx.segment, feature: r.name }), "aria-current": ctx.feature === r.name ? "true" : undefined }, label);
  return h(
    "tr",
    { "data-feature": r.name, "data-status": r.status },
    h("th", { scope: "row" }, name),
    h("td", {}, r.type),
    h("td", {}, h("span", { class: `status status-${r.status}` }, r.status.replace("_", " "))),
    ...methods.map((m) => h("td", { class: "num", "data-method": m.method }, formatNumber(r.values.get(m.method) ?? null))),
    h("td", {}, sparkline(r.spark, `PSI of ${label} over the range`, STATUS_COLORS[r.status])),
  );
}

/** No drift samples: say why, from the baseline's presence, and what to do. */
async function emptyState(ctx: ModelContext, why: Exclude<Filled, "filled">): Promise<HTMLElement> {
  if (why === "unknown") why = (await hasBaseline(ctx)) ? "no traffic" : "no baseline";
  if (why === "no baseline") {
    return notice(
      "empty",
      h("p", {}, `Version ${ctx.version} has no baseline, so there is nothing to compare its traffic with. Upload one built from the training data (docs/baselines.md):`),
      command(`npx driftline baseline upload --model ${ctx.model} --version ${ctx.version} --csv training.csv`),
    );
  }
  return notice("empty", `Version ${ctx.version} has a baseline but no traffic${ctx.segment === null ? "" : ` in segment ${ctx.segment.name}=${ctx.segment.value}`} in the last ${ctx.window}. Drift appears once predictions arrive.`);
}

async function hasBaseline(ctx: ModelContext): Promise<boolean> {
  try {
    await getJson("baseline", `/api/models/${encodeURIComponent(ctx.model)}/versions/${encodeURIComponent(ctx.version)}/baseline`);
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return false;
    throw error;
  }
}

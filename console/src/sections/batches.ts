/**
 * Batch scoring jobs (`ml.batch.id`, docs/backfill.md): the version's latest batches with their
 * span, counts, drift status and worst feature, and accuracy once actuals joined. Shown only when
 * the version has batches; a model scored online has none and the page stays as it was.
 */
import { getJson } from "../api.ts";
import { h, scrollBox, section } from "../dom.ts";
import { formatCount, formatNumber, formatPercent } from "../format.ts";
import type { ModelContext } from "../pages/model-context.ts";

/** Batches listed, newest first: each costs one request for its drift and accuracy. */
export const BATCHES_SHOWN = 20;

type BatchSummary = { version: string; batch: string; from: string; to: string; predictions: number; errors: number; pairs: number };
type BatchSeriesDrift = { name: string; status: string; statusMethod: string; methods: { method: string; value: number | null }[] };
type BatchReport = BatchSummary & {
  drift: { status: string; features: BatchSeriesDrift[]; prediction: BatchSeriesDrift | null } | null;
  accuracy: { accuracy: number | null; mae: number | null } | null;
};

/** Renders the batches table when the version has batches; resolves once drawn. */
export async function renderBatches(parent: HTMLElement, ctx: ModelContext): Promise<void> {
  const base = `/api/models/${encodeURIComponent(ctx.model)}/batches`;
  const list = await getJson<{ batches: BatchSummary[] }>("batches", base, { version: ctx.version, limit: String(BATCHES_SHOWN) });
  if (list.batches.length === 0) return;
  const reports = await Promise.all(list.batches.map((b) => getJson<BatchReport>(`batch ${b.batch}`, `${base}/${encodeURIComponent(b.batch)}`, { version: ctx.version })));
  const rows = reports.map((r) => {
    const worst = worstFeature(r);
    return h(
      "tr",
      {},
      h("th", { scope: "row" }, r.batch),
      h("td", {}, spanText(r.from, r.to)),
      h("td", { class: "num" }, formatCount(r.predictions)),
      h("td", { class: "num" }, formatPercent(r.predictions === 0 ? null : r.errors / r.predictions)),
      h("td", {}, r.drift === null ? "no baseline" : h("span", { class: `status status-${r.drift.status}` }, r.drift.status.replace("_", " "))),
      h("td", {}, worst),
      h("td", { class: "num" }, r.accuracy === null ? "–" : r.accuracy.accuracy !== null ? formatPercent(r.accuracy.accuracy) : `MAE ${formatNumber(r.accuracy.mae)}`),
      h("td", { class: "num" }, formatCount(r.pairs)),
    );
  });
  parent.append(
    section(
      "batches",
      "Batches",
      h("p", { class: "hint" }, `The latest ${reports.length} batches of version ${ctx.version} (ml.batch.id), each against the version's baseline as a whole.`),
      h(
        "div",
        scrollBox("Batches"),
        h(
          "table",
          {},
          h("thead", {}, h("tr", {}, ...["batch", "span (UTC)", "predictions", "errors", "drift", "worst feature", "accuracy", "actuals"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", {}, ...rows),
        ),
      ),
    ),
  );
}

/** The feature whose status is worst, with its deciding method's value ("income psi 0.31"). */
function worstFeature(report: BatchReport): string {
  const rank: Record<string, number> = { no_data: 0, ok: 1, warn: 2, alert: 3 };
  let worst: BatchSeriesDrift | null = null;
  for (const f of report.drift?.features ?? []) if (worst === null || (rank[f.status] ?? 0) > (rank[worst.status] ?? 0)) worst = f;
  if (worst === null) return "–";
  const value = worst.methods.find((m) => m.method === worst.statusMethod)?.value ?? null;
  return `${worst.name} ${worst.statusMethod} ${formatNumber(value)}`;
}

/** "2026-11-30 02:00 – 02:29", the date once when both ends share it. */
function spanText(fromIso: string, toIso: string): string {
  const from = fromIso.slice(0, 16).replace("T", " ");
  const to = toIso.slice(0, 16).replace("T", " ");
  return from.slice(0, 10) === to.slice(0, 10) ? `${from} – ${to.slice(11)}` : `${from} – ${to}`;
}

/**
 * The model page: filters (range, version, segment), then health, drift, the selected feature,
 * accuracy, batches (when the version has any), champion and challengers, alerts. Each section loads on its own, so a slow or
 * failing one never blanks the others: a failure shows what failed in its own place.
 */
import { getJson, promString } from "../api.ts";
import { h, notice, replaceChildren } from "../dom.ts";
import { formatAgo } from "../format.ts";
import { formatRoute, RANGES } from "../router.ts";
import { renderAccuracy } from "../sections/accuracy.ts";
import { renderAlerts } from "../sections/alerts.ts";
import { renderBatches } from "../sections/batches.ts";
import { renderCompare } from "../sections/compare.ts";
import { renderDriftTable } from "../sections/drift-table.ts";
import { renderFeature } from "../sections/feature.ts";
import { renderHealth } from "../sections/health.ts";
import { championOf, modelContext } from "./model-context.ts";
import type { Route } from "../router.ts";
import type { ModelSummary } from "../types.ts";
import type { ModelContext } from "./model-context.ts";

type ModelRoute = Extract<Route, { page: "model" }>;

/** Loads and renders one model into `main`. */
export async function renderModel(main: HTMLElement, route: ModelRoute): Promise<void> {
  replaceChildren(main, h("h1", {}, route.model), notice("loading", "Loading…"));
  const path = `/api/models/${encodeURIComponent(route.model)}`;
  const [summary, segments] = await Promise.all([getJson<ModelSummary>(`GET ${path}`, path), segmentsOf(route.model)]);
  const version = route.version !== null && summary.versions.some((v) => v.version === route.version) ? route.version : championOf(summary);
  if (version === null) {
    replaceChildren(main, h("h1", {}, route.model), notice("empty", "This model has no version with data yet: its baseline or alert rules exist, but no prediction arrived. Send predictions with ml.model.version set."));
    return;
  }
  const ctx = modelContext(summary, { ...route, version }, Date.now());
  const sections = h("div", { class: "sections" });
  replaceChildren(main, h("p", { class: "crumbs" }, h("a", { href: "#/" }, "Models"), " / ", route.model), h("h1", {}, route.model), filters(ctx, summary, segments), sections);
  // Sections draw in page order; each loads in parallel and reports its own failure.
  const slots = [renderHealth, renderDriftTable, renderFeature, renderAccuracy, renderBatches, renderCompare, renderAlerts].map((render) => {
    const slot = h("div", {});
    sections.append(slot);
    return render(slot, ctx).catch((error: Error) => {
      slot.append(notice("error", error.message));
    });
  });
  await Promise.all(slots);
}

/** Segment attribute values the model has, as (name, value) pairs from the series API. */
async function segmentsOf(model: string): Promise<{ name: string; value: string }[]> {
  const answer = await getJson<{ data: Record<string, string>[] }>("segments", "/api/v1/series", { "match[]": `driftline_predictions_total{model=${promString(model)}, segment!=""}` });
  const pairs = new Map<string, { name: string; value: string }>();
  for (const labels of answer.data) pairs.set(`${labels.segment}=${labels.segment_value}`, { name: labels.segment, value: labels.segment_value });
  return [...pairs.values()].sort((a, b) => a.name.localeCompare(b.name) || a.value.localeCompare(b.value));
}

function filters(ctx: ModelContext, summary: ModelSummary, segments: { name: string; value: string }[]): HTMLElement {
  const go = (change: Partial<ModelRoute>) => {
    const next: ModelRoute = { page: "model", model: ctx.model, range: ctx.range, version: ctx.version, segment: ctx.segment, feature: ctx.feature, ...change };
    location.hash = formatRoute(next);
  };
  const select = (id: string, label: string, options: { value: string; text: string }[], current: string, onChange: (value: string) => void) =>
    h(
      "div",
      { class: "field" },
      h("label", { for: id }, label),
      h("select", { id, onchange: (e: Event) => onChange((e.target as HTMLSelectElement).value) }, ...options.map((o) => h("option", { value: o.value, selected: o.value === current }, o.text))),
    );
  const lastSeen = summary.versions.find((v) => v.version === ctx.version)?.lastSeen ?? null;
  return h(
    "form",
    { class: "filters", "aria-label": "Filters", onsubmit: (e: Event) => e.preventDefault() },
    select("range", "Time range", Object.keys(RANGES).map((r) => ({ value: r, text: `last ${r}` })), ctx.range, (range) => go({ range: range as ModelRoute["range"] })),
    select("version", "Version", summary.versions.map((v) => ({ value: v.version, text: v.version })), ctx.version, (version) => go({ version })),
    select(
      "segment",
      "Segment",
      [{ value: "", text: "whole model" }, ...segments.map((s) => ({ value: `${s.name}=${s.value}`, text: `${s.name} = ${s.value}` }))],
      ctx.segment === null ? "" : `${ctx.segment.name}=${ctx.segment.value}`,
      (value) => {
        const eq = value.indexOf("=");
        go({ segment: eq < 1 ? null : { name: value.slice(0, eq), value: value.slice(eq + 1) } });
      },
    ),
    h("p", { class: "hint" }, `Version ${ctx.version} last seen ${formatAgo(lastSeen)}. Drift, accuracy and versions over the last ${ctx.window}.`),
  );
}

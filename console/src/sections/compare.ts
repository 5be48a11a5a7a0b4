/**
 * Champion against challengers: every version side by side over the window, from
 * GET /api/models/:model/compare (the same figures as the service-health dashboard's row).
 * The champion is the version that served the most predictions (docs/console.md).
 */
import { getJson } from "../api.ts";
import { h, notice, section, scrollBox } from "../dom.ts";
import { formatCount, formatNumber, formatPercent, formatSecondsAsMs } from "../format.ts";
import type { ModelContext } from "../pages/model-context.ts";
import type { CompareReport } from "../types.ts";

/** Renders the comparison section; resolves once drawn. */
export async function renderCompare(parent: HTMLElement, ctx: ModelContext): Promise<void> {
  const body = h("div", {});
  parent.append(section("compare", "Champion and challengers", h("p", { class: "hint" }, `Every version over the last ${ctx.window}, whole model (GET /api/models/${ctx.model}/compare).`), body));
  const report = await getJson<CompareReport>("compare versions", `/api/models/${encodeURIComponent(ctx.model)}/compare`, { window: ctx.window });
  if (report.versions.length === 0) {
    body.append(notice("empty", "No version has sent predictions yet."));
    return;
  }
  const champion = [...report.versions].sort((a, b) => b.predictions - a.predictions)[0].version;
  const metrics = [...new Set(report.versions.flatMap((v) => Object.keys(v.accuracy ?? {})))].sort();
  body.append(
    h(
      "div",
      scrollBox("Versions"),
      h(
        "table",
        { class: "data", id: "compare-table" },
        h("caption", {}, `Versions of ${ctx.model} over the last ${report.window}`),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Version", "Role", "Predictions", "Per minute", "Error rate", "p50", "p90", "p99", "Drift"].map((t) => h("th", { scope: "col" }, t)),
            ...metrics.map((m) => h("th", { scope: "col" }, m)),
          ),
        ),
        h(
          "tbody",
          {},
          ...report.versions.map((v) =>
            h(
              "tr",
              { "data-version": v.version },
              h("th", { scope: "row" }, v.version),
              h("td", {}, v.version === champion ? h("span", { class: "tag" }, "champion") : "challenger"),
              h("td", { class: "num", "data-col": "predictions" }, formatCount(v.predictions)),
              h("td", { class: "num", "data-col": "per-minute" }, formatNumber(v.predictionsPerSecond * 60)),
              h("td", { class: "num" }, formatPercent(v.errorRatio)),
              h("td", { class: "num" }, formatSecondsAsMs(v.latencySeconds?.p50)),
              h("td", { class: "num" }, formatSecondsAsMs(v.latencySeconds?.p90)),
              h("td", { class: "num" }, formatSecondsAsMs(v.latencySeconds?.p99)),
              h("td", {}, v.drift === null ? h("span", { class: "muted" }, "no baseline") : h("span", { class: `status status-${v.drift.status}` }, v.drift.status.replace("_", " "))),
              ...metrics.map((m) => h("td", { class: "num", "data-metric": m }, formatNumber(v.accuracy?.[m] ?? null))),
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * The model's alert rules with their state, and the delivery log of their notifications,
 * newest first (GET /api/models/:model/alerts and …/alerts/:name/deliveries, docs/alerts.md).
 */
import { getJson } from "../api.ts";
import { command, h, notice, section, scrollBox } from "../dom.ts";
import { formatNumber } from "../format.ts";
import type { ModelContext } from "../pages/model-context.ts";
import type { DeliveryView, RuleView } from "../types.ts";

/** Rows of the delivery log shown: the newest across every rule. */
const MAX_DELIVERIES_SHOWN = 25;

function condition(rule: RuleView["rule"]): string {
  const parts = [rule.kind];
  if (rule.version) parts.push(`version ${rule.version}`);
  if (rule.feature) parts.push(`feature ${rule.feature}`);
  if (rule.method) parts.push(rule.method);
  // A PromQL rule (docs/alerts.md): its expression is its condition.
  if (rule.expr) parts.push(rule.expr);
  if (rule.metric) parts.push(rule.metric);
  if (rule.window) parts.push(`over ${rule.window}`);
  if (rule.threshold !== undefined) parts.push(`threshold ${rule.threshold}`);
  if (rule.for) parts.push(`for ${rule.for}`);
  return parts.join(", ");
}

/** Renders the alerts section; resolves once drawn. */
export async function renderAlerts(parent: HTMLElement, ctx: ModelContext): Promise<void> {
  const body = h("div", {});
  parent.append(section("alerts", "Alerts", body));
  const base = `/api/models/${encodeURIComponent(ctx.model)}/alerts`;
  const { alerts } = await getJson<{ alerts: RuleView[] }>("alert rules", base);
  if (alerts.length === 0) {
    body.append(
      notice(
        "empty",
        h("p", {}, "No alert rules for this model. Create one with an ingest token (docs/alerts.md), for example:"),
        command(`curl -X PUT -H "Authorization: Bearer <ingest token>" -H "Content-Type: application/json" \\\n  ${location.origin}${base}/drift-psi -d '{"kind": "drift", "version": "${ctx.version}", "feature": "<feature>", "method": "psi", "window": "1h", "threshold": 0.2}'`),
      ),
    );
    return;
  }
  const logs = await Promise.all(alerts.map(async (r) => (await getJson<{ deliveries: DeliveryView[] }>(`deliveries of ${r.name}`, `${base}/${encodeURIComponent(r.name)}/deliveries`)).deliveries.map((d) => ({ rule: r.name, ...d }))));
  const deliveries = logs
    .flat()
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
    .slice(0, MAX_DELIVERIES_SHOWN);
  body.append(
    h(
      "div",
      scrollBox("Alert rules"),
      h(
        "table",
        { class: "data", id: "rules-table" },
        h("caption", {}, "Alert rules and their state"),
        h("thead", {}, h("tr", {}, ...["Rule", "Condition", "State", "Value", "Health"].map((t) => h("th", { scope: "col" }, t)))),
        h(
          "tbody",
          {},
          ...alerts.map((r) =>
            h(
              "tr",
              { "data-rule": r.name },
              h("th", { scope: "row" }, r.name),
              h("td", {}, condition(r.rule)),
              h("td", {}, h("span", { class: `status status-${r.state.status === "firing" ? "alert" : r.state.status === "pending" ? "warn" : "ok"}` }, r.state.status)),
              h("td", { class: "num" }, formatNumber(r.state.value)),
              h("td", {}, r.state.health === "err" ? `error: ${r.state.lastError ?? "unknown"}` : r.state.health),
            ),
          ),
        ),
      ),
    ),
    h("h3", {}, "Delivery log"),
    deliveries.length === 0
      ? notice("empty", "No notification sent yet: one goes to each receiver when a rule fires or resolves.")
      : h(
          "div",
          scrollBox("Delivery log"),
          h(
            "table",
            { class: "data", id: "deliveries-table" },
            h("caption", {}, `The ${deliveries.length} newest deliveries, newest first`),
            h("thead", {}, h("tr", {}, ...["Time", "Rule", "Receiver", "Event", "Attempt", "Outcome", "HTTP", "Error"].map((t) => h("th", { scope: "col" }, t)))),
            h(
              "tbody",
              {},
              ...deliveries.map((d) =>
                h("tr", {}, h("td", {}, new Date(d.at).toLocaleString()), h("td", {}, d.rule), h("td", {}, d.receiverType), h("td", {}, d.event), h("td", { class: "num" }, String(d.attempt)), h("td", {}, d.outcome), h("td", { class: "num" }, d.httpStatus === null ? "–" : String(d.httpStatus)), h("td", {}, d.error ?? "")),
              ),
            ),
          ),
        ),
  );
}

import { describe, expect, it } from "vitest";
import { alertmanagerAlert, pagerDutyEvent, renderDelivery } from "./deliveries.ts";
import { AlertRuleError } from "./errors.ts";
import { notificationOf, seriesNotificationOf } from "./messages.ts";
import type { Notification } from "./messages.ts";
import { publicReceiver } from "./receivers.ts";
import { parseRule } from "./rule.ts";
import { initialState } from "./state.ts";
import { stepSeries } from "./series-alerts.ts";

const LIMITS = { minIntervalMs: 60_000, maxNameLength: 128, baseUrl: "https://driftline.example", receivers: { allowLoopback: false, ownHost: "driftline.example" } };
const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);

function ruleWith(receivers: unknown[], labels: Record<string, string> = {}) {
  return parseRule("income-drift", "credit", { kind: "drift", version: "v1", feature: "income", method: "psi", window: "5m", threshold: 0.2, resolveThreshold: 0.1, labels, receivers }, LIMITS);
}

function notification(status: "firing" | "resolved", labels: Record<string, string> = {}): Notification {
  const rule = ruleWith([], labels);
  const state = { ...initialState(), status, value: status === "firing" ? 0.31 : 0.05, firingSinceMs: T0, lastEvaluationMs: T0 + 600_000, resolvedAtMs: status === "resolved" ? T0 + 600_000 : null };
  return notificationOf(rule, state, status);
}

/** PagerDuty Events API v2, as its documentation states the request schema. */
function checkPagerDutySchema(event: Record<string, unknown>): void {
  expect(typeof event.routing_key).toBe("string");
  expect(["trigger", "acknowledge", "resolve"]).toContain(event.event_action);
  expect(typeof event.dedup_key).toBe("string");
  expect((event.dedup_key as string).length).toBeLessThanOrEqual(255);
  if (event.event_action !== "trigger") return;
  const payload = event.payload as Record<string, unknown>;
  expect(typeof payload.summary).toBe("string");
  expect((payload.summary as string).length).toBeLessThanOrEqual(1024);
  expect(typeof payload.source).toBe("string");
  expect(["critical", "error", "warning", "info"]).toContain(payload.severity);
  expect(Number.isNaN(Date.parse(payload.timestamp as string))).toBe(false);
  for (const key of Object.keys(payload)) expect(["summary", "source", "severity", "timestamp", "component", "group", "class", "custom_details"]).toContain(key);
  for (const key of Object.keys(event)) expect(["routing_key", "event_action", "dedup_key", "payload", "images", "links", "client", "client_url"]).toContain(key);
}

describe("Alertmanager deliveries", () => {
  it("posts one alert to /api/v2/alerts with the labels, annotations, times and generatorURL Prometheus sends", async () => {
    const rule = ruleWith([{ type: "alertmanager", url: "http://am.example:9093/", auth: { basic: { username: "u", password: "p" } } }], { team: "risk", severity: "critical" });
    const firing = notificationOf(rule, { ...initialState(), status: "firing", value: 0.31, firingSinceMs: T0, lastEvaluationMs: T0 }, "firing");
    const delivery = await renderDelivery(rule.receivers[0], firing, { deliveryId: "7", nowMs: T0, intervalMs: 60_000 });
    expect(delivery.url).toBe("http://am.example:9093/api/v2/alerts");
    expect(delivery.headers.Authorization).toBe(`Basic ${btoa("u:p")}`);
    const [alert] = JSON.parse(delivery.body);
    expect(alert).toEqual({
      labels: { alertname: "income-drift", model: "credit", version: "v1", feature: "income", method: "psi", team: "risk", severity: "critical" },
      annotations: { summary: firing.summary, description: `${firing.summary}. Query: ${firing.query}` },
      startsAt: new Date(T0).toISOString(),
      // Valid for four evaluations (at least four minutes), so a dead sender's alert resolves by itself.
      endsAt: new Date(T0 + 4 * 60_000).toISOString(),
      generatorURL: "https://driftline.example/api/models/credit/alerts/income-drift",
    });
  });

  it("sets endsAt to the resolution time once resolved, and labels a rule without severity a warning", () => {
    const resolved = notification("resolved");
    const alert = alertmanagerAlert(resolved, { nowMs: T0 + 700_000, intervalMs: 60_000 });
    expect(alert.endsAt).toBe(new Date(T0 + 600_000).toISOString());
    expect(alert.labels.severity).toBe("warning");
  });
});

describe("PagerDuty deliveries", () => {
  it("triggers with the documented Events API v2 schema and a dedup_key stable per alert", () => {
    const trigger = pagerDutyEvent(notification("firing", { severity: "critical" }), "R0UT1NGK3Y");
    checkPagerDutySchema(trigger);
    expect(trigger).toMatchObject({
      routing_key: "R0UT1NGK3Y",
      event_action: "trigger",
      dedup_key: "driftline/credit/income-drift",
      payload: { severity: "critical", source: "driftline/credit", component: "credit", group: "v1", class: "drift", timestamp: new Date(T0).toISOString() },
      links: [{ href: "https://driftline.example/api/models/credit/alerts/income-drift", text: "Driftline alert rule" }],
    });
  });

  it("resolves with the same dedup_key and nothing else", () => {
    const resolve = pagerDutyEvent(notification("resolved"), "R0UT1NGK3Y");
    checkPagerDutySchema(resolve);
    expect(resolve).toEqual({ routing_key: "R0UT1NGK3Y", event_action: "resolve", dedup_key: "driftline/credit/income-drift" });
  });

  it("maps severity labels onto PagerDuty's four severities, warning by default", () => {
    const severityOf = (label?: string) => (pagerDutyEvent(notification("firing", label === undefined ? {} : { severity: label }), "k0123456789").payload as { severity: string }).severity;
    expect([severityOf("page"), severityOf("error"), severityOf("info"), severityOf("whatever"), severityOf()]).toEqual(["critical", "error", "info", "warning", "warning"]);
  });
});

describe("templated webhooks (CI/CD and retraining triggers)", () => {
  it("calls a GitHub repository_dispatch with the body docs/alerts.md shows", async () => {
    const rule = ruleWith([
      {
        type: "template",
        url: "https://api.github.com/repos/acme/models/dispatches",
        headers: { Authorization: "Bearer ghp_example", Accept: "application/vnd.github+json" },
        body: '{"event_type":"driftline-{{status}}","client_payload":{"model":"{{model}}","version":"{{version}}","rule":"{{rule}}","value":{{value}},"threshold":{{threshold}},"link":"{{link}}"}}',
      },
    ]);
    const delivery = await renderDelivery(rule.receivers[0], notification("firing"), { deliveryId: "12", nowMs: T0, intervalMs: 60_000 });
    expect(delivery.headers).toEqual({ Authorization: "Bearer ghp_example", Accept: "application/vnd.github+json", "Content-Type": "application/json", "Driftline-Delivery": "12" });
    expect(delivery.body).toBe('{"event_type":"driftline-firing","client_payload":{"model":"credit","version":"v1","rule":"income-drift","value":0.31,"threshold":0.2,"link":"https://driftline.example/api/models/credit/alerts/income-drift"}}');
  });

  it("triggers a GitLab pipeline with the token kept write-only, and a Jenkins job with a form body", async () => {
    const gitlab = ruleWith([{ type: "template", url: "https://gitlab.example/api/v4/projects/42/trigger/pipeline", secret: "glptt-0123456789", body: '{"token":"{{secret}}","ref":"main","variables":{"DRIFTLINE_MODEL":"{{model}}","DRIFTLINE_STATUS":"{{status}}"}}' }]).receivers[0];
    expect((await renderDelivery(gitlab, notification("firing"), { deliveryId: "1", nowMs: T0, intervalMs: 60_000 })).body).toBe('{"token":"glptt-0123456789","ref":"main","variables":{"DRIFTLINE_MODEL":"credit","DRIFTLINE_STATUS":"firing"}}');
    expect(JSON.stringify(publicReceiver(gitlab))).not.toContain("glptt-0123456789");
    const jenkins = ruleWith([{ type: "template", url: "https://jenkins.example/job/retrain/buildWithParameters", contentType: "application/x-www-form-urlencoded", headers: { Authorization: "Basic dXNlcjp0b2tlbg==" }, body: "MODEL={{model}}&SUMMARY={{summary}}" }]).receivers[0];
    const form = await renderDelivery(jenkins, notification("firing"), { deliveryId: "1", nowMs: T0, intervalMs: 60_000 });
    expect(new URLSearchParams(form.body).get("SUMMARY")).toBe(notification("firing").summary);
    expect(JSON.stringify(publicReceiver(jenkins))).not.toContain("dXNlcjp0b2tlbg==");
    expect(publicReceiver(jenkins).headers).toEqual(["Authorization"]);
  });

  it("escapes values inside JSON strings, so a quote in a summary cannot break the body", async () => {
    const rule = ruleWith([{ type: "template", url: "https://hooks.example/x", body: '{"text":"{{summary}}"}' }]);
    const tricky = { ...notification("firing"), summary: 'a "quoted" \\ line\nbreak' };
    expect(JSON.parse((await renderDelivery(rule.receivers[0], tricky, { deliveryId: "1", nowMs: T0, intervalMs: 60_000 })).body)).toEqual({ text: tricky.summary });
  });

  it("refuses a template that is not JSON once filled, an unknown placeholder, and a forbidden header, naming each", () => {
    const refusal = (receiver: unknown) => {
      try {
        ruleWith([receiver]);
      } catch (error) {
        if (error instanceof AlertRuleError) return error.message;
        throw error;
      }
      return "accepted";
    };
    expect(refusal({ type: "template", url: "https://h.example", body: '{"model":{{model}}}' })).toMatch(/not JSON once its placeholders are filled/);
    expect(refusal({ type: "template", url: "https://h.example", body: '{"x":"{{colour}}"}' })).toMatch(/\{\{colour\}\}, which is not a placeholder/);
    expect(refusal({ type: "template", url: "https://h.example", body: "{}", headers: { Host: "evil" } })).toMatch(/"Host" is not a header a template may set/);
  });
});

describe("receiver secrets", () => {
  it("never shows a routing key, credentials or a webhook secret in a read", () => {
    const rule = ruleWith([
      { type: "pagerduty", routingKey: "R0UT1NGK3Y-secret" },
      { type: "alertmanager", url: "https://am.example", auth: { bearer: "am-token-secret" } },
      { type: "webhook", url: "https://h.example", secret: "whsec-0123456789abcdef" },
    ]);
    const shown = JSON.stringify(rule.receivers.map(publicReceiver));
    for (const secret of ["R0UT1NGK3Y-secret", "am-token-secret", "whsec-0123456789abcdef"]) expect(shown).not.toContain(secret);
    // URLs masked too (issue 11, item 8): scheme, host and the last characters of a long path.
    expect(rule.receivers.map(publicReceiver).map((r) => r.url)).toEqual(["https://events.pagerduty.com/…", "https://am.example/…", "https://h.example/…"]);
  });
});

describe("deliveries of a PromQL rule's alerts, one per output series", () => {
  const rule = parseRule("ErrorsPerVersion", "credit", { kind: "promql", expr: "sum by (version) (rate(driftline_prediction_errors_total[5m])) > 1", labels: { severity: "critical" }, annotations: { summary: "{{ $labels.version }} errs at {{ $value }}/s" } }, LIMITS);
  const step = stepSeries({ ...rule, keepFiringForMs: 0 }, [], [{ labels: { version: "v1" }, value: 2.5 }, { labels: { version: "v2" }, value: 4 }], T0);
  if ("error" in step) throw new Error(step.error);
  const [v1, v2] = step.alerts.map((alert) => seriesNotificationOf(rule, alert, "firing", T0));

  it("gives each alert its own PagerDuty dedup_key, so each is its own incident", () => {
    const [a, b] = [pagerDutyEvent(v1, "rk"), pagerDutyEvent(v2, "rk")];
    checkPagerDutySchema(a);
    expect(a.dedup_key).toMatch(/^driftline\/credit\/ErrorsPerVersion\/[0-9a-f]{16}$/);
    expect(a.dedup_key).not.toBe(b.dedup_key);
    expect(pagerDutyEvent({ ...v1, status: "resolved" }, "rk")).toEqual({ routing_key: "rk", event_action: "resolve", dedup_key: a.dedup_key });
    expect((a.payload as { severity: string; summary: string })).toMatchObject({ severity: "critical", summary: "v1 errs at 2.5/s" });
  });

  it("sends Alertmanager the series' labels and exactly the templated annotations, as Prometheus does", () => {
    expect(alertmanagerAlert(v2, { nowMs: T0, intervalMs: 60_000 })).toEqual({
      labels: { version: "v2", severity: "critical", alertname: "ErrorsPerVersion", model: "credit" },
      annotations: { summary: "v2 errs at 4/s" },
      startsAt: new Date(T0).toISOString(),
      endsAt: new Date(T0 + 240_000).toISOString(),
      generatorURL: "https://driftline.example/api/models/credit/alerts/ErrorsPerVersion",
    });
  });
});

import { describe, expect, it } from "vitest";
import { notificationOf, slackBody, webhookBody } from "./messages.ts";
import { parseRule } from "./rule.ts";
import { initialState, step } from "./state.ts";

const rule = parseRule(
  "income-drift",
  "credit",
  { kind: "drift", version: "v1", feature: "income", window: "5m", threshold: 0.2, resolveThreshold: 0.1, labels: { team: "risk" }, annotations: { runbook: "https://wiki.test/<drift>" } },
  { minIntervalMs: 60_000, maxNameLength: 128, receivers: { allowLoopback: false, ownHost: "driftline.example.com" } },
);

describe("notification messages", () => {
  it("carries status, labels, value, bounds and times in the webhook body", () => {
    const fired = step(rule, initialState(), { value: 0.4321 }, Date.UTC(2026, 0, 1, 12, 0)).state;
    const body = JSON.parse(webhookBody(notificationOf(rule, fired, "firing")));
    expect(body).toMatchObject({
      version: "1",
      status: "firing",
      repeat: false,
      model: "credit",
      rule: "income-drift",
      labels: { alertname: "income-drift", model: "credit", version: "v1", feature: "income", method: "psi", team: "risk" },
      value: 0.4321,
      threshold: 0.2,
      startsAt: "2026-01-01T12:00:00.000Z",
      endsAt: null,
      summary: "credit v1: psi drift of income over 5m is 0.4321 (> 0.2)",
    });
    const resolved = step(rule, fired, { value: 0.05 }, Date.UTC(2026, 0, 1, 12, 5)).state;
    expect(JSON.parse(webhookBody(notificationOf(rule, resolved, "resolved")))).toMatchObject({ status: "resolved", endsAt: "2026-01-01T12:05:00.000Z", startsAt: "2026-01-01T12:00:00.000Z", summary: "credit v1: psi drift of income over 5m is 0.05 (<= 0.1)" });
  });

  it("writes Slack's { text } with its control characters escaped, and marks reminders", () => {
    const fired = step(rule, initialState(), { value: 0.5 }, 0).state;
    const slack = JSON.parse(slackBody(notificationOf(rule, fired, "repeat")));
    expect(Object.keys(slack)).toEqual(["text"]);
    expect(slack.text).toContain("*FIRING* (still) income-drift: credit v1: psi drift of income over 5m is 0.5 (&gt; 0.2)");
    expect(slack.text).toContain("*runbook*: https://wiki.test/&lt;drift&gt;");
  });
});

import { describe, expect, it } from "vitest";
import { MAX_ALERTS_PER_RULE, RESOLVED_RETENTION_MS, stepSeries } from "./series-alerts.ts";
import type { OutputSample, SeriesAlert, SeriesStepRule } from "./series-alerts.ts";

const MIN = 60_000;
const rule: SeriesStepRule = {
  name: "drifting", model: "credit", forMs: 2 * MIN, keepFiringForMs: 0, repeatIntervalMs: 60 * MIN,
  labels: { severity: "page", where: "{{ $labels.feature }}" },
  annotations: { summary: "{{ $labels.feature }} drift is {{ $value }}" },
};
const income = (value: number): OutputSample => ({ labels: { __name__: "driftline_feature_drift", model: "credit", feature: "income" }, value });
const age = (value: number): OutputSample => ({ labels: { __name__: "driftline_feature_drift", model: "credit", feature: "age" }, value });

/** Runs evaluations at minutes 0, 1, 2, … over the outputs given, returning each step's statuses and events. */
function run(r: SeriesStepRule, outputs: OutputSample[][]) {
  let alerts: SeriesAlert[] = [];
  return outputs.map((output, minute) => {
    const step = stepSeries(r, alerts, output, minute * MIN);
    if ("error" in step) throw new Error(step.error);
    alerts = step.alerts;
    return { statuses: Object.fromEntries(alerts.map((a) => [a.labels.feature, a.status])), events: step.events.map((e) => `${e.event}:${e.alert.labels.feature}`) };
  });
}

describe("PromQL rule alerts, one per output series (Prometheus' alerting-rule semantics)", () => {
  it("keeps a separate pending, firing and resolved state for each output series", () => {
    const steps = run(rule, [[income(0.3)], [income(0.3), age(0.4)], [income(0.3), age(0.4)], [age(0.4)], [age(0.4)], []]);
    expect(steps.map((s) => s.statuses)).toEqual([
      { income: "pending" },
      { income: "pending", age: "pending" },
      { income: "firing", age: "pending" },
      { income: "inactive", age: "firing" },
      { income: "inactive", age: "firing" },
      { income: "inactive", age: "inactive" },
    ]);
    expect(steps.map((s) => s.events)).toEqual([[], [], ["firing:income"], ["firing:age", "resolved:income"], ["refresh:age"], ["resolved:age"]]);
  });

  it("drops a pending alert whose series leaves the output before `for` has passed, without a notification", () => {
    const steps = run(rule, [[income(0.3)], [], [income(0.3)]]);
    expect(steps.map((s) => s.statuses)).toEqual([{ income: "pending" }, {}, { income: "pending" }]);
    expect(steps.flatMap((s) => s.events)).toEqual([]);
  });

  it("fires at the first evaluation with for: 0s", () => {
    expect(run({ ...rule, forMs: 0 }, [[income(1)]])[0]).toEqual({ statuses: { income: "firing" }, events: ["firing:income"] });
  });

  it("keeps a firing alert firing for keep_firing_for after its series left the output", () => {
    const steps = run({ ...rule, forMs: 0, keepFiringForMs: 2 * MIN }, [[income(1)], [], [], [], [income(1)]]);
    expect(steps.map((s) => s.statuses.income)).toEqual(["firing", "firing", "firing", "inactive", "firing"]);
    expect(steps[4].events).toEqual(["firing:income"]);
    expect(steps[3].events).toEqual(["resolved:income"]);
  });

  it("labels each alert with the series' labels, the templated rule labels and alertname, and templates annotations", () => {
    const step = stepSeries(rule, [], [income(0.31)], 0);
    if ("error" in step) throw new Error(step.error);
    expect(step.alerts[0].labels).toEqual({ model: "credit", feature: "income", severity: "page", where: "income", alertname: "drifting" });
    expect(step.alerts[0].annotations).toEqual({ summary: "income drift is 0.31" });
    expect(step.alerts[0].fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it("adds the rule's model when the expression aggregated it away", () => {
    const step = stepSeries(rule, [], [{ labels: {}, value: 2 }], 0);
    if ("error" in step) throw new Error(step.error);
    expect(step.alerts[0].labels).toEqual({ model: "credit", severity: "page", alertname: "drifting" });
  });

  it("refuses two series that have the same labels once __name__ is dropped, as Prometheus does", () => {
    const twin = { labels: { ...income(1).labels, __name__: "driftline_other" }, value: 1 };
    expect(stepSeries(rule, [], [income(1), twin], 0)).toEqual({ error: "vector contains metrics with the same labelset after applying alert labels" });
  });

  it("refuses an output of more than MAX_ALERTS_PER_RULE series, naming the limit", () => {
    const many = Array.from({ length: MAX_ALERTS_PER_RULE + 1 }, (_, i) => ({ labels: { feature: `f${i}` }, value: 1 }));
    expect(stepSeries(rule, [], many, 0)).toEqual({ error: expect.stringContaining("MAX_ALERTS_PER_RULE") });
  });

  it("sends a reminder every repeatInterval while firing and forgets a resolved alert after 15 minutes", () => {
    const r = { ...rule, forMs: 0, repeatIntervalMs: 2 * MIN };
    const steps = run(r, [[income(1)], [income(1)], [income(1)], []]);
    expect(steps.map((s) => s.events)).toEqual([["firing:income"], ["refresh:income"], ["repeat:income"], ["resolved:income"]]);
    let alerts: SeriesAlert[] = [];
    for (const [output, t] of [[[income(1)], 0], [[], MIN], [[], MIN + RESOLVED_RETENTION_MS + 1]] as const) {
      const step = stepSeries(r, alerts, output, t);
      if ("error" in step) throw new Error(step.error);
      alerts = step.alerts;
    }
    expect(alerts).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { AlertStatus, initialState, step } from "./state.ts";
import type { AlertState, NotificationEvent, Reading, StepRule } from "./state.ts";

const MIN = 60_000;
const drift: StepRule = { kind: "drift", threshold: 0.2, resolveThreshold: 0.1, forMs: 2 * MIN, repeatIntervalMs: 10 * MIN };

/** Runs readings one per minute from t = 0; returns each state and notification. */
function run(rule: StepRule, values: (number | null | { error: string })[]): { status: string; notify: NotificationEvent | null }[] {
  let state: AlertState = initialState();
  return values.map((v, i) => {
    const reading: Reading = v !== null && typeof v === "object" ? v : { value: v };
    const out = step(rule, state, reading, i * MIN);
    state = out.state;
    return { status: state.status, notify: out.notify };
  });
}

describe("alert state machine", () => {
  it("goes ok → pending → firing only after the condition held for `for`, notifying once", () => {
    const steps = run(drift, [0.05, 0.3, 0.3, 0.3, 0.3]);
    expect(steps.map((s) => s.status)).toEqual(["ok", "pending", "pending", "firing", "firing"]);
    expect(steps.map((s) => s.notify)).toEqual([null, null, null, "firing", null]);
  });

  it("drops from pending back to ok when the condition stops holding, without notifying", () => {
    const steps = run(drift, [0.3, 0.3, 0.05, 0.3]);
    expect(steps.map((s) => s.status)).toEqual(["pending", "pending", "ok", "pending"]);
    expect(steps.every((s) => s.notify === null)).toBe(true);
  });

  it("fires at the first breach when `for` is zero", () => {
    expect(run({ ...drift, forMs: 0 }, [0.3])).toEqual([{ status: "firing", notify: "firing" }]);
  });

  it("keeps firing while the value sits between the resolve threshold and the threshold (hysteresis)", () => {
    const steps = run({ ...drift, forMs: 0 }, [0.3, 0.15, 0.12, 0.1]);
    expect(steps.map((s) => s.status)).toEqual(["firing", "firing", "firing", "resolved"]);
    expect(steps.map((s) => s.notify)).toEqual(["firing", null, null, "resolved"]);
  });

  it("resolves once, then returns to ok at the next evaluation", () => {
    const steps = run({ ...drift, forMs: 0 }, [0.3, 0.01, 0.01]);
    expect(steps.map((s) => [s.status, s.notify])).toEqual([["firing", "firing"], ["resolved", "resolved"], ["ok", null]]);
  });

  it("sends a reminder every repeat interval while firing", () => {
    const rule = { ...drift, forMs: 0, repeatIntervalMs: 3 * MIN };
    const steps = run(rule, Array(8).fill(0.5));
    expect(steps.map((s) => s.notify)).toEqual(["firing", null, null, "repeat", null, null, "repeat", null]);
  });

  it("treats an empty window as no breach: a firing alert resolves when the data stops", () => {
    const steps = run({ ...drift, forMs: 0 }, [0.3, null]);
    expect(steps.map((s) => s.notify)).toEqual(["firing", "resolved"]);
  });

  it("fires below the threshold for accuracy, and resolves above the resolve threshold", () => {
    const accuracy: StepRule = { kind: "accuracy", threshold: 0.8, resolveThreshold: 0.85, forMs: 0, repeatIntervalMs: 60 * MIN };
    const steps = run(accuracy, [0.9, 0.7, 0.82, 0.86]);
    expect(steps.map((s) => s.status)).toEqual(["ok", "firing", "firing", "resolved"]);
  });

  it("keeps the state and reports health err when the reading fails", () => {
    let state = step({ ...drift, forMs: 0 }, initialState(), { value: 0.5 }, 0).state;
    const out = step(drift, state, { error: "no baseline" }, MIN);
    state = out.state;
    expect([state.status, state.health, state.lastError, out.notify]).toEqual([AlertStatus.firing, "err", "no baseline", null]);
    expect(step(drift, state, { value: 0.5 }, 2 * MIN).state.health).toBe("ok");
  });

  it("records when the alert became active and when it fired", () => {
    let state = initialState();
    for (let i = 0; i < 4; i++) state = step(drift, state, { value: 0.5 }, (10 + i) * MIN).state;
    expect([state.activeSinceMs, state.firingSinceMs, state.lastEvaluationMs]).toEqual([10 * MIN, 12 * MIN, 13 * MIN]);
  });
});

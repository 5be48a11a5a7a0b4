// The vocabulary (@driftline/collector/series) reaches the alert rules and the dashboards: every
// window, drift method and accuracy metric defined there is accepted by a rule and offered by the
// dashboards' variables, so adding one is a one-line change (issue 10). The Worker's APIs are
// checked in worker/test/vocabulary.test.ts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MAX_WINDOW_MS, parseRule } from "@driftline/collector/alerts";
import { ACCURACY_METRICS, DRIFT_METHODS, PER_CLASS_METRICS, WINDOW_MINUTES, WINDOW_NAMES } from "@driftline/collector/series";
import { DASHBOARDS } from "../dashboards/src/catalog.ts";

const LIMITS = { minIntervalMs: 60_000, maxNameLength: 200, receivers: { allowLoopback: false, ownHost: "driftline.test" } };

/** The values of a custom variable in a committed dashboard file, or undefined when it has none. */
function variableValues(file: string, name: string): string[] | undefined {
  const dashboard = JSON.parse(readFileSync(new URL(`../dashboards/${file}`, import.meta.url), "utf8")) as { templating?: { list?: { name: string; type: string; query?: string }[] } };
  const variable = dashboard.templating?.list?.find((v) => v.name === name);
  if (variable === undefined) return undefined;
  expect(variable.type).toBe("custom");
  return String(variable.query).split(",");
}

describe("the vocabulary in alert rules", () => {
  it("accepts an accuracy rule over every window of the vocabulary, and reads it back in minutes", () => {
    for (const window of WINDOW_NAMES) {
      const rule = parseRule("r", "m", { kind: "accuracy", version: "v1", metric: "f1", window, threshold: 0.7 }, LIMITS);
      expect(rule.windowMs).toBe(WINDOW_MINUTES[window] * 60_000);
    }
  });

  it("accepts a drift rule over every window of the vocabulary up to the rules' longest window, and refuses longer ones naming the limit", () => {
    for (const window of WINDOW_NAMES) {
      const body = { kind: "drift", version: "v1", feature: "x", window, threshold: 0.2 };
      if (WINDOW_MINUTES[window] * 60_000 <= MAX_WINDOW_MS) expect(parseRule("r", "m", body, LIMITS).windowMs).toBe(WINDOW_MINUTES[window] * 60_000);
      else expect(() => parseRule("r", "m", body, LIMITS)).toThrow(/longer than the maximum of 86400 s/);
    }
  });

  it("accepts every drift method and every accuracy metric of the vocabulary, and per class the per-class ones", () => {
    for (const method of DRIFT_METHODS) expect(parseRule("r", "m", { kind: "drift", version: "v1", method, window: "1h", threshold: 0.2 }, LIMITS).method).toBe(method);
    for (const metric of ACCURACY_METRICS) {
      expect(parseRule("r", "m", { kind: "accuracy", version: "v1", metric, window: "1h", threshold: 0.5 }, LIMITS).metric).toBe(metric);
      const perClass = () => parseRule("r", "m", { kind: "accuracy", version: "v1", metric, class: "yes", window: "1h", threshold: 0.5 }, LIMITS);
      if (PER_CLASS_METRICS.includes(metric)) expect(perClass().className).toBe("yes");
      else expect(perClass).toThrow(/class applies to/);
    }
  });
});

describe("the vocabulary in the dashboards", () => {
  it("offers exactly the vocabulary's windows and drift methods in every $window and $method variable", () => {
    let windows = 0;
    for (const { file } of DASHBOARDS) {
      const window = variableValues(file, "window");
      if (window !== undefined) {
        expect(window, file).toEqual([...WINDOW_NAMES]);
        windows += 1;
      }
      const method = variableValues(file, "method");
      if (method !== undefined) expect(method, file).toEqual([...DRIFT_METHODS]);
    }
    expect(windows).toBeGreaterThan(0);
  });
});

import { describe, expect, it } from "vitest";
import { classify, DEFAULT_DRIFT_THRESHOLDS, driftResult, noDataResult, resolveThresholds } from "./thresholds.ts";

describe("drift thresholds", () => {
  it("default to Evidently's levels, with Evidently's p ≤ 0.05 as the tests' warn and p ≤ 0.005 as their alert", () => {
    expect(DEFAULT_DRIFT_THRESHOLDS.psi).toEqual({ warn: 0.1, alert: 0.2 });
    expect(DEFAULT_DRIFT_THRESHOLDS.js.alert).toBe(0.1);
    expect(DEFAULT_DRIFT_THRESHOLDS.wasserstein.alert).toBe(0.1);
    expect(DEFAULT_DRIFT_THRESHOLDS.hellinger.alert).toBe(0.1);
    expect(DEFAULT_DRIFT_THRESHOLDS.ks).toEqual({ warn: 0.05, alert: 0.005 });
    expect(DEFAULT_DRIFT_THRESHOLDS.chisquare).toEqual({ warn: 0.05, alert: 0.005 });
  });

  it("grade a distance as ok, warn and alert, reaching a level at equality", () => {
    const psi = { warn: 0.1, alert: 0.2 };
    expect(classify(0.0999, "value", psi)).toBe("ok");
    expect(classify(0.1, "value", psi)).toBe("warn");
    expect(classify(0.2, "value", psi)).toBe("alert");
  });

  it("treat a low p-value as the bad direction", () => {
    const levels = { warn: 0.1, alert: 0.05 };
    expect(classify(0.5, "pValue", levels)).toBe("ok");
    expect(classify(0.08, "pValue", levels)).toBe("warn");
    expect(classify(0.05, "pValue", levels)).toBe("alert");
    expect(classify(0, "pValue", levels)).toBe("alert");
  });

  it("apply a model's own levels over the defaults", () => {
    const result = driftResult("psi", 0.15, undefined, { thresholds: { alert: 0.12 } });
    expect(result).toMatchObject({ warn: 0.1, alert: 0.12, status: "alert" });
  });

  it("grade ks by its p-value, not by D", () => {
    const result = driftResult("ks", 0.9, 0.5, undefined);
    expect(result).toMatchObject({ value: 0.9, pValue: 0.5, thresholdsApplyTo: "pValue", status: "ok" });
  });

  it("reject levels that cannot be meant, naming them", () => {
    expect(() => resolveThresholds("psi", { warn: 0.3 })).toThrow(/warn \(0\.3\) must not exceed alert \(0\.2\)/);
    expect(() => resolveThresholds("ks", { warn: 0.001 })).toThrow(/warn \(0\.001\) must be at least alert \(0\.005\)/);
    expect(() => resolveThresholds("chisquare", { alert: 2, warn: 2 })).toThrow(/must lie in \[0, 1\]/);
    expect(() => resolveThresholds("js", { alert: Number.NaN })).toThrow(/alert threshold must be a finite number/);
  });

  it("report no_data with a NaN statistic (and NaN p-value for test methods)", () => {
    expect(noDataResult("psi")).toMatchObject({ method: "psi", status: "no_data" });
    expect(noDataResult("psi").value).toBeNaN();
    expect(noDataResult("psi").pValue).toBeUndefined();
    expect(noDataResult("chisquare").pValue).toBeNaN();
  });
});

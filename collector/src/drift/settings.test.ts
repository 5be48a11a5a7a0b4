import { describe, expect, it } from "vitest";
import { DriftSettingsError, parseDriftSettings, resolveFeatureSettings } from "./settings.ts";
import { datasetDrift } from "./dataset-share.ts";

describe("drift settings", () => {
  const settings = parseDriftSettings({
    defaults: { method: "psi", warn: 0.1, alert: 0.3, weight: 1 },
    features: { income: { weight: 5 }, id: { exclude: true }, age: { method: "ks", alert: 0.001 } },
    versions: { v2: { defaults: { method: "js" }, features: { income: { method: "wasserstein", alert: 0.2 } } } },
  });

  it("resolve the most specific level first, field by field", () => {
    expect(resolveFeatureSettings(settings, "v1", "income")).toEqual({ method: "psi", warn: 0.1, alert: 0.3, exclude: false, weight: 5 });
    expect(resolveFeatureSettings(settings, "v2", "income")).toEqual({ method: "wasserstein", warn: undefined, alert: 0.2, exclude: false, weight: 5 });
    expect(resolveFeatureSettings(settings, "v2", "plan")).toEqual({ method: "js", warn: undefined, alert: undefined, exclude: false, weight: 1 });
    expect(resolveFeatureSettings(settings, "v1", "id")).toMatchObject({ exclude: true });
    expect(resolveFeatureSettings(null, "v1", "x")).toEqual({ exclude: false, weight: 1 });
  });

  it("keep a feature's own method with its own levels, never a default's levels meant for another method", () => {
    expect(resolveFeatureSettings(settings, "v1", "age")).toMatchObject({ method: "ks", warn: undefined, alert: 0.001 });
  });

  it("reject what cannot be meant, naming the field", () => {
    const bad = (value: unknown): string => {
      try {
        parseDriftSettings(value);
      } catch (error) {
        expect(error).toBeInstanceOf(DriftSettingsError);
        return (error as Error).message;
      }
      throw new Error("accepted");
    };
    expect(bad({ features: { x: { alert: 0.2 } } })).toMatch(/features\.x: warn and alert .* need method/);
    expect(bad({ features: { x: { method: "ttest" } } })).toMatch(/features\.x\.method must be one of psi, ks/);
    expect(bad({ defaults: { method: "ks", warn: 0.001, alert: 0.01 } })).toMatch(/defaults: .*warn \(0\.001\) must be at least alert/);
    expect(bad({ features: { x: { weight: -1 } } })).toMatch(/features\.x\.weight must be a finite number ≥ 0/);
    expect(bad({ versions: { v1: { method: "psi" } } })).toMatch(/versions\.v1: unknown field "method"/);
    expect(bad({ threshold: 1 })).toMatch(/unknown field "threshold"/);
    expect(bad([])).toMatch(/must be a JSON object/);
  });
});

describe("dataset drift share", () => {
  it("counts features in alert over features with data, excluded ones left out, and weighs them by importance", () => {
    const inputs = [
      { status: "alert", excluded: false, weight: 3 },
      { status: "ok", excluded: false, weight: 1 },
      { status: "warn", excluded: false, weight: 1 },
      { status: "alert", excluded: true, weight: 10 },
      { status: "no_data", excluded: false, weight: 4 },
    ] as const;
    const dataset = datasetDrift(inputs);
    // Exact: 1 of 3 counted features in alert; weights 3 of 5.
    expect(dataset).toMatchObject({ features: 3, drifted: 1, status: "alert" });
    expect(dataset.share).toBeCloseTo(1 / 3, 15);
    expect(dataset.weightedShare).toBeCloseTo(3 / 5, 15);
  });

  it("is warn from a quarter of the weight, ok below, and no_data without features", () => {
    expect(datasetDrift([{ status: "alert", excluded: false, weight: 1 }, ...Array(3).fill({ status: "ok", excluded: false, weight: 1 })]).status).toBe("warn");
    expect(datasetDrift([{ status: "alert", excluded: false, weight: 1 }, ...Array(4).fill({ status: "ok", excluded: false, weight: 1 })]).status).toBe("ok");
    const empty = datasetDrift([]);
    expect(empty.status).toBe("no_data");
    expect(empty.share).toBeNaN();
  });
});

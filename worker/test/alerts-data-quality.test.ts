/**
 * Issue 13: data-quality alert rules. A `data_quality` rule on out_of_range reads the same ratio
 * as the drift API and driftline_feature_out_of_range_ratio, and walks to firing when a feature
 * leaves its training range.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { CategoricalCounts, DEFAULT_LIMITS, TDigest } from "@driftline/collector";
import type { ModelBatch, SeriesDelta } from "@driftline/collector";
import { describe, expect, it } from "vitest";
import { AlertRuleError, parseRule, publicRule, ruleQuery } from "@driftline/collector/alerts";
import type { ModelStore } from "../src/store/model-store.ts";
import { evaluateDue } from "../src/store/alerts/evaluate.ts";
import { getStoredRule, putRule } from "../src/store/alerts/rules-table.ts";

const MIN = 60_000;
const T0 = Math.floor(Date.now() / MIN) * MIN;
const LIMITS = { minIntervalMs: 60_000, maxNameLength: 128, receivers: { allowLoopback: false, ownHost: "driftline.test" } };

function digestOf(xs: number[]): TDigest {
  const d = new TDigest();
  for (const x of xs) d.add(x);
  return d;
}

function batch(minute: number, xs: number[]): ModelBatch {
  const deltas: SeriesDelta[] = [
    { kind: "predictions", version: "v1", name: "", segment: "", minute, records: xs.length, value: xs.length, sketch: null },
    { kind: "numeric_feature", version: "v1", name: "income", segment: "", minute, records: xs.length, value: xs.length, sketch: digestOf(xs).toBytes() },
  ];
  return { modelId: "credit", records: xs.length, deltas, cumulative: [] };
}

describe("data_quality alert rules", () => {
  it("fire when a feature's share outside the training range passes the threshold", async () => {
    const s = env.MODEL_STORE.getByName("acme\u0000alerts-quality-0");
    const baseline = digestOf(Array.from({ length: 1000 }, (_, i) => i));
    await s.putBaseline("v1", [{ kind: "numeric_feature", name: "income", sketch: baseline.toBytes(), count: baseline.count }], 1000, DEFAULT_LIMITS);
    const rule = parseRule("income-range", "credit", { kind: "data_quality", version: "v1", feature: "income", quality: "out_of_range", window: "5m", threshold: 0.1 }, LIMITS);
    expect(ruleQuery(rule)).toBe('driftline_feature_out_of_range_ratio{model="credit", version="v1", feature="income", window="5m"} > 0.1');
    await runInDurableObject(s, (_i: ModelStore, state) => putRule(state.storage.sql, rule, T0));
    // 400 values: 100 inside [0, 999], 300 past it: exactly 75 % out of range.
    const xs = [...Array.from({ length: 100 }, (_, i) => i * 5), ...Array.from({ length: 300 }, (_, i) => 2000 + i)];
    await s.ingest(batch(T0 / MIN, xs), DEFAULT_LIMITS);
    const state = await runInDurableObject(s, (_i: ModelStore, st) => {
      evaluateDue(st.storage.sql, T0 + 30_000, { categoriesCap: DEFAULT_LIMITS.maxCategoriesPerSeries });
      return getStoredRule(st.storage.sql, "income-range")!.state;
    });
    expect(state.status).toBe("firing");
    expect(state.value).toBeCloseTo(0.75, 2);
  });

  it("refuse a rule without feature, with an unknown ratio or a threshold outside [0, 1], naming the field", () => {
    const bad = (body: Record<string, unknown>): string => {
      try {
        parseRule("q", "m", { kind: "data_quality", version: "v1", window: "5m", threshold: 0.1, ...body }, LIMITS);
      } catch (error) {
        expect(error).toBeInstanceOf(AlertRuleError);
        return (error as Error).message;
      }
      throw new Error("accepted");
    };
    expect(bad({ quality: "out_of_range" })).toMatch(/needs feature/);
    expect(bad({ feature: "x", quality: "nulls" })).toMatch(/quality must be one of missing, type_mismatch, out_of_range, new_categories/);
    expect(bad({ feature: "x", quality: "new_categories", threshold: 2 })).toMatch(/threshold is a fraction/);
  });

  it("fire on the missing and type-mismatch ratios of the version's predictions, as the exact counts", async () => {
    const s = env.MODEL_STORE.getByName("acme\u0000alerts-quality-1");
    const baseline = digestOf(Array.from({ length: 1000 }, (_, i) => i));
    await s.putBaseline("v1", [{ kind: "numeric_feature", name: "income", sketch: baseline.toBytes(), count: baseline.count }], 1000, DEFAULT_LIMITS);
    // 500 predictions: 300 carried a number, 80 a string (refused), 120 nothing.
    const strings = new CategoricalCounts();
    for (let i = 0; i < 80; i++) strings.add(`s${i % 4}`);
    const first: ModelBatch = batch(T0 / MIN, Array.from({ length: 300 }, (_, i) => i));
    first.deltas[0] = { ...first.deltas[0], records: 500, value: 500 };
    await s.ingest(first, DEFAULT_LIMITS);
    const second: ModelBatch = { modelId: "credit", records: 80, cumulative: [], deltas: [{ kind: "categorical_feature", version: "v1", name: "income", segment: "", minute: T0 / MIN, records: 80, value: 80, sketch: strings.toBytes() }] };
    const receipt = await s.ingest(second, DEFAULT_LIMITS);
    expect(receipt.rejected).toBe(80);
    const rules = [
      parseRule("income-missing", "credit", { kind: "data_quality", version: "v1", feature: "income", quality: "missing", window: "5m", threshold: 0.3 }, LIMITS),
      parseRule("income-type", "credit", { kind: "data_quality", version: "v1", feature: "income", quality: "type_mismatch", window: "5m", threshold: 0.2 }, LIMITS),
    ];
    expect(ruleQuery(rules[0])).toBe('driftline_feature_missing_ratio{model="credit", version="v1", feature="income", window="5m"} > 0.3');
    expect(ruleQuery(rules[1])).toBe('driftline_feature_type_mismatch_ratio{model="credit", version="v1", feature="income", window="5m"} > 0.2');
    const states = await runInDurableObject(s, (_i: ModelStore, st) => {
      for (const rule of rules) putRule(st.storage.sql, rule, T0);
      evaluateDue(st.storage.sql, T0 + 30_000, { categoriesCap: DEFAULT_LIMITS.maxCategoriesPerSeries });
      return rules.map((rule) => getStoredRule(st.storage.sql, rule.name)!.state);
    });
    // Exact: 1 - 300/500 missing (strings and nothing alike), 80/500 of the wrong type.
    expect(states[0].value).toBeCloseTo(1 - 300 / 500, 12);
    expect(states[0].status).toBe("firing");
    expect(states[1].value).toBeCloseTo(80 / 500, 12);
    expect(states[1].status).toBe("ok");
  });
});

describe("drift rules without a threshold", () => {
  it("read the feature's status with the model's drift settings, as driftline_drift_status does, and follow a change of settings", async () => {
    const s = env.MODEL_STORE.getByName("acme\u0000alerts-settings-0");
    const reference = Array.from({ length: 2000 }, (_, i) => (i % 100) / 10);
    const baseline = digestOf(reference);
    await s.putBaseline("v1", [{ kind: "numeric_feature", name: "income", sketch: baseline.toBytes(), count: baseline.count }], 2000, DEFAULT_LIMITS);
    // A small shift (0.25 on a standard deviation of about 2.9) over 2 000 values: normed
    // Wasserstein (the default for > 1 000 values) is 0.087, under its 0.1; PSI (about 0.013: the
    // outer deciles hold 7.5 % and 12.5 %) passes a configured alert of 0.005.
    await s.ingest(batch(T0 / MIN, reference.map((x) => x + 0.25)), DEFAULT_LIMITS);
    const rule = parseRule("income-status", "credit", { kind: "drift", version: "v1", feature: "income", window: "5m" }, LIMITS);
    expect(rule.fromSettings).toBe(true);
    expect(rule.method).toBeUndefined();
    expect(ruleQuery(rule)).toBe('driftline_drift_status{model="credit", version="v1", feature="income", window="5m"} > 1');
    const evaluate = (atMs: number) =>
      runInDurableObject(s, (_i: ModelStore, st) => {
        if (atMs === T0 + 10_000) putRule(st.storage.sql, rule, T0);
        evaluateDue(st.storage.sql, atMs, { categoriesCap: DEFAULT_LIMITS.maxCategoriesPerSeries });
        return getStoredRule(st.storage.sql, rule.name)!;
      });
    const before = await evaluate(T0 + 10_000);
    expect(before.state.value).toBe(0);
    expect(before.state.status).toBe("ok");
    expect(publicRule(before.rule)).not.toHaveProperty("threshold");
    await s.putDriftSettings({ features: { income: { method: "psi", warn: 0.001, alert: 0.005 } } });
    const after = await evaluate(T0 + 80_000);
    expect(after.state.value).toBe(2);
    expect(after.state.status).toBe("firing");
    // The same read as the status series for the 5m window.
    const status = await s.querySelect({ model: "credit", matchers: [{ name: "__name__", type: "=", value: "driftline_drift_status" }], startMs: T0 + 80_000, endMs: T0 + 80_000, stepMs: 0, rangeMs: 0, lookbackMs: 300_000 }, DEFAULT_LIMITS);
    expect(Array.isArray(status) ? status.find((x) => x.labels.window === "5m")?.values[0] : status).toBe(2);
  });

  it("refuse resolveThreshold without threshold", () => {
    expect(() => parseRule("r", "m", { kind: "drift", version: "v1", window: "5m", resolveThreshold: 0.1 }, LIMITS)).toThrow(/resolveThreshold needs threshold/);
  });
});

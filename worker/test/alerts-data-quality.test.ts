/**
 * Issue 13: data-quality alert rules. A `data_quality` rule on out_of_range reads the same ratio
 * as the drift API and driftline_feature_out_of_range_ratio, and walks to firing when a feature
 * leaves its training range.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { DEFAULT_LIMITS, TDigest } from "@driftline/collector";
import type { ModelBatch, SeriesDelta } from "@driftline/collector";
import { describe, expect, it } from "vitest";
import { AlertRuleError, parseRule, ruleQuery } from "@driftline/collector/alerts";
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
    expect(bad({ feature: "x", quality: "nulls" })).toMatch(/quality must be one of out_of_range, new_categories/);
    expect(bad({ feature: "x", quality: "new_categories", threshold: 2 })).toMatch(/threshold is a fraction/);
  });
});

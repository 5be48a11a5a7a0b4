import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { DEFAULT_LIMITS } from "@driftline/collector";
import type { SeriesDelta } from "@driftline/collector";
import { describe, expect, it } from "vitest";
import { alertLabels, parseRule, ruleQuery } from "@driftline/collector/alerts";
import type { ModelStore } from "../src/store/model-store.ts";
import { evaluateDue } from "../src/store/alerts/evaluate.ts";
import { getStoredRule, putRule } from "../src/store/alerts/rules-table.ts";

const MIN = 60_000;
const T0 = Math.floor(Date.now() / MIN) * MIN;
const LIMITS = { minIntervalMs: 60_000, maxNameLength: 128, receivers: { allowLoopback: false, ownHost: "driftline.test" } };

const counter = (kind: SeriesDelta["kind"], segment: string, n: number): SeriesDelta => ({ kind, version: "v1", name: "", segment, minute: T0 / MIN, records: n, value: n, sketch: null });

describe("fixed-kind rules on a segment (segment, segment_value)", () => {
  it("reads the segment's series only, and labels the alert with it", async () => {
    const s = env.MODEL_STORE.getByName("acme\u0000alerts-segments");
    // The whole model has a 2 % error rate; its "region=eu" segment 40 %.
    await s.ingest({ modelId: "m", records: 100, cumulative: [], deltas: [
      counter("predictions", "", 100), counter("errors", "", 2),
      counter("predictions", "region=eu", 10), counter("errors", "region=eu", 4),
    ] }, DEFAULT_LIMITS);
    const eu = parseRule("eu-errors", "m", { kind: "error_rate", segment: "region", segment_value: "eu", window: "5m", threshold: 0.1 }, LIMITS);
    const whole = parseRule("errors", "m", { kind: "error_rate", window: "5m", threshold: 0.1 }, LIMITS);
    const states = await runInDurableObject(s, (_i: ModelStore, state) => {
      const sql = state.storage.sql;
      putRule(sql, eu, T0);
      putRule(sql, whole, T0);
      evaluateDue(sql, T0 + 30_000, { categoriesCap: DEFAULT_LIMITS.maxCategoriesPerSeries });
      return [getStoredRule(sql, "eu-errors")!.state, getStoredRule(sql, "errors")!.state];
    });
    expect(states.map((st) => [st.status, st.value])).toEqual([["firing", 0.4], ["ok", 0.02]]);
    expect(alertLabels(eu)).toMatchObject({ segment: "region", segment_value: "eu" });
    expect(ruleQuery(eu)).toContain('segment="region", segment_value="eu"');
  });
});

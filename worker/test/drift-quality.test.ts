/**
 * Issue 13: data quality in the drift API, against exact counts over the raw traffic. Mixed
 * traffic: a numeric feature that goes null, arrives as NaN, disappears from some predictions,
 * changes type (a string where the baseline had numbers) and leaves the training range; a
 * categorical feature with categories the baseline never saw.
 */
import { exports } from "cloudflare:workers";
import { CategoricalCounts, TDigest } from "@driftline/collector";
import { describe, expect, it } from "vitest";
import { bearer, TEST_TOKENS } from "./support/tokens.ts";

const BASE = "http://driftline.test";

function b64(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

function send(path: string, method: string, body: unknown): Promise<Response> {
  return exports.default.fetch(`${BASE}${path}`, { method, body: JSON.stringify(body), headers: { ...bearer(TEST_TOKENS.acme.ingest), "Content-Type": "application/json" } });
}

type Value = number | string | null | undefined | "NaN";
type Quality = { missing: number | null; baselineMissing: number | null; outOfRange?: number | null; newCategories?: number | null };

describe("data quality in GET /api/models/:model/drift", () => {
  it("counts null, NaN, absent and wrongly typed values as missing, values past the training range and unseen categories, as the exact counts", { timeout: 30_000 }, async () => {
    const model = "quality-model";
    // Baseline: 1 000 rows; income 1 … 900 with 100 rows missing (rows 900 …), plan a/b/c.
    const income = new TDigest();
    for (let i = 0; i < 900; i++) income.add(i + 1);
    const plan = new CategoricalCounts();
    for (let i = 0; i < 1000; i++) plan.add(["a", "b", "c"][i % 3]);
    const baseline = { rows: 1000, features: { income: { type: "numeric", sketch: b64(income.toBytes()) }, plan: { type: "categorical", sketch: b64(plan.toBytes()) } } };
    expect((await send(`/api/models/${model}/versions/v1/baseline`, "PUT", baseline)).status).toBe(200);

    // 400 predictions: income null (40), "NaN" (20), absent (30), a string (10), past the max (50: 901 … 950), else in range.
    const incomes: Value[] = [];
    const plans: string[] = [];
    for (let i = 0; i < 400; i++) {
      incomes.push(i < 40 ? null : i < 60 ? "NaN" : i < 90 ? undefined : i < 100 ? "lots" : i < 150 ? 900 + (i - 99) : i);
      plans.push(i % 8 === 0 ? "new-plan" : ["a", "b", "c"][i % 3]);
    }
    const nowNano = String(BigInt(Date.now()) * 1_000_000n);
    const logRecords = incomes.map((value, i) => ({
      timeUnixNano: nowNano,
      eventName: "ml.prediction",
      attributes: [
        { key: "ml.model.id", value: { stringValue: model } },
        { key: "ml.model.version", value: { stringValue: "v1" } },
        { key: "ml.feature.plan", value: { stringValue: plans[i] } },
        ...(value === undefined ? [] : [{ key: "ml.feature.income", value: value === null ? {} : value === "NaN" ? { doubleValue: "NaN" } : typeof value === "string" ? { stringValue: value } : { doubleValue: value } }]),
      ],
    }));
    const ingest = await send("/v1/logs", "POST", { resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords }] }] });
    expect(ingest.status).toBe(200);

    const response = await exports.default.fetch(`${BASE}/api/models/${model}/drift?version=v1&window=5m`, { headers: bearer(TEST_TOKENS.acme.read) });
    expect(response.status).toBe(200);
    const report = (await response.json()) as { features: { name: string; currentCount: number; quality: Quality }[] };
    const byName = Object.fromEntries(report.features.map((f) => [f.name, f]));

    // Exact, from the raw arrays.
    const finite = incomes.filter((v): v is number => typeof v === "number");
    expect(byName.income.currentCount).toBe(finite.length);
    expect(byName.income.quality.missing).toBeCloseTo(1 - finite.length / incomes.length, 12);
    expect(byName.income.quality.baselineMissing).toBeCloseTo(100 / 1000, 12);
    const outside = finite.filter((v) => v < 1 || v > 900).length / finite.length;
    // From the window's digest CDF at the baseline's max: within the digest's rank error, here a
    // 300-value window at the minute buckets' compression 100 with a gap 400 … 900 that its
    // interpolation spans (docs/drift.md, "Data quality").
    expect(Math.abs(byName.income.quality.outOfRange! - outside)).toBeLessThanOrEqual(0.025);
    expect(byName.plan.quality.missing).toBe(0);
    expect(byName.plan.quality.newCategories).toBeCloseTo(plans.filter((p) => p === "new-plan").length / plans.length, 12);
    expect(byName.plan.quality.outOfRange).toBeUndefined();

    // The same window through the Prometheus API gives the same ratios (one read, docs/drift.md).
    const prom = async (family: string): Promise<number[]> => {
      const query = encodeURIComponent(`${family}{model="${model}",window="5m",segment=""}`);
      const answer = await exports.default.fetch(`${BASE}/api/v1/query?query=${query}`, { headers: bearer(TEST_TOKENS.acme.read) });
      const body = (await answer.json()) as { data: { result: { value: [number, string] }[] } };
      return body.data.result.map((r) => Number(r.value[1]));
    };
    expect(await prom("driftline_feature_out_of_range_ratio")).toEqual([byName.income.quality.outOfRange]);
    expect(await prom("driftline_feature_new_category_ratio")).toEqual([byName.plan.quality.newCategories]);
  });
});

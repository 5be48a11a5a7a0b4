/**
 * Issue 13: missing and type-mismatch ratios counted the same way in the drift JSON and the
 * Prometheus series, per segment, against exact counts over the raw traffic. Mixed traffic: a
 * numeric feature that goes null, arrives as NaN, disappears from some predictions, changes type
 * and leaves the training range; a categorical feature sent as a number now and then; a baselined
 * feature never sent at all; an untouched feature that must read 0 everywhere.
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

/** One prediction's value of a feature: absent (undefined), null (empty AnyValue), NaN, a number or a string. */
type Value = number | string | null | undefined | { nan: true };

function anyValue(value: Exclude<Value, undefined>): Record<string, unknown> {
  if (value === null) return {};
  if (typeof value === "object") return { doubleValue: "NaN" };
  return typeof value === "string" ? { stringValue: value } : { doubleValue: value };
}

type Row = { income: Value; plan: Value; age: Value; region: string };

/** The exact ratios over some rows: missing = no finite value of the feature's type, mismatch = the other type. */
function exact(rows: readonly Row[], feature: "income" | "plan" | "age" | "tenure", type: "numeric" | "categorical"): { missing: number; mismatch: number } {
  let present = 0;
  let mismatch = 0;
  for (const row of rows) {
    const value = feature === "tenure" ? undefined : row[feature];
    if (type === "numeric" ? typeof value === "number" && Number.isFinite(value) : typeof value === "string") present++;
    else if (type === "numeric" ? typeof value === "string" : typeof value === "number" || (typeof value === "object" && value !== null)) mismatch++;
  }
  return { missing: 1 - present / rows.length, mismatch: mismatch / rows.length };
}

async function series(family: string, matchers: string): Promise<Map<string, number>> {
  const query = encodeURIComponent(`${family}{${matchers}}`);
  const answer = await exports.default.fetch(`${BASE}/api/v1/query?query=${query}`, { headers: bearer(TEST_TOKENS.acme.read) });
  expect(answer.status).toBe(200);
  const body = (await answer.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return new Map(body.data.result.map((r) => [r.metric.feature, Number(r.value[1])]));
}

describe("missing and type-mismatch ratios", () => {
  it("count null, NaN, absent and wrongly typed values per prediction, equal in JSON and Prometheus, per segment, as the exact counts", { timeout: 30_000 }, async () => {
    const model = "quality-series";
    const income = new TDigest();
    const age = new TDigest();
    const tenure = new TDigest();
    const plan = new CategoricalCounts();
    for (let i = 0; i < 1000; i++) {
      income.add(i + 1);
      age.add(20 + (i % 50));
      tenure.add(i % 30);
      plan.add(["a", "b", "c"][i % 3]);
    }
    const sketch = (s: TDigest | CategoricalCounts, type: string) => ({ type, sketch: b64(s.toBytes()) });
    const baseline = { rows: 1000, features: { income: sketch(income, "numeric"), age: sketch(age, "numeric"), tenure: sketch(tenure, "numeric"), plan: sketch(plan, "categorical") } };
    expect((await send(`/api/models/${model}/versions/v1/baseline`, "PUT", baseline)).status).toBe(200);

    // 400 predictions. income: null 40, NaN 20, absent 30, a string 10, past the max 50, else in
    // range. plan: a number every 10th (the other type), a new category every 8th. age: always a
    // plain value in range. tenure: never sent. region: north for every third, else south.
    const rows: Row[] = [];
    for (let i = 0; i < 400; i++) {
      const incomeValue: Value = i === 0 ? 500 : i < 40 ? null : i < 60 ? { nan: true } : i < 90 ? undefined : i < 100 ? "lots" : i < 150 ? 900 + (i - 99) : i;
      const planValue: Value = i % 10 === 5 ? 7 : i % 8 === 0 ? "new-plan" : ["a", "b", "c"][i % 3];
      rows.push({ income: incomeValue, plan: planValue, age: 20 + (i % 50), region: i % 3 === 0 ? "north" : "south" });
    }
    const nowNano = String(BigInt(Date.now()) * 1_000_000n);
    const logRecords = rows.map((row) => ({
      timeUnixNano: nowNano,
      eventName: "ml.prediction",
      attributes: [
        { key: "ml.model.id", value: { stringValue: model } },
        { key: "ml.model.version", value: { stringValue: "v1" } },
        { key: "ml.segment.region", value: { stringValue: row.region } },
        { key: "ml.prediction.value", value: { doubleValue: 0.5 } },
        ...(["income", "plan", "age"] as const).flatMap((name) => (row[name] === undefined ? [] : [{ key: `ml.feature.${name}`, value: anyValue(row[name] as Exclude<Value, undefined>) }])),
      ],
    }));
    // A feature keeps the type traffic first gave it (per version): the first prediction, sent
    // alone, has every feature in its type; the mixture follows in one request.
    for (const records of [logRecords.slice(0, 1), logRecords.slice(1)]) {
      const ingest = await send("/v1/logs", "POST", { resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords: records }] }] });
      expect(ingest.status).toBe(200);
    }

    const response = await exports.default.fetch(`${BASE}/api/models/${model}/drift?version=v1&window=5m`, { headers: bearer(TEST_TOKENS.acme.read) });
    expect(response.status).toBe(200);
    const report = (await response.json()) as { features: { name: string; status: string; quality: { missing: number | null; typeMismatch?: number | null } }[] };
    const json = Object.fromEntries(report.features.map((f) => [f.name, f]));
    const types = { income: "numeric", plan: "categorical", age: "numeric", tenure: "numeric" } as const;

    for (const [segment, subset] of [["", rows], ["north", rows.filter((r) => r.region === "north")], ["south", rows.filter((r) => r.region === "south")]] as const) {
      const matchers = segment === "" ? `model="${model}",window="5m",segment=""` : `model="${model}",window="5m",segment="region",segment_value="${segment}"`;
      const missing = await series("driftline_feature_missing_ratio", matchers);
      const mismatch = await series("driftline_feature_type_mismatch_ratio", matchers);
      const segmentQuery = segment === "" ? "" : `&segment=region&segment_value=${segment}`;
      const segmentReport = (await (await exports.default.fetch(`${BASE}/api/models/${model}/drift?version=v1&window=5m${segmentQuery}`, { headers: bearer(TEST_TOKENS.acme.read) })).json()) as typeof report;
      const segmentJson = Object.fromEntries(segmentReport.features.map((f) => [f.name, f]));
      expect([...missing.keys()].sort()).toEqual(["age", "income", "plan", "tenure"]);
      for (const feature of ["income", "plan", "age", "tenure"] as const) {
        const want = exact(subset, feature, types[feature]);
        expect(missing.get(feature), `${feature} missing, segment ${segment}`).toBeCloseTo(want.missing, 12);
        expect(mismatch.get(feature), `${feature} type mismatch, segment ${segment}`).toBeCloseTo(want.mismatch, 12);
        // One read for one window: the JSON's ratios (of the whole model, or of the segment) are the series' values.
        expect(segmentJson[feature].quality.missing).toBe(missing.get(feature));
        expect(segmentJson[feature].quality.typeMismatch).toBe(mismatch.get(feature));
      }
    }
    // The figures the test builds in, spelled out: income 99 of 400 without a number, 10 strings.
    expect(exact(rows, "income", "numeric").missing).toBeCloseTo(99 / 400, 12);
    expect(exact(rows, "income", "numeric").mismatch).toBeCloseTo(10 / 400, 12);
    expect(exact(rows, "plan", "categorical").missing).toBeCloseTo(0.1, 12);
    expect(exact(rows, "plan", "categorical").mismatch).toBeCloseTo(0.1, 12);
    expect(json.tenure.quality.missing).toBe(1);
    // The untouched feature stays clean and undrifted.
    expect(json.age.quality.missing).toBe(0);
    expect(json.age.quality.typeMismatch).toBe(0);
    expect(json.age.status).toBe("ok");
    const refused = await exports.default.fetch(`${BASE}/api/models/${model}/drift?version=v1&segment=region`, { headers: bearer(TEST_TOKENS.acme.read) });
    expect(refused.status).toBe(400);
  });
});

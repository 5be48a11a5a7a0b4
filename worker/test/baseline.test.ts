import { exports } from "cloudflare:workers";
import { CategoricalCounts, TDigest } from "@driftline/collector";
import { describe, expect, it } from "vitest";
import { bearer, TEST_TOKENS } from "./support/tokens.ts";

const BASE = "http://driftline.test";
let nextModel = 0;
/** A fresh model per test: Durable Object storage persists across the file's tests. */
const freshModel = () => `baseline-model-${nextModel++}`;

function b64(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

function digestOf(values: number[]): string {
  const digest = new TDigest();
  for (const v of values) digest.add(v);
  return b64(digest.toBytes());
}

function countsOf(values: string[]): string {
  const counts = new CategoricalCounts();
  for (const v of values) counts.add(v);
  return b64(counts.toBytes());
}

function putBaseline(model: string, version: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(`${BASE}/api/models/${model}/versions/${version}/baseline`, {
    method: "PUT",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { ...bearer(TEST_TOKENS.acme.ingest), "Content-Type": "application/json", ...headers },
  });
}

function get(path: string, token: string = TEST_TOKENS.acme.read): Promise<Response> {
  return exports.default.fetch(`${BASE}${path}`, { headers: bearer(token) });
}

const validBody = () => ({
  rows: 3,
  features: { income: { type: "numeric", sketch: digestOf([1, 2, 3]) }, country: { type: "categorical", sketch: countsOf(["fr", "de", "fr"]) } },
  prediction: { type: "categorical", sketch: countsOf(["ok", "ok", "fraud"]) },
});

/** POSTs one OTLP/JSON log request with an `ml.prediction` event per feature map, timestamped now. */
async function sendPredictions(model: string, version: string, rows: Record<string, number | string>[]): Promise<void> {
  const nowNano = String(BigInt(Date.now()) * 1_000_000n);
  const logRecords = rows.map((features) => ({
    timeUnixNano: nowNano,
    eventName: "ml.prediction",
    attributes: [
      { key: "ml.model.id", value: { stringValue: model } },
      { key: "ml.model.version", value: { stringValue: version } },
      ...Object.entries(features).map(([k, v]) => ({ key: `ml.feature.${k}`, value: typeof v === "number" ? { doubleValue: v } : { stringValue: v } })),
    ],
  }));
  const response = await exports.default.fetch(`${BASE}/v1/logs`, {
    method: "POST",
    body: JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords }] }] }),
    headers: { ...bearer(TEST_TOKENS.acme.ingest), "Content-Type": "application/json" },
  });
  expect(response.status).toBe(200);
}

describe("PUT /api/models/:model/versions/:version/baseline", () => {
  it("stores an uploaded baseline before the model sent any traffic, and GET returns names, types and counts", async () => {
    const model = freshModel();
    const put = await putBaseline(model, "v1", validBody());
    expect(put.status).toBe(200);
    const response = await get(`/api/models/${model}/versions/v1/baseline`);
    expect(response.status).toBe(200);
    const stored = (await response.json()) as Record<string, unknown>;
    expect(stored).toMatchObject({
      model,
      version: "v1",
      rows: 3,
      source: "upload",
      features: [
        { name: "country", type: "categorical", count: 3 },
        { name: "income", type: "numeric", count: 3 },
      ],
      prediction: { type: "categorical", count: 3 },
    });
    expect(Date.parse(stored.uploadedAt as string)).toBeGreaterThan(Date.now() - 60_000);
    // The model was admitted: it is listed although no prediction arrived.
    const models = (await (await get("/api/models")).json()) as { models: { model: string }[] };
    expect(models.models.map((m) => m.model)).toContain(model);
  });

  it("replaces a version's whole baseline on a second upload", async () => {
    const model = freshModel();
    await putBaseline(model, "v1", validBody());
    const second = await putBaseline(model, "v1", { rows: 2, features: { age: { type: "numeric", sketch: digestOf([30, 40]) } } });
    expect(second.status).toBe(200);
    const stored = (await (await get(`/api/models/${model}/versions/v1/baseline`)).json()) as { features: { name: string }[]; prediction: unknown; rows: number };
    expect(stored.features.map((f) => f.name)).toEqual(["age"]);
    expect(stored.prediction).toBeNull();
    expect(stored.rows).toBe(2);
  });

  it("needs an ingest token: a read token gets 403", async () => {
    const response = await putBaseline(freshModel(), "v1", validBody(), bearer(TEST_TOKENS.acme.read));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: expect.stringContaining("this route needs an ingest token") });
  });

  it("keeps tenants apart: another tenant's read token does not see the baseline", async () => {
    const model = freshModel();
    await putBaseline(model, "v1", validBody());
    expect((await get(`/api/models/${model}/versions/v1/baseline`, TEST_TOKENS.globex.read)).status).toBe(404);
  });

  const badBodies: [string, unknown, RegExp][] = [
    ["a body that is not JSON", "{rows:", /baseline body is not JSON/],
    ["a sketch that is not base64", { rows: 1, features: { x: { type: "numeric", sketch: "%%%" } } }, /feature "x": sketch must be a base64 string/],
    ["sketch bytes that do not decode", { rows: 1, features: { x: { type: "numeric", sketch: b64(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])) } } }, /feature "x": sketch does not decode as a numeric sketch/],
    ["counts sent as a numeric sketch", { rows: 1, features: { x: { type: "numeric", sketch: countsOf(["a"]) } } }, /feature "x": sketch does not decode as a numeric sketch/],
    ["an unknown type", { rows: 1, features: { x: { type: "text", sketch: countsOf(["a"]) } } }, /feature "x": type must be "numeric" or "categorical", got "text"/],
    ["a feature name past maxNameLength", { rows: 1, features: { ["f".repeat(129)]: { type: "numeric", sketch: digestOf([1]) } } }, /feature name of 129 characters, more than maxNameLength \(128\)/],
    ["a category past maxValueLength", { rows: 1, features: { x: { type: "categorical", sketch: countsOf(["v".repeat(257)]) } } }, /a category of 257 characters, more than maxValueLength \(256\)/],
    ["negative rows", { rows: -1, features: { x: { type: "numeric", sketch: digestOf([1]) } } }, /rows must be a non-negative integer, got -1/],
    ["no feature and no prediction", { rows: 0, features: {} }, /at least one feature or a prediction/],
    ["an unknown field", { rows: 1, features: {}, labels: {} }, /unknown field "labels"/],
    ["a window that ends before it starts", { from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" }, /from \(2026-01-02T00:00:00.000Z\) must be before to/],
    ["a window bound that is not a timestamp", { from: "yesterday", to: "2026-01-01T00:00:00Z" }, /from must be an ISO 8601 timestamp string, got "yesterday"/],
  ];
  for (const [what, body, message] of badBodies) {
    it(`answers 400 naming the problem for ${what}`, async () => {
      const response = await putBaseline(freshModel(), "v1", body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
    });
  }

  it("rejects more features than maxFeaturesPerModel", async () => {
    const features: Record<string, unknown> = {};
    const sketch = digestOf([1]);
    for (let i = 0; i <= 1000; i++) features[`f${i}`] = { type: "numeric", sketch };
    const response = await putBaseline(freshModel(), "v1", { rows: 1, features });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("1001 features, more than maxFeaturesPerModel (1000)");
  });

  it("answers 415 to a body that is not declared JSON", async () => {
    const response = await putBaseline(freshModel(), "v1", validBody(), { "Content-Type": "text/csv" });
    expect(response.status).toBe(415);
  });

  it("answers 413 to a body past MAX_BODY_BYTES", async () => {
    const response = await putBaseline(freshModel(), "v1", JSON.stringify({ rows: 1, pad: "x".repeat(4 * 1024 * 1024) }));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toMatch(/MAX_BODY_BYTES/);
  });

  it("builds the baseline from a reference window of the version's own traffic", async () => {
    const model = freshModel();
    await sendPredictions(model, "v1", [{ income: 1, country: "fr" }, { income: 2, country: "de" }, { income: 3, country: "fr" }]);
    const now = Date.now();
    const response = await putBaseline(model, "v1", { from: new Date(now - 3_600_000).toISOString(), to: new Date(now + 60_000).toISOString() });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      source: "window",
      rows: 3,
      features: [
        { name: "country", type: "categorical", count: 3 },
        { name: "income", type: "numeric", count: 3 },
      ],
    });
  });

  it("refuses a reference window that holds no values, naming the range", async () => {
    const model = freshModel();
    await sendPredictions(model, "v1", [{ income: 1 }]);
    const response = await putBaseline(model, "v1", { from: "2020-01-01T00:00:00Z", to: "2020-01-02T00:00:00Z" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/has no feature or prediction values in \[2020-01-01T00:00:00.000Z, 2020-01-02T00:00:00.000Z\)/);
  });
});

describe("GET /api/models/:model/drift", () => {
  it("reports every method per feature with a worst status: a shifted feature alerts, an unchanged one is ok", async () => {
    const model = freshModel();
    const baselineX: number[] = [];
    const mix: string[] = [];
    for (let i = 0; i < 2000; i++) {
      baselineX.push(((i * 7919) % 2000) / 2000);
      mix.push(["a", "b", "c"][i % 3]);
    }
    await putBaseline(model, "v1", { rows: 2000, features: { shifted: { type: "numeric", sketch: digestOf(baselineX) }, same: { type: "categorical", sketch: countsOf(mix) } } });
    // The shifted feature moves by half its range; the categorical mix keeps its proportions.
    await sendPredictions(model, "v1", baselineX.slice(0, 600).map((x, i) => ({ shifted: x + 0.5, same: mix[i] })));
    const response = await get(`/api/models/${model}/drift?version=v1&window=5m`);
    expect(response.status).toBe(200);
    const report = (await response.json()) as { status: string; features: { name: string; status: string; currentCount: number; methods: { method: string; status: string }[] }[] };
    const byName = Object.fromEntries(report.features.map((f) => [f.name, f]));
    expect(byName.shifted.methods.map((m) => m.method)).toEqual(["psi", "ks", "js", "wasserstein", "hellinger"]);
    expect(byName.shifted.status).toBe("alert");
    expect(byName.shifted.currentCount).toBe(600);
    expect(byName.same.methods.map((m) => m.method)).toEqual(["psi", "js", "chisquare"]);
    expect(byName.same.status).toBe("ok");
    expect(report.status).toBe("alert");
  });

  it("says no_data for a baselined feature without traffic in the window", async () => {
    const model = freshModel();
    await putBaseline(model, "v1", { rows: 3, features: { x: { type: "numeric", sketch: digestOf([1, 2, 3]) } } });
    const report = (await (await get(`/api/models/${model}/drift?version=v1&window=1h`)).json()) as { features: { status: string; methods: { value: unknown }[] }[] };
    expect(report.features[0].status).toBe("no_data");
    expect(report.features[0].methods[0].value).toBeNull();
  });

  it("with ?feature= reports that feature alone, with both sides' counts per category, most frequent first, a new category last at 0 in the baseline", async () => {
    const model = freshModel();
    await putBaseline(model, "v1", { rows: 4, features: { plan: { type: "categorical", sketch: countsOf(["pro", "pro", "free", "team"]) }, x: { type: "numeric", sketch: digestOf([1, 2, 3]) } } });
    await sendPredictions(model, "v1", [{ plan: "pro", x: 1 }, { plan: "trial", x: 2 }, { plan: "trial", x: 3 }]);
    const response = await get(`/api/models/${model}/drift?version=v1&window=5m&feature=plan`);
    expect(response.status).toBe(200);
    const report = (await response.json()) as { features: { name: string; categories?: unknown[] }[]; prediction: unknown };
    expect(report.features.map((f) => f.name)).toEqual(["plan"]);
    expect(report.prediction).toBeNull();
    expect(report.features[0].categories).toEqual([
      { category: "pro", baseline: 2, current: 1 },
      { category: "free", baseline: 1, current: 0 },
      { category: "team", baseline: 1, current: 0 },
      { category: "trial", baseline: 0, current: 2 },
    ]);
    // A numeric feature comes alone too, without categories; an unknown one is a 404 naming it.
    const numeric = (await (await get(`/api/models/${model}/drift?version=v1&window=5m&feature=x`)).json()) as { features: { name: string; categories?: unknown }[] };
    expect(numeric.features.map((f) => [f.name, f.categories])).toEqual([["x", undefined]]);
    const unknown = await get(`/api/models/${model}/drift?version=v1&window=5m&feature=nope`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/no baselined feature "nope"/);
  });

  it("answers 400 to a missing version or an unknown window, and 404 without a baseline", async () => {
    const model = freshModel();
    await sendPredictions(model, "v1", [{ x: 1 }]);
    expect((await get(`/api/models/${model}/drift?window=5m`)).status).toBe(400);
    const badWindow = await get(`/api/models/${model}/drift?version=v1&window=2h`);
    expect(badWindow.status).toBe(400);
    expect(((await badWindow.json()) as { error: string }).error).toBe('window must be one of 5m, 1h, 1d, 7d, got "2h"');
    const none = await get(`/api/models/${model}/drift?version=v1&window=5m`);
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: string }).error).toMatch(/no baseline for model/);
  });
});

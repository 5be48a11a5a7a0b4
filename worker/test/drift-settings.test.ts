/**
 * Issue 13: the drift status comes from one method per feature (the default by type and window
 * size, or the model's settings), every read path grades it the same way, and the settings API
 * validates what it stores. Against the real Worker in workerd.
 */
import { exports } from "cloudflare:workers";
import { CategoricalCounts, TDigest } from "@driftline/collector";
import { describe, expect, it } from "vitest";
import { bearer, TEST_TOKENS } from "./support/tokens.ts";

const BASE = "http://driftline.test";
let nextModel = 0;
const freshModel = () => `drift-settings-model-${nextModel++}`;

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

function send(path: string, method: string, body: unknown, token: string = TEST_TOKENS.acme.ingest): Promise<Response> {
  return exports.default.fetch(`${BASE}${path}`, { method, body: JSON.stringify(body), headers: { ...bearer(token), "Content-Type": "application/json" } });
}

async function getJson<T>(path: string): Promise<T> {
  const response = await exports.default.fetch(`${BASE}${path}`, { headers: bearer(TEST_TOKENS.acme.read) });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

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
  const response = await send("/v1/logs", "POST", { resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords }] }] });
  expect(response.status).toBe(200);
}

type Feature = { name: string; status: string; statusMethod: string; statusMethodFrom: string; excluded: boolean; weight: number; currentCount: number; methods: { method: string; status: string; value: number | null; pValue?: number | null; warn: number; alert: number }[] };
type Report = { status: string; dataset: { features: number; drifted: number; share: number | null; weightedShare: number | null; status: string }; features: Feature[] };

/** A baseline of three numeric features and one categorical, and 600 predictions: `shifted` moves by half its range. */
async function setUp(model: string): Promise<void> {
  const xs: number[] = [];
  const mix: string[] = [];
  for (let i = 0; i < 2000; i++) {
    xs.push(((i * 7919) % 2000) / 2000);
    mix.push(["a", "b", "c"][i % 3]);
  }
  const features = { shifted: { type: "numeric", sketch: digestOf(xs) }, same: { type: "numeric", sketch: digestOf(xs) }, also: { type: "numeric", sketch: digestOf(xs) }, plan: { type: "categorical", sketch: countsOf(mix) } };
  expect((await send(`/api/models/${model}/versions/v1/baseline`, "PUT", { rows: 2000, features })).status).toBe(200);
  await sendPredictions(model, "v1", xs.slice(0, 600).map((x, i) => ({ shifted: x + 0.5, same: x, also: x, plan: mix[i] })));
}

async function promStatus(model: string): Promise<Record<string, number>> {
  const body = await getJson<{ data: { result: { metric: Record<string, string>; value: [number, string] }[] } }>(`/api/v1/query?query=${encodeURIComponent(`driftline_drift_status{model="${model}",window="5m"}`)}`);
  return Object.fromEntries(body.data.result.map((r) => [r.metric.feature, Number(r.value[1])]));
}

describe("drift status from one method per feature", { timeout: 30_000 }, () => {
  it("grades a 600-value window by KS (numeric) and chi-squared (categorical), reporting every method", async () => {
    const model = freshModel();
    await setUp(model);
    const report = await getJson<Report>(`/api/models/${model}/drift?version=v1&window=5m`);
    const byName = Object.fromEntries(report.features.map((f) => [f.name, f]));
    expect(byName.shifted).toMatchObject({ statusMethod: "ks", statusMethodFrom: "default", status: "alert", currentCount: 600 });
    expect(byName.shifted.methods.map((m) => m.method)).toEqual(["psi", "ks", "js", "wasserstein", "hellinger"]);
    expect(byName.same).toMatchObject({ statusMethod: "ks", status: "ok" });
    expect(byName.plan).toMatchObject({ statusMethod: "chisquare", status: "ok" });
    for (const feature of report.features) expect(feature.status).toBe(feature.methods.find((m) => m.method === feature.statusMethod)!.status);
    // Exact share: 1 of 4 features in alert, all weights 1.
    expect(report.dataset).toEqual({ features: 4, drifted: 1, share: 0.25, weightedShare: 0.25, status: "warn" });
    expect(report.status).toBe("alert");
  });

  it("applies the model's settings: method and levels, excluded features and importance weights, in the JSON and in driftline_drift_status alike", async () => {
    const model = freshModel();
    await setUp(model);
    const settings = {
      defaults: { weight: 1 },
      features: { shifted: { exclude: true }, also: { weight: 3 } },
      versions: { v1: { features: { same: { method: "psi", warn: 0, alert: 0 } } } },
    };
    const put = await send(`/api/models/${model}/drift/settings`, "PUT", settings);
    expect(put.status).toBe(200);
    expect(await getJson(`/api/models/${model}/drift/settings`)).toEqual({ model, settings });
    const report = await getJson<Report>(`/api/models/${model}/drift?version=v1&window=5m`);
    const byName = Object.fromEntries(report.features.map((f) => [f.name, f]));
    // PSI ≥ 0 always reaches a level of 0: the configured method and levels decide.
    expect(byName.same).toMatchObject({ statusMethod: "psi", statusMethodFrom: "settings", status: "alert" });
    expect(byName.same.methods.find((m) => m.method === "psi")).toMatchObject({ warn: 0, alert: 0 });
    expect(byName.shifted).toMatchObject({ excluded: true, status: "alert" });
    expect(byName.also).toMatchObject({ weight: 3, status: "ok" });
    // Exact: shifted excluded; same (weight 1) in alert of same, also (3), plan (1).
    expect(report.dataset).toEqual({ features: 3, drifted: 1, share: 1 / 3, weightedShare: 1 / 5, status: "ok" });
    expect(report.status).toBe("alert");
    const prom = await promStatus(model);
    expect(prom).toEqual({ same: 2, also: 0, plan: 0 });
  });

  it("gives driftline_drift_status the JSON status of every feature for the same window", async () => {
    const model = freshModel();
    await setUp(model);
    const report = await getJson<Report>(`/api/models/${model}/drift?version=v1&window=5m`);
    const codes: Record<string, number> = { ok: 0, warn: 1, alert: 2 };
    expect(await promStatus(model)).toEqual(Object.fromEntries(report.features.map((f) => [f.name, codes[f.status]])));
  });
});

describe("settings in the baseline upload", () => {
  it("store the upload's settings as its version's, replacing that version's only, and grade with them", { timeout: 30_000 }, async () => {
    const model = freshModel();
    const xs = Array.from({ length: 600 }, (_, i) => ((i * 7919) % 600) / 600);
    // Model-wide settings first: they stay; another version's entry stays too.
    const before = { features: { b: { weight: 2 } }, versions: { v0: { defaults: { method: "js" } }, v1: { features: { a: { weight: 9 } } } } };
    expect((await send(`/api/models/${model}/versions/v0/baseline`, "PUT", { rows: 600, features: { a: { type: "numeric", sketch: digestOf(xs) } } })).status).toBe(200);
    expect((await send(`/api/models/${model}/drift/settings`, "PUT", before)).status).toBe(200);
    const own = { features: { a: { method: "psi", warn: 0, alert: 0 }, b: { exclude: true } } };
    const upload = await send(`/api/models/${model}/versions/v1/baseline`, "PUT", { rows: 600, features: { a: { type: "numeric", sketch: digestOf(xs) }, b: { type: "numeric", sketch: digestOf(xs) } }, settings: own });
    expect(upload.status).toBe(200);
    expect(await getJson(`/api/models/${model}/drift/settings`)).toEqual({ model, settings: { ...before, versions: { v0: before.versions.v0, v1: own } } });
    await sendPredictions(model, "v1", xs.map((x) => ({ a: x, b: x })));
    const report = await getJson<Report>(`/api/models/${model}/drift?version=v1&window=5m`);
    const byName = Object.fromEntries(report.features.map((f) => [f.name, f]));
    expect(byName.a).toMatchObject({ statusMethod: "psi", statusMethodFrom: "settings", status: "alert" });
    expect(byName.b).toMatchObject({ excluded: true, weight: 2 });
    expect(await promStatus(model)).toEqual({ a: 2 });
  });

  it("refuses invalid upload settings with 400 naming the field, storing nothing", async () => {
    const model = freshModel();
    const response = await send(`/api/models/${model}/versions/v1/baseline`, "PUT", { rows: 1, features: { a: { type: "numeric", sketch: digestOf([1]) } }, settings: { features: { a: { warn: 0.1 } } } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/baseline settings refused: .*versions\.v1\.features\.a/);
    expect((await exports.default.fetch(`${BASE}/api/models/${model}/versions/v1/baseline`, { headers: bearer(TEST_TOKENS.acme.read) })).status).toBe(404);
  });
});

describe("PUT /api/models/:model/drift/settings", () => {
  it("refuses settings that cannot be meant with 400 naming the field, an unknown model with 404, and a read token with 403 or 401", async () => {
    const model = freshModel();
    await setUp(model);
    const bad = await send(`/api/models/${model}/drift/settings`, "PUT", { features: { x: { alert: 0.3 } } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/drift settings refused: features\.x: warn and alert .* need method/);
    expect((await send(`/api/models/no-such-model/drift/settings`, "PUT", {})).status).toBe(404);
    const readToken = await send(`/api/models/${model}/drift/settings`, "PUT", {}, TEST_TOKENS.acme.read);
    expect([401, 403]).toContain(readToken.status);
    // An empty document clears the settings.
    expect((await send(`/api/models/${model}/drift/settings`, "PUT", {})).status).toBe(200);
    expect(await getJson(`/api/models/${model}/drift/settings`)).toEqual({ model, settings: {} });
  });
});

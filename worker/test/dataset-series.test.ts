/**
 * Issue 13: the dataset drift share as Prometheus series (driftline_dataset_drift_share,
 * driftline_dataset_drift_weighted_share, driftline_dataset_drift_status), equal to the drift
 * API's `dataset` for the same window and to the share counted by hand, with the settings'
 * weights and exclusions applied, per segment too.
 */
import { exports } from "cloudflare:workers";
import { TDigest } from "@driftline/collector";
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

async function series(query: string): Promise<Map<string, number>> {
  const answer = await exports.default.fetch(`${BASE}/api/v1/query?query=${encodeURIComponent(query)}`, { headers: bearer(TEST_TOKENS.acme.read) });
  expect(answer.status).toBe(200);
  const body = (await answer.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return new Map(body.data.result.map((r) => [`${r.metric.__name__}/${r.metric.segment_value ?? ""}`, Number(r.value[1])]));
}

describe("dataset drift series", () => {
  it("give the share of features in alert, the importance-weighted share and its status, equal to the drift API's dataset", { timeout: 30_000 }, async () => {
    const model = "dataset-series";
    const names = ["a", "b", "c", "d", "e"];
    const values = Array.from({ length: 400 }, (_, i) => (i * 7919) % 400);
    const digest = new TDigest();
    for (const x of values) digest.add(x);
    const features = Object.fromEntries(names.map((n) => [n, { type: "numeric", sketch: b64(digest.toBytes()) }]));
    expect((await send(`/api/models/${model}/versions/v1/baseline`, "PUT", { rows: 400, features })).status).toBe(200);
    // a and b move far (alert); c, d and e are the baseline's values (ok). e is excluded, a weighs 5.
    const settings = { features: { a: { weight: 5 }, e: { exclude: true } } };
    expect((await send(`/api/models/${model}/drift/settings`, "PUT", settings)).status).toBe(200);
    const moved = new Set(["a", "b"]);
    const nowNano = String(BigInt(Date.now()) * 1_000_000n);
    const logRecords = values.map((x, i) => ({
      timeUnixNano: nowNano,
      eventName: "ml.prediction",
      attributes: [
        { key: "ml.model.id", value: { stringValue: model } },
        { key: "ml.model.version", value: { stringValue: "v1" } },
        { key: "ml.segment.region", value: { stringValue: i % 2 === 0 ? "east" : "west" } },
        ...names.map((n) => ({ key: `ml.feature.${n}`, value: { doubleValue: moved.has(n) ? x + 1000 : x } })),
      ],
    }));
    expect((await send("/v1/logs", "POST", { resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords }] }] })).status).toBe(200);

    const response = await exports.default.fetch(`${BASE}/api/models/${model}/drift?version=v1&window=1h`, { headers: bearer(TEST_TOKENS.acme.read) });
    const report = (await response.json()) as { dataset: { features: number; drifted: number; share: number; weightedShare: number; status: string } };
    // By hand: 4 features count (e excluded), 2 in alert; weights a 5, b, c, d 1.
    expect(report.dataset).toEqual({ features: 4, drifted: 2, share: 2 / 4, weightedShare: (5 + 1) / (5 + 1 + 1 + 1), status: "alert" });

    const got = await series(`{__name__=~"driftline_dataset_drift_.*", model="${model}", window="1h"}`);
    for (const segment of ["", "east", "west"]) {
      expect(got.get(`driftline_dataset_drift_share/${segment}`), `share, segment "${segment}"`).toBe(report.dataset.share);
      expect(got.get(`driftline_dataset_drift_weighted_share/${segment}`)).toBe(report.dataset.weightedShare);
      expect(got.get(`driftline_dataset_drift_status/${segment}`)).toBe(2);
    }
    // Weighted below a half: the status follows the weighted share, not the plain one.
    expect((await send(`/api/models/${model}/drift/settings`, "PUT", { features: { c: { weight: 5 }, d: { weight: 5 }, e: { exclude: true } } })).status).toBe(200);
    const reweighted = await series(`{__name__=~"driftline_dataset_drift_.*", model="${model}", window="1h", segment=""}`);
    expect(reweighted.get("driftline_dataset_drift_share/")).toBe(0.5);
    expect(reweighted.get("driftline_dataset_drift_weighted_share/")).toBe(2 / 12);
    expect(reweighted.get("driftline_dataset_drift_status/")).toBe(0);
  });
});

// The vocabulary (@driftline/collector/series) reaches every API that names a window, a drift
// method or an accuracy metric: adding one to the vocabulary is the whole change, and a window or
// metric an API does not accept fails here (issue 10). The dashboards and alert rules are checked
// in test/vocabulary.test.ts (Node).
import { exports } from "cloudflare:workers";
import { TDigest } from "@driftline/collector";
import { ACCURACY_METRICS, DRIFT_METHODS_OF, Family, WINDOW_NAMES, accuracyMetricsOf } from "@driftline/collector/series";
import { describe, expect, it } from "vitest";
import { bearer, TEST_TOKENS } from "./support/tokens.ts";

const BASE = "http://driftline.test";
const MODEL = "vocabulary-model";

function b64(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

function get(path: string): Promise<Response> {
  return exports.default.fetch(`${BASE}${path}`, { headers: bearer(TEST_TOKENS.acme.read) });
}

/** One request: predictions with a numeric feature, a label, a score and an id, and the actual of each. */
async function sendTraffic(): Promise<void> {
  const timeUnixNano = String(BigInt(Date.now()) * 1_000_000n);
  const s = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const d = (key: string, value: number) => ({ key, value: { doubleValue: value } });
  const logRecords = Array.from({ length: 20 }, (_, i) => [
    { timeUnixNano, eventName: "ml.prediction", attributes: [s("ml.model.id", MODEL), s("ml.model.version", "v1"), s("ml.prediction.id", `p${i}`), d("ml.feature.income", 1000 + i), s("ml.prediction.label", i % 2 === 0 ? "yes" : "no"), d("ml.prediction.score", 0.6)] },
    { timeUnixNano, eventName: "ml.actual", attributes: [s("ml.model.id", MODEL), s("ml.model.version", "v1"), s("ml.prediction.id", `p${i}`), s("ml.actual.label", "yes")] },
  ]).flat();
  const response = await exports.default.fetch(`${BASE}/v1/logs`, {
    method: "POST",
    body: JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords }] }] }),
    headers: { ...bearer(TEST_TOKENS.acme.ingest), "Content-Type": "application/json" },
  });
  expect(response.status).toBe(200);
  const baseline = new TDigest();
  for (let i = 0; i < 100; i++) baseline.add(900 + i * 3);
  const put = await exports.default.fetch(`${BASE}/api/models/${MODEL}/versions/v1/baseline`, {
    method: "PUT",
    body: JSON.stringify({ rows: 100, features: { income: { type: "numeric", sketch: b64(baseline.toBytes()) } } }),
    headers: { ...bearer(TEST_TOKENS.acme.ingest), "Content-Type": "application/json" },
  });
  expect(put.status).toBe(200);
}

describe("the vocabulary in the Worker's APIs", () => {
  it("serves drift, accuracy and the windowed series for every window and metric of the vocabulary", async () => {
    await sendTraffic();
    for (const window of WINDOW_NAMES) {
      const drift = await get(`/api/models/${MODEL}/drift?version=v1&window=${window}`);
      expect(drift.status, `drift window=${window}`).toBe(200);
      const report = (await drift.json()) as { window: string; features: { name: string; methods: { method: string }[] }[] };
      expect(report.features[0].methods.map((m) => m.method)).toEqual([...DRIFT_METHODS_OF.digest]);

      const accuracy = await get(`/api/models/${MODEL}/accuracy?version=v1&window=${window}`);
      expect(accuracy.status, `accuracy window=${window}`).toBe(200);
      const figures = (await accuracy.json()) as { pairs: number; metrics: Record<string, unknown> };
      expect(figures.pairs).toBe(20);
      expect(Object.keys(figures.metrics).sort()).toEqual([...ACCURACY_METRICS].sort());
    }
    // The query API: each window is a `window` label value of the windowed families.
    const series = await get(`/api/v1/label/window/values?match[]=${encodeURIComponent(`${Family.featureDrift}{model="${MODEL}"}`)}`);
    expect(((await series.json()) as { data: string[] }).data.sort()).toEqual([...WINDOW_NAMES].sort());
    const metrics = await get(`/api/v1/label/metric/values?match[]=${encodeURIComponent(`${Family.accuracy}{model="${MODEL}"}`)}`);
    // A classifier with scores has every classification metric; regression metrics need numeric predictions.
    expect(((await metrics.json()) as { data: string[] }).data.sort()).toEqual(accuracyMetricsOf("classification").sort());
  });
});

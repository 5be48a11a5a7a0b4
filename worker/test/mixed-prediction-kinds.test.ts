/**
 * Issue 11, item 5: predictions of one version sent with `ml.prediction.value` and with
 * `ml.prediction.label`. A version keeps the prediction kind it was first sent with (as a feature
 * keeps its type): the other kind is rejected through partial_success. A store that holds both
 * from before the rule serves the first kind only, so once a baseline exists `GET …/compare`
 * answers 200, `driftline_drift_status` has one series per label set and `/metrics` repeats none.
 */
import { env, exports } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { CategoricalCounts } from "@driftline/collector";
import { describe, expect, it } from "vitest";
import type { ModelStore } from "../src/store/model-store.ts";
import { JSON_TYPE, postOtlp } from "./support/requests.ts";
import { bearer, TEST_TOKENS } from "./support/tokens.ts";

type Prediction = { value: number } | { label: string };

function predictions(model: string, version: string, list: Prediction[]): string {
  const timeUnixNano = String(BigInt(Date.now()) * 1_000_000n);
  const logRecords = list.map((p) => ({
    timeUnixNano,
    eventName: "ml.prediction",
    attributes: [
      { key: "ml.model.id", value: { stringValue: model } },
      { key: "ml.model.version", value: { stringValue: version } },
      { key: "ml.feature.x", value: { doubleValue: 1 } },
      "value" in p ? { key: "ml.prediction.value", value: { doubleValue: p.value } } : { key: "ml.prediction.label", value: { stringValue: p.label } },
    ],
  }));
  return JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ scope: { name: "t" }, logRecords }] }] });
}

async function send(model: string, version: string, list: Prediction[]): Promise<{ rejected: number; message: string }> {
  const response = await postOtlp("logs", predictions(model, version, list), { "Content-Type": JSON_TYPE });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { partialSuccess?: { rejectedLogRecords?: string; errorMessage?: string } };
  return { rejected: Number(body.partialSuccess?.rejectedLogRecords ?? 0), message: body.partialSuccess?.errorMessage ?? "" };
}

function get(path: string): Promise<Response> {
  return exports.default.fetch(`http://driftline.test${path}`, { headers: bearer(TEST_TOKENS.acme.read) });
}

/** A reference-window baseline over the last hour, taken from the version's own traffic. */
async function windowBaseline(model: string, version: string): Promise<void> {
  const body = JSON.stringify({ from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() });
  const response = await exports.default.fetch(`http://driftline.test/api/models/${model}/versions/${version}/baseline`, { method: "PUT", body, headers: { ...bearer(TEST_TOKENS.acme.ingest), "Content-Type": JSON_TYPE } });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** Every read path that once failed on a version with both kinds answers, and answers each series once. */
async function expectEveryReadValid(model: string): Promise<void> {
  const compare = await get(`/api/models/${model}/compare?window=1h`);
  expect(compare.status, await compare.clone().text()).toBe(200);
  const [version] = ((await compare.json()) as { versions: { drift: { prediction: string | null } | null }[] }).versions;
  expect(version.drift?.prediction).not.toBeNull();

  const status = await get(`/api/v1/query?query=${encodeURIComponent(`driftline_drift_status{model="${model}"}`)}`);
  expect(status.status, await status.clone().text()).toBe(200);
  const result = ((await status.json()) as { data: { result: { metric: Record<string, string> }[] } }).data.result;
  const labelSets = result.map((r) => JSON.stringify(r.metric));
  expect(new Set(labelSets).size).toBe(labelSets.length);
  expect(result.filter((r) => r.metric.feature === "__prediction__" && r.metric.window === "1h")).toHaveLength(1);

  const metrics = await get("/metrics");
  expect(metrics.status).toBe(200);
  const lines = (await metrics.text()).split("\n").filter((l) => l.startsWith("driftline_") && l.includes(`model="${model}"`));
  const series = lines.map((l) => l.slice(0, l.lastIndexOf(" ")));
  expect(series.length).toBeGreaterThan(0);
  expect(series.filter((s, i) => series.indexOf(s) !== i)).toEqual([]);

  const drift = await get(`/api/models/${model}/drift?version=v1&window=1h`);
  expect(drift.status, await drift.clone().text()).toBe(200);
}

describe("predictions mixing ml.prediction.value and ml.prediction.label in one version", () => {
  it("keeps the version's first prediction kind and rejects the other through partial_success", async () => {
    const model = "mixed-kinds-a";
    expect(await send(model, "v1", [{ value: 0.2 }, { value: 0.7 }])).toEqual({ rejected: 0, message: "" });
    const labels = await send(model, "v1", [{ label: "yes" }, { label: "no" }]);
    expect(labels.rejected).toBe(2);
    expect(labels.message).toContain('the prediction of version "v1" was first sent as ml.prediction.value (a number); ml.prediction.label (a string) is rejected');
    // Another version may choose the other kind.
    expect((await send(model, "v2", [{ label: "yes" }])).rejected).toBe(0);
  });

  it("answers compare, driftline_drift_status and /metrics once a baseline exists, each series once", async () => {
    const model = "mixed-kinds-b";
    await send(model, "v1", [{ value: 0.2 }, { value: 0.7 }, { label: "yes" }, { label: "no" }]);
    await windowBaseline(model, "v1");
    await send(model, "v1", [{ value: 0.4 }, { label: "no" }]);
    await expectEveryReadValid(model);
  });

  it("serves only the first kind of a store that holds both from before the rule", async () => {
    const model = "mixed-kinds-c";
    await send(model, "v1", [{ value: 0.2 }, { value: 0.7 }, { value: 0.9 }]);
    // A store written before the rule: a label series with a minute bucket in the same version.
    const stub = env.MODEL_STORE.getByName(`acme\u0000${model}`);
    await runInDurableObject(stub, (_store: ModelStore, state) => {
      const minute = Math.floor(Date.now() / 60_000);
      const counts = new CategoricalCounts(1000);
      counts.add("yes");
      counts.add("no");
      const { id } = state.storage.sql
        .exec<{ id: number }>("INSERT INTO series (kind, version, name, segment, first_minute, last_minute, total) VALUES ('prediction_label', 'v1', '', '', ?, ?, 2) RETURNING id", minute, minute)
        .one();
      state.storage.sql.exec("INSERT INTO bucket_1m (series_id, minute, value, sketch) VALUES (?, ?, 2, ?)", id, minute, counts.toBytes());
    });
    await evictDurableObject(stub);
    await windowBaseline(model, "v1");
    const baseline = await get(`/api/models/${model}/versions/v1/baseline`);
    expect(((await baseline.json()) as { prediction?: { type: string } }).prediction?.type).toBe("numeric");
    await expectEveryReadValid(model);
  });
});

/**
 * A feature sent both as a number and as a string (issue 5): per version it keeps the type it was
 * first seen with, and values of the other type are rejected through partial_success, counted,
 * and never stored, so the query API never answers two series with the same labels.
 */
import { env, exports } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ModelStore } from "../src/store/model-store.ts";
import { JSON_TYPE, postOtlp } from "./support/requests.ts";
import { bearer, TEST_TOKENS } from "./support/tokens.ts";

type Value = number | string;

function predictions(model: string, version: string, zip: Value[]): string {
  const timeUnixNano = String(BigInt(Date.now()) * 1_000_000n);
  const logRecords = zip.map((value) => ({
    timeUnixNano,
    eventName: "ml.prediction",
    attributes: [
      { key: "ml.model.id", value: { stringValue: model } },
      { key: "ml.model.version", value: { stringValue: version } },
      { key: "ml.feature.zip", value: typeof value === "number" ? { doubleValue: value } : { stringValue: value } },
    ],
  }));
  return JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ scope: { name: "t" }, logRecords }] }] });
}

async function send(model: string, version: string, zip: Value[]): Promise<{ status: number; body: { partialSuccess?: { rejectedLogRecords?: string | number; errorMessage?: string } } }> {
  const response = await postOtlp("logs", predictions(model, version, zip), { "Content-Type": JSON_TYPE });
  return { status: response.status, body: (await response.json()) as never };
}

async function read<T>(path: string): Promise<T> {
  const response = await exports.default.fetch(`http://driftline.test${path}`, { headers: bearer(TEST_TOKENS.acme.read) });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

describe("a feature sent as a number and as a string", () => {
  it("keeps the first type per version and rejects the other through partial_success, naming the feature and both types", async () => {
    const model = "feature-type-a";
    expect((await send(model, "v1", [94110, 10001])).status).toBe(200);
    const second = await send(model, "v1", ["94110", "10001", "60601"]);
    expect(second.status).toBe(200);
    expect(Number(second.body.partialSuccess?.rejectedLogRecords)).toBe(3);
    expect(second.body.partialSuccess?.errorMessage).toContain('feature "zip" of version "v1" was first sent as a number; values sent as a string or bool are rejected');

    const summary = await read<{ series: { kind: string; name: string; total: number }[]; rejected: Record<string, number> }>(`/api/models/${model}`);
    // The refused values are counted per feature too (issue 13): driftline_feature_type_mismatch_ratio.
    expect(summary.series.filter((s) => s.name === "zip").map((s) => `${s.kind}:${s.total}`)).toEqual(["numeric_feature:2", "type_mismatches:3"]);
    expect(Object.entries(summary.rejected).find(([reason]) => reason.startsWith('feature "zip"'))?.[1]).toBe(3);
  });

  it("rejects numbers for a feature first sent as strings", async () => {
    const model = "feature-type-b";
    expect((await send(model, "v1", ["a", "b"])).body.partialSuccess).toBeUndefined();
    const second = await send(model, "v1", [1, 2]);
    expect(Number(second.body.partialSuccess?.rejectedLogRecords)).toBe(2);
    expect(second.body.partialSuccess?.errorMessage).toContain('feature "zip" of version "v1" was first sent as a string or bool; values sent as a number are rejected');
    const summary = await read<{ series: { kind: string; name: string; total: number }[] }>(`/api/models/${model}`);
    expect(summary.series.filter((s) => s.name === "zip").map((s) => `${s.kind}:${s.total}`)).toEqual(["categorical_feature:2", "type_mismatches:2"]);
  });

  it("lets another version of the model choose the other type", async () => {
    const model = "feature-type-c";
    await send(model, "v1", [1, 2]);
    expect((await send(model, "v2", ["x", "y"])).body.partialSuccess).toBeUndefined();
    const summary = await read<{ series: { kind: string; version: string; name: string }[] }>(`/api/models/${model}`);
    expect(summary.series.filter((s) => s.name === "zip").map((s) => `${s.version}:${s.kind}`).sort()).toEqual(["v1:numeric_feature", "v2:categorical_feature"]);
  });

  it("refuses new values of the second type in a store that holds both from before the rule", async () => {
    const model = "feature-type-d";
    await send(model, "v1", [1, 2]);
    // A store written before the rule: a categorical series of the same feature and version.
    const stub = env.MODEL_STORE.getByName(`acme\u0000${model}`);
    await runInDurableObject(stub, (_store: ModelStore, state) => {
      state.storage.sql.exec("INSERT INTO series (kind, version, name, segment, first_minute, last_minute) VALUES ('categorical_feature', 'v1', 'zip', '', 0, 0)");
    });
    await evictDurableObject(stub);
    const second = await send(model, "v1", ["x"]);
    expect(Number(second.body.partialSuccess?.rejectedLogRecords)).toBe(1);
    expect((await send(model, "v1", [3])).body.partialSuccess).toBeUndefined();
  });
});

import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { bearer, TEST_TOKENS } from "./support/tokens.ts";
import type { ModelStore } from "../src/store/model-store.ts";
import { evaluateDue } from "../src/store/alerts/evaluate.ts";
import { MAX_RULES_PER_MODEL } from "../src/store/alerts/rules-table.ts";

const BASE = "http://driftline.test";
let nextModel = 0;
/** A fresh model per test: Durable Object storage persists across the file's tests. */
const freshModel = () => `alerts-api-${nextModel++}`;
const SECRET = "whsec-api-test-0123456789";

function request(method: string, path: string, token: string, body?: unknown): Promise<Response> {
  const init: RequestInit = { method, headers: { ...bearer(token) } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers = { ...bearer(token), "Content-Type": "application/json" };
  }
  return exports.default.fetch(`${BASE}${path}`, init);
}
const put = (model: string, name: string, body: unknown) => request("PUT", `/api/models/${model}/alerts/${name}`, TEST_TOKENS.acme.ingest, body);
const get = (path: string, token: string = TEST_TOKENS.acme.read) => request("GET", path, token);

const driftRule = { kind: "drift", version: "v1", feature: "income", window: "5m", threshold: 0.2, receivers: [{ type: "webhook", url: "https://hooks.test/a", secret: SECRET }] };

/** Sends `n` predictions of version v1 through OTLP/JSON, `failed` of them with error.type. */
async function sendPredictions(model: string, n: number, failed: number): Promise<void> {
  const timeUnixNano = String(BigInt(Date.now()) * 1_000_000n);
  const logRecords = Array.from({ length: n }, (_, i) => ({
    timeUnixNano,
    eventName: "ml.prediction",
    attributes: [
      { key: "ml.model.id", value: { stringValue: model } },
      { key: "ml.model.version", value: { stringValue: "v1" } },
      { key: "ml.prediction.value", value: { doubleValue: i } },
      ...(i < failed ? [{ key: "error.type", value: { stringValue: "timeout" } }] : []),
    ],
  }));
  const response = await exports.default.fetch(`${BASE}/v1/logs`, {
    method: "POST",
    body: JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords }] }] }),
    headers: { ...bearer(TEST_TOKENS.acme.ingest), "Content-Type": "application/json" },
  });
  expect(response.status).toBe(200);
}

describe("alert rules API", () => {
  it("stores a rule with the ingest token and shows it, with its state, to the read token, never with the secret", async () => {
    const model = freshModel();
    const created = await put(model, "income-drift", driftRule);
    expect(created.status).toBe(200);
    // A new rule starts ok, not yet evaluated (the alarm PUT armed may evaluate it at any moment after).
    expect(await created.json()).toMatchObject({ state: { status: "ok", health: "unknown", lastEvaluationMs: null } });
    const response = await get(`/api/models/${model}/alerts/income-drift`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text)).toMatchObject({
      name: "income-drift",
      model,
      rule: { kind: "drift", version: "v1", feature: "income", method: "psi", window: "5m", threshold: 0.2, resolveThreshold: 0.2, for: "0s", interval: "1m", receivers: [{ type: "webhook", hasSecret: true }] },
      query: `driftline_feature_drift{model="${model}", version="v1", feature="income", method="psi", window="5m"} > 0.2`,
      state: { status: "ok" },
    });
    const list = (await (await get(`/api/models/${model}/alerts`)).json()) as { alerts: { name: string }[] };
    expect(list.alerts.map((a) => a.name)).toEqual(["income-drift"]);
  });

  it("needs the ingest token to change rules and the read token to read them", async () => {
    const model = freshModel();
    expect((await request("PUT", `/api/models/${model}/alerts/r`, TEST_TOKENS.acme.read, driftRule)).status).toBe(403);
    expect((await put(model, "r", driftRule)).status).toBe(200);
    expect((await request("DELETE", `/api/models/${model}/alerts/r`, TEST_TOKENS.acme.read)).status).toBe(403);
    expect((await get(`/api/models/${model}/alerts/r`, TEST_TOKENS.acme.ingest)).status).toBe(403);
    // Another tenant does not see the model at all.
    expect((await get(`/api/models/${model}/alerts/r`, TEST_TOKENS.globex.read)).status).toBe(404);
  });

  it("deletes a rule, after which it is gone", async () => {
    const model = freshModel();
    await put(model, "r", driftRule);
    const deleted = await request("DELETE", `/api/models/${model}/alerts/r`, TEST_TOKENS.acme.ingest);
    expect([deleted.status, await deleted.json()]).toEqual([200, { model, name: "r", deleted: true }]);
    expect((await get(`/api/models/${model}/alerts/r`)).status).toBe(404);
    expect((await request("DELETE", `/api/models/${model}/alerts/r`, TEST_TOKENS.acme.ingest)).status).toBe(404);
  });

  it("answers 400 naming the field for an invalid rule, and 415 for a body that is not JSON", async () => {
    const model = freshModel();
    const bad = await put(model, "r", { ...driftRule, window: "10s" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'alert rule refused: window "10s" is shorter than the minimum of 60 s' });
    const accuracy = await put(model, "r", { kind: "accuracy", version: "v1", metric: "f1", window: "2h", threshold: 0.8 });
    expect(accuracy.status).toBe(400);
    expect(((await accuracy.json()) as { error: string }).error).toMatch(/an accuracy rule's window must be one of 5m, 1h, 1d, 7d/);
    const text = await exports.default.fetch(`${BASE}/api/models/${model}/alerts/r`, { method: "PUT", body: "kind=drift", headers: { ...bearer(TEST_TOKENS.acme.ingest), "Content-Type": "text/plain" } });
    expect(text.status).toBe(415);
  });

  it(`refuses rule ${MAX_RULES_PER_MODEL + 1} of a model, naming the limit, but still replaces an existing one`, async () => {
    const model = freshModel();
    const body = { kind: "error_rate", window: "5m", threshold: 0.1 };
    for (let i = 0; i < MAX_RULES_PER_MODEL; i++) expect((await put(model, `r${i}`, body)).status).toBe(200);
    const over = await put(model, "one-more", body);
    expect(over.status).toBe(400);
    expect(((await over.json()) as { error: string }).error).toMatch(new RegExp(`has ${MAX_RULES_PER_MODEL} alert rules, the limit \\(MAX_RULES_PER_MODEL = ${MAX_RULES_PER_MODEL}\\)`));
    expect((await put(model, "r0", { ...body, threshold: 0.2 })).status).toBe(200);
  });
});

describe("alert rules in Prometheus' /api/v1/rules and /api/v1/alerts", () => {
  it("lists a firing rule and its alert once the store has evaluated it", async () => {
    const model = freshModel();
    await sendPredictions(model, 10, 4);
    expect((await put(model, "errors", { kind: "error_rate", window: "5m", threshold: 0.1, labels: { severity: "page" }, annotations: { summary: "errors" } })).status).toBe(200);
    // PUT armed the alarm for the rule's first evaluation, which may run at any moment; evaluate
    // now inside the object so the test does not race it (test/alerts.test.ts covers the alarm).
    await runInDurableObject(env.MODEL_STORE.getByName(`acme\u0000${model}`), (_i: ModelStore, state) => evaluateDue(state.storage.sql, Date.now(), { categoriesCap: 1000 }));
    const rules = (await (await get(`/api/v1/rules?rule_group[]=${model}`)).json()) as { status: string; data: { groups: Record<string, unknown>[] } };
    expect(rules.status).toBe("success");
    expect(rules.data.groups).toEqual([
      {
        name: model,
        file: `/api/models/${model}/alerts`,
        interval: 60,
        limit: 0,
        evaluationTime: expect.any(Number),
        lastEvaluation: expect.stringMatching(/^\d{4}-/),
        rules: [
          {
            state: "firing",
            name: "errors",
            query: `sum by (model) (increase(driftline_prediction_errors_total{model="${model}"}[5m])) / sum by (model) (increase(driftline_predictions_total{model="${model}"}[5m])) > 0.1`,
            duration: 0,
            keepFiringFor: 0,
            labels: { severity: "page" },
            annotations: { summary: "errors" },
            alerts: [{ labels: { alertname: "errors", model, severity: "page" }, annotations: { summary: "errors" }, state: "firing", activeAt: expect.any(String), value: "4e-01" }],
            health: "ok",
            evaluationTime: expect.any(Number),
            lastEvaluation: expect.any(String),
            type: "alerting",
          },
        ],
      },
    ]);
    const alerts = (await (await get("/api/v1/alerts")).json()) as { data: { alerts: { labels: Record<string, string> }[] } };
    expect(alerts.data.alerts.filter((a) => a.labels.model === model)).toEqual([expect.objectContaining({ state: "firing", value: "4e-01" })]);
    // Recording rules are asked for separately by Grafana: there are none.
    expect(((await (await get("/api/v1/rules?type=record")).json()) as { data: unknown }).data).toEqual({ groups: [] });
  });
});

import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { DEFAULT_LIMITS, TDigest } from "@driftline/collector";
import type { ModelBatch, SeriesDelta } from "@driftline/collector";
import { describe, expect, it } from "vitest";
import { parseRule } from "@driftline/collector/alerts";
import type { AlertRule, Notification } from "@driftline/collector/alerts";
import type { ModelStore } from "../src/store/model-store.ts";
import { evaluatePromqlRules, savePromqlResults } from "../src/store/alerts/evaluate-promql.ts";
import { getStoredRule, putRule } from "../src/store/alerts/rules-table.ts";
import { bearer, TEST_TOKENS } from "./support/tokens.ts";

const MIN = 60_000;
/** A start on a minute boundary, so each batch lands in a known minute bucket. */
const T0 = Math.floor(Date.now() / MIN) * MIN;
let nextModel = 0;
const store = (model: string) => env.MODEL_STORE.getByName(`acme\u0000${model}`);
const LIMITS = { minIntervalMs: 60_000, maxNameLength: 128, receivers: { allowLoopback: false, ownHost: "driftline.test" } };

/** `counts[segmentValue]` predictions of version v1 in `minute`, per region segment, and as many for the whole model. */
function predictions(model: string, minute: number, counts: Record<string, number>): ModelBatch {
  const deltas: SeriesDelta[] = [];
  let total = 0;
  for (const [region, n] of Object.entries(counts)) {
    deltas.push({ kind: "predictions", version: "v1", name: "", segment: `region=${region}`, minute, records: n, value: n, sketch: null });
    total += n;
  }
  deltas.push({ kind: "predictions", version: "v1", name: "", segment: "", minute, records: total, value: total, sketch: null });
  return { modelId: model, records: total, deltas, cumulative: [] };
}

function install(model: string, rule: AlertRule) {
  return runInDurableObject(store(model), (_i: ModelStore, state) => putRule(state.storage.sql, rule, T0));
}

/** Evaluates the PromQL rules due at `nowMs` as the alarm does (evaluate, then save in one transaction). */
function evaluateAt(model: string, nowMs: number) {
  return runInDurableObject(store(model), async (_i: ModelStore, state) => {
    const sql = state.storage.sql;
    const results = await evaluatePromqlRules(sql, nowMs, { nowMs, minuteRetention: 48 * 60, categoriesCap: DEFAULT_LIMITS.maxCategoriesPerSeries });
    state.storage.transactionSync(() => savePromqlResults(sql, results, nowMs));
    const stored = getStoredRule(sql, "busy-region")!;
    const queued = sql.exec<{ event: string; notification: string }>("SELECT event, notification FROM alert_outbox ORDER BY id").toArray()
      .map((r) => { const n = JSON.parse(r.notification) as Notification; return `${r.event}:${n.labels.segment_value}`; });
    return { state: stored.state, queued };
  });
}

function digestDelta(kind: SeriesDelta["kind"], name: string, values: number[], minute: number): SeriesDelta {
  const d = new TDigest();
  for (const v of values) d.add(v);
  return { kind, version: "v1", name, segment: "", minute, records: values.length, value: values.length, sketch: d.toBytes() };
}

describe("PromQL rules evaluated in the ModelStore", () => {
  it("targets any series: a segment, a custom metric, GenAI tokens and the latency histogram", async () => {
    const model = `promql-any-${nextModel++}`;
    const minute = T0 / MIN;
    await store(model).ingest({ modelId: model, records: 1, cumulative: [], deltas: [
      ...predictions(model, minute, { eu: 40, us: 2 }).deltas,
      digestDelta("custom_values", 'gpu.temp{gpu="a100"}', [60, 70, 80, 90], minute),
      digestDelta("genai_tokens", "input", [400, 300], minute),
      digestDelta("genai_tokens", "output", [20], minute),
      digestDelta("latency", "", [0.1, 0.2, 0.9, 1.2], minute),
    ] }, DEFAULT_LIMITS);
    const rules: Record<string, string> = {
      segment: 'increase(driftline_predictions_total{segment="region", segment_value="eu"}[5m]) > 10',
      custom: 'driftline_custom_gpu_temp{quantile="1", window="5m"} > 85',
      tokens: "sum by (type) (increase(driftline_genai_tokens_total[5m])) > 100",
      latency: "histogram_quantile(0.99, sum by (le, version) (rate(driftline_prediction_duration_seconds_bucket[5m]))) > 1",
    };
    for (const [name, expr] of Object.entries(rules)) await install(model, parseRule(name, model, { kind: "promql", expr }, LIMITS));
    const fired = await runInDurableObject(store(model), async (_i: ModelStore, state) => {
      const sql = state.storage.sql;
      const nowMs = T0 + 30_000;
      const results = await evaluatePromqlRules(sql, nowMs, { nowMs, minuteRetention: 48 * 60, categoriesCap: DEFAULT_LIMITS.maxCategoriesPerSeries });
      state.storage.transactionSync(() => savePromqlResults(sql, results, nowMs));
      return Object.fromEntries(Object.keys(rules).map((name) => {
        const { state: s } = getStoredRule(sql, name)!;
        return [name, { health: s.health, error: s.lastError, alerts: s.alerts!.map((a) => ({ ...a.labels, value: a.value, status: a.status })) }];
      }));
    });
    expect(fired.segment).toMatchObject({ health: "ok", alerts: [{ alertname: "segment", model, segment: "region", segment_value: "eu", version: "v1", status: "firing" }] });
    expect(fired.custom).toMatchObject({ health: "ok", alerts: [{ alertname: "custom", gpu: "a100", quantile: "1", window: "5m", value: 90, status: "firing" }] });
    expect(fired.tokens).toMatchObject({ health: "ok", alerts: [{ alertname: "tokens", model, type: "input", status: "firing" }] });
    expect(fired.latency).toMatchObject({ health: "ok", alerts: [{ alertname: "latency", model, version: "v1", status: "firing" }] });
    expect(fired.latency.alerts[0].value).toBeGreaterThan(1);
  });

  it("keeps one alert per output series, each walking pending, firing and resolved on its own", async () => {
    const model = `promql-eval-${nextModel++}`;
    const rule = parseRule("busy-region", model, {
      kind: "promql", expr: 'sum by (segment_value) (increase(driftline_predictions_total{segment="region"}[2m])) > 100', for: "1m",
      labels: { severity: "page" }, annotations: { summary: "{{ $labels.segment_value }}: {{ $value }} predictions in 2m" },
      receivers: [{ type: "webhook", url: "https://hooks.test/a", secret: "whsec-test-0123456789" }],
    }, LIMITS);
    await install(model, rule);
    const minute = T0 / MIN;
    await store(model).ingest(predictions(model, minute, { eu: 200, us: 10 }), DEFAULT_LIMITS);
    const first = await evaluateAt(model, T0 + 30_000);
    expect(first.state.alerts!.map((a) => [a.labels.segment_value, a.status])).toEqual([["eu", "pending"]]);
    expect(first.state.status).toBe("pending");
    await store(model).ingest(predictions(model, minute + 1, { eu: 200, us: 200 }), DEFAULT_LIMITS);
    const second = await evaluateAt(model, T0 + MIN + 30_000);
    expect(second.state.alerts!.map((a) => [a.labels.segment_value, a.status])).toEqual([["eu", "firing"], ["us", "pending"]]);
    expect(second.queued).toEqual(["firing:eu"]);
    const eu = second.state.alerts![0];
    expect(eu.labels).toEqual({ model, segment_value: "eu", severity: "page", alertname: "busy-region" });
    expect(eu.annotations.summary).toMatch(/^eu: \d+(\.\d+)? predictions in 2m$/);
    // eu goes quiet: its 2-minute increase falls below 100 once minute 0 leaves the window.
    await store(model).ingest(predictions(model, minute + 2, { eu: 1, us: 200 }), DEFAULT_LIMITS);
    await store(model).ingest(predictions(model, minute + 3, { eu: 1, us: 200 }), DEFAULT_LIMITS);
    const third = await evaluateAt(model, T0 + 3 * MIN + 30_000);
    expect(third.state.alerts!.map((a) => [a.labels.segment_value, a.status])).toEqual([["eu", "inactive"], ["us", "firing"]]);
    expect(third.queued).toEqual(["firing:eu", "resolved:eu", "firing:us"]);
    expect(third.state.status).toBe("firing");
    expect(third.state.health).toBe("ok");
  });

  it("keeps its alerts when the expression changes, and resolves those the new one no longer gives", async () => {
    const model = `promql-change-${nextModel++}`;
    const body = (expr: string) => ({ kind: "promql", expr, receivers: [{ type: "webhook", url: "https://hooks.test/a", secret: "whsec-test-0123456789" }] });
    await install(model, parseRule("busy-region", model, body('increase(driftline_predictions_total{segment="region"}[5m]) > 0'), LIMITS));
    await store(model).ingest(predictions(model, T0 / MIN, { eu: 50, us: 5 }), DEFAULT_LIMITS);
    expect((await evaluateAt(model, T0 + 30_000)).queued).toEqual(["firing:eu", "firing:us"]);
    await runInDurableObject(store(model), (_i: ModelStore, state) => putRule(state.storage.sql, parseRule("busy-region", model, body('increase(driftline_predictions_total{segment="region"}[5m]) > 10'), LIMITS), T0 + 40_000));
    const after = await evaluateAt(model, T0 + 50_000);
    expect(after.state.alerts!.map((a) => [a.labels.segment_value, a.status])).toEqual([["eu", "firing"], ["us", "inactive"]]);
    expect(after.queued).toEqual(["firing:eu", "firing:us", "resolved:us"]);
  });

  it("sees only its own model's series", async () => {
    const model = `promql-scope-${nextModel++}`;
    const other = `promql-scope-${nextModel++}`;
    await store(other).ingest(predictions(other, T0 / MIN, { eu: 500 }), DEFAULT_LIMITS);
    await store(model).ingest(predictions(model, T0 / MIN, { eu: 1 }), DEFAULT_LIMITS);
    const rule = parseRule("busy-region", model, { kind: "promql", expr: "increase(driftline_predictions_total[5m]) > 0" }, LIMITS);
    await install(model, rule);
    const out = await evaluateAt(model, T0 + 30_000);
    // This model's whole-model series and its one segment series; none of the other model's.
    expect(out.state.alerts!.map((a) => [a.labels.model, a.labels.segment_value ?? ""]).sort()).toEqual([[model, ""], [model, "eu"]]);
  });

  it("reports an evaluation error as health err and keeps the alerts as they were", async () => {
    const model = `promql-error-${nextModel++}`;
    await store(model).ingest(predictions(model, T0 / MIN, { eu: 5, us: 5 }), DEFAULT_LIMITS);
    // label_replace gives both regions one label set: an evaluation error, as in Prometheus.
    const rule = parseRule("busy-region", model, { kind: "promql", expr: "label_replace(increase(driftline_predictions_total{segment=\"region\"}[5m]), \"segment_value\", \"x\", \"\", \"\") > 0" }, LIMITS);
    await install(model, rule);
    const out = await evaluateAt(model, T0 + 30_000);
    expect(out.state.health).toBe("err");
    expect(out.state.lastError).toMatch(/vector cannot contain metrics with the same labelset|same labelset/);
  });

  it("shows in /api/v1/rules with keepFiringFor and one alert per output series, templated", async () => {
    const model = `promql-api-${nextModel++}`;
    await store(model).ingest(predictions(model, T0 / MIN, { eu: 50, us: 30 }), DEFAULT_LIMITS);
    const body = { kind: "promql", expr: 'increase(driftline_predictions_total{segment="region"}[5m]) > 10', keep_firing_for: "10m", annotations: { summary: "{{ $labels.segment_value }} busy" } };
    const response = await exports.default.fetch(`http://driftline.test/api/models/${model}/alerts/busy-region`, {
      method: "PUT", headers: { ...bearer(TEST_TOKENS.acme.ingest), "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    // Evaluated here at an explicit time rather than by the alarm PUT armed (which may race it).
    await evaluateAt(model, Date.now());
    const rules = (await (await exports.default.fetch(`http://driftline.test/api/v1/rules?rule_group[]=${model}`, { headers: bearer(TEST_TOKENS.acme.read) })).json()) as { data: { groups: { rules: Record<string, unknown>[] }[] } };
    const [rule] = rules.data.groups[0].rules;
    expect(rule).toMatchObject({ name: "busy-region", query: body.expr, keepFiringFor: 600, duration: 0, state: "firing", health: "ok", annotations: body.annotations });
    const alerts = (rule.alerts as { labels: Record<string, string>; annotations: Record<string, string>; state: string }[]).map((a) => [a.labels.segment_value, a.annotations.summary, a.state]).sort();
    expect(alerts).toEqual([["eu", "eu busy", "firing"], ["us", "us busy", "firing"]]);
  });

  it("refuses at PUT an expression it cannot evaluate, with a 400 naming the problem", async () => {
    const response = await exports.default.fetch(`http://driftline.test/api/models/promql-put/alerts/bad`, {
      method: "PUT", headers: { ...bearer(TEST_TOKENS.acme.ingest), "Content-Type": "application/json" },
      body: JSON.stringify({ kind: "promql", expr: "rate(driftline_predictions_total[5m]" }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/alert rule refused: expr does not parse: 1:\d+: parse error/);
  });
});

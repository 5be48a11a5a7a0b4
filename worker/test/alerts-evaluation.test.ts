import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { DEFAULT_LIMITS, TDigest } from "@driftline/collector";
import type { JoinRecord, ModelBatch, SeriesDelta } from "@driftline/collector";
import { describe, expect, it } from "vitest";
import { SignatureHeader, parseRule, verifySignature } from "@driftline/collector/alerts";
import type { ModelStore } from "../src/store/model-store.ts";
import { evaluateDue } from "../src/store/alerts/evaluate.ts";
import { MAX_ATTEMPTS, MAX_OUTBOX, RETRY_BASE_MS, deliverDue, enqueue, listDeliveries } from "../src/store/alerts/outbox.ts";
import type { Sender } from "../src/store/alerts/outbox.ts";
import { getStoredRule, putRule } from "../src/store/alerts/rules-table.ts";
import type { AlertRule } from "@driftline/collector/alerts";

const MIN = 60_000;
/** A fixed start on a minute boundary, so each step lands in a known minute bucket. */
const T0 = Math.floor(Date.now() / MIN) * MIN;
const SECRET = "whsec-test-0123456789";
let nextModel = 0;
const store = () => env.MODEL_STORE.getByName(`acme\u0000alerts-eval-${nextModel++}`);
const CONTEXT = { categoriesCap: DEFAULT_LIMITS.maxCategoriesPerSeries };

/** Normal(mean, 1) values from a fixed sequence: stable across runs. */
function values(mean: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(mean + Math.sqrt(-2 * Math.log((i + 0.5) / n)) * Math.cos(2.399963 * i));
  return out;
}

function digestOf(xs: number[]): TDigest {
  const d = new TDigest();
  for (const x of xs) d.add(x);
  return d;
}

function incomeAt(minute: number, xs: number[]): ModelBatch {
  const deltas: SeriesDelta[] = [
    { kind: "predictions", version: "v1", name: "", segment: "", minute, records: xs.length, value: xs.length, sketch: null },
    { kind: "numeric_feature", version: "v1", name: "income", segment: "", minute, records: xs.length, value: xs.length, sketch: digestOf(xs).toBytes() },
  ];
  return { modelId: "credit", records: xs.length, deltas, cumulative: [] };
}

const driftRule = (receivers: unknown[] = []) =>
  parseRule("income-drift", "credit", { kind: "drift", version: "v1", feature: "income", window: "2m", threshold: 1, resolveThreshold: 0.5, for: "1m", repeatInterval: "3m", receivers }, { minIntervalMs: 60_000, maxNameLength: 128, receivers: { allowLoopback: false, ownHost: "driftline.test" } });

async function withBaseline() {
  const s = store();
  const baseline = digestOf(values(0, 2000));
  await s.putBaseline("v1", [{ kind: "numeric_feature", name: "income", sketch: baseline.toBytes(), count: baseline.count }], 2000, DEFAULT_LIMITS);
  return s;
}

/**
 * Stores a rule without arming the alarm (the RPC arms it, and the real alarm would evaluate at
 * the real clock, racing the explicit times these tests drive).
 */
function install(s: ReturnType<typeof store>, rule: AlertRule, nowMs = T0) {
  return runInDurableObject(s, (_i: ModelStore, state) => putRule(state.storage.sql, rule, nowMs));
}

/** Evaluates at `nowMs` inside the object and returns the rule's status and what got queued. */
function evaluateAt(s: ReturnType<typeof store>, nowMs: number) {
  return runInDurableObject(s, (_i: ModelStore, state) => {
    const sql = state.storage.sql;
    evaluateDue(sql, nowMs, CONTEXT);
    const stored = getStoredRule(sql, "income-drift")!;
    const queued = sql.exec<{ event: string }>("SELECT event FROM alert_outbox ORDER BY id").toArray().map((r) => r.event);
    return { status: stored.state.status, value: stored.state.value, health: stored.state.health, queued };
  });
}

describe("alert evaluation over the store's own data", () => {
  it("walks a drift rule through pending, firing, a reminder and resolved as drift starts and stops", async () => {
    const s = await withBaseline();
    expect(await install(s, driftRule([{ type: "webhook", url: "https://hooks.test/a", secret: SECRET }]))).toMatchObject({ state: { status: "ok" } });
    const minute = T0 / MIN;
    await s.ingest(incomeAt(minute, values(0, 500)), DEFAULT_LIMITS);
    const calm = await evaluateAt(s, T0 + 30_000);
    expect([calm.status, calm.health, calm.queued]).toEqual(["ok", "ok", []]);
    expect(calm.value).toBeLessThan(0.5);
    // Incomes shift by three standard deviations: PSI far above 1.
    for (let m = 1; m <= 4; m++) await s.ingest(incomeAt(minute + m, values(3, 500)), DEFAULT_LIMITS);
    expect((await evaluateAt(s, T0 + 2 * MIN + 30_000)).status).toBe("pending");
    const fired = await evaluateAt(s, T0 + 3 * MIN + 30_000);
    expect([fired.status, fired.queued]).toEqual(["firing", ["firing"]]);
    expect(fired.value).toBeGreaterThan(1);
    expect((await evaluateAt(s, T0 + 4 * MIN + 30_000)).queued).toEqual(["firing"]);
    // Three minutes after firing: a reminder.
    for (let m = 5; m <= 6; m++) await s.ingest(incomeAt(minute + m, values(3, 500)), DEFAULT_LIMITS);
    expect((await evaluateAt(s, T0 + 6 * MIN + 30_000)).queued).toEqual(["firing", "repeat"]);
    // The drift stops: once the 2-minute window holds only calm minutes, the rule resolves.
    for (let m = 7; m <= 9; m++) await s.ingest(incomeAt(minute + m, values(0, 500)), DEFAULT_LIMITS);
    const resolved = await evaluateAt(s, T0 + 9 * MIN + 30_000);
    expect([resolved.status, resolved.queued]).toEqual(["resolved", ["firing", "repeat", "resolved"]]);
    expect((await evaluateAt(s, T0 + 10 * MIN + 30_000)).status).toBe("ok");
  });

  it("reports health err with the reason when the version has no baseline, and evaluates nothing not yet due", async () => {
    const s = store();
    await install(s, driftRule());
    const out = await evaluateAt(s, T0);
    expect(out.health).toBe("err");
    const view = await s.getAlertRule("income-drift");
    expect(view?.state.lastError).toMatch(/no baseline of feature "income" for version "v1"/);
    // The next evaluation is an interval later: evaluating again at once changes nothing.
    const again = await runInDurableObject(s, (_i: ModelStore, state) => evaluateDue(state.storage.sql, T0 + 1000, CONTEXT));
    expect(again).toBe(0);
  });

  it("reads latency quantiles, error rates and silence for the other kinds", async () => {
    const s = store();
    const minute = T0 / MIN;
    const latency = digestOf(Array.from({ length: 100 }, (_, i) => (i + 1) / 100));
    await s.ingest({ modelId: "m", records: 100, cumulative: [], deltas: [
      { kind: "predictions", version: "v1", name: "", segment: "", minute, records: 100, value: 100, sketch: null },
      { kind: "errors", version: "v1", name: "", segment: "", minute, records: 7, value: 7, sketch: null },
      { kind: "latency", version: "v1", name: "", segment: "", minute, records: 100, value: 100, sketch: latency.toBytes() },
    ] }, DEFAULT_LIMITS);
    const limits = { minIntervalMs: 60_000, maxNameLength: 128, receivers: { allowLoopback: false, ownHost: "driftline.test" } };
    await install(s, parseRule("p90", "m", { kind: "latency", quantile: 0.9, window: "5m", threshold: 0.5 }, limits));
    await install(s, parseRule("errors", "m", { kind: "error_rate", window: "5m", threshold: 0.05 }, limits));
    await install(s, parseRule("silence", "m", { kind: "no_data", duration: "10m" }, limits));
    const at = async (nowMs: number) => {
      await runInDurableObject(s, (_i: ModelStore, state) => evaluateDue(state.storage.sql, nowMs, CONTEXT));
      return Object.fromEntries((await s.listAlertRules()).map((v) => [v.name, [v.state.status, v.state.value]]));
    };
    const now = await at(T0 + 30_000);
    expect(now.p90[0]).toBe("firing");
    expect(now.p90[1]).toBeCloseTo(0.9, 1);
    expect(now.errors).toEqual(["firing", 0.07]);
    // Silence counts from the end of the last minute bucket holding a prediction (T0 + 1 min).
    expect(now.silence).toEqual(["ok", 0]);
    // Twelve minutes on: the windows are empty (no breach) and the model has been silent 11.5 minutes.
    const later = await at(T0 + 12 * MIN + 30_000);
    expect(later.p90).toEqual(["resolved", null]);
    expect(later.errors).toEqual(["resolved", null]);
    expect(later.silence).toEqual(["firing", 690]);
  });

  it("fires an accuracy rule below its bound, and a mean-absolute-error rule above its bound", async () => {
    const s = store();
    const nowMs = Date.now();
    const minute = Math.floor(nowMs / MIN);
    const predicted = (id: string, label: string): JoinRecord => ({ side: "prediction", id, version: "v1", segments: [], minute, timeMs: nowMs, value: null, label, score: null });
    const actual = (id: string, label: string): JoinRecord => ({ side: "actual", id, version: "v1", timeMs: nowMs, value: null, label });
    const joins = (records: JoinRecord[]): ModelBatch => ({ modelId: "m", records: records.length, deltas: [], cumulative: [], joins: records });
    // Four labelled pairs, two of them right: accuracy 0.5, recall of "yes" 0.5.
    await s.ingest(joins([predicted("a", "yes"), predicted("b", "no"), predicted("c", "yes"), predicted("d", "no")]), DEFAULT_LIMITS);
    await s.ingest(joins([actual("a", "yes"), actual("b", "yes"), actual("c", "yes"), actual("d", "yes")]), DEFAULT_LIMITS);
    const limits = { minIntervalMs: 60_000, maxNameLength: 128, receivers: { allowLoopback: false, ownHost: "driftline.test" } };
    await install(s, parseRule("accuracy", "m", { kind: "accuracy", version: "v1", metric: "accuracy", window: "1h", threshold: 0.8, resolveThreshold: 0.9 }, limits));
    await install(s, parseRule("recall-yes", "m", { kind: "accuracy", version: "v1", metric: "recall", class: "yes", window: "1h", threshold: 0.6 }, limits));
    await runInDurableObject(s, (_i: ModelStore, state) => evaluateDue(state.storage.sql, nowMs, CONTEXT));
    const states = Object.fromEntries((await s.listAlertRules()).map((v) => [v.name, [v.state.status, v.state.value, v.state.health]]));
    expect(states.accuracy).toEqual(["firing", 0.5, "ok"]);
    expect(states["recall-yes"]).toEqual(["firing", 0.5, "ok"]);
  });
});

describe("notification delivery", () => {
  async function queuedStore(receivers: unknown[]) {
    const s = store();
    const rule = driftRule(receivers);
    await install(s, rule);
    await runInDurableObject(s, (_i: ModelStore, state) => {
      const fired = { ...getStoredRule(state.storage.sql, rule.name)!.state, status: "firing" as const, value: 2, firingSinceMs: T0, lastEvaluationMs: T0 };
      enqueue(state.storage.sql, rule, "firing", { version: "1", status: "firing", repeat: false, model: "credit", rule: rule.name, kind: "drift", summary: "s", labels: {}, annotations: {}, value: fired.value, threshold: 1, resolveThreshold: 0.5, query: "q", startsAt: "x", endsAt: null, evaluatedAt: "x" }, T0);
    });
    return s;
  }

  const deliver = (s: ReturnType<typeof store>, nowMs: number, send: Sender) => runInDurableObject(s, (_i: ModelStore, state) => deliverDue(state.storage.sql, nowMs, send));

  it("signs webhook bodies so the receiver can verify them, and logs the delivery", async () => {
    const s = await queuedStore([{ type: "webhook", url: "https://hooks.test/a", secret: SECRET }]);
    const seen: { url: string; headers: Record<string, string>; body: string }[] = [];
    expect(await deliver(s, T0, async (url, init) => (seen.push({ url, ...init }), 204))).toBe(1);
    expect(seen).toHaveLength(1);
    const { headers, body } = seen[0];
    expect(await verifySignature(SECRET, { timestamp: headers[SignatureHeader.timestamp], signature: headers[SignatureHeader.signature] }, body, T0 / 1000)).toBe(true);
    expect(JSON.parse(body)).toMatchObject({ status: "firing", rule: "income-drift", value: 2 });
    expect(await s.alertDeliveries("income-drift")).toEqual([expect.objectContaining({ outcome: "delivered", attempt: 1, httpStatus: 204, receiverType: "webhook", event: "firing" })]);
    // Delivered means gone from the outbox: nothing more is sent.
    expect(await deliver(s, T0 + MIN, async () => 200)).toBe(0);
  });

  it("retries a failing receiver with exponential backoff, logs each attempt, and gives up after MAX_ATTEMPTS", async () => {
    const s = await queuedStore([{ type: "slack", url: "https://hooks.slack.test/x" }]);
    let calls = 0;
    const failing: Sender = async () => (calls++, 503);
    let now = T0;
    expect(await deliver(s, now, failing)).toBe(1);
    // Not due again until the backoff has passed.
    expect(await deliver(s, now + RETRY_BASE_MS - 1, failing)).toBe(0);
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      now += RETRY_BASE_MS * 2 ** (attempt - 2);
      expect(await deliver(s, now, failing)).toBe(1);
    }
    expect(calls).toBe(MAX_ATTEMPTS);
    const log = (await s.alertDeliveries("income-drift"))!;
    expect(log.map((d) => d.outcome)).toEqual(["gave_up", ...Array(MAX_ATTEMPTS - 1).fill("retrying")]);
    expect(log.map((d) => d.attempt)).toEqual(Array.from({ length: MAX_ATTEMPTS }, (_, i) => MAX_ATTEMPTS - i));
    expect(log[1]).toMatchObject({ httpStatus: 503, error: "receiver answered 503" });
    expect(log[0].error).toMatch(/gave up after 6 attempts/);
    expect(await deliver(s, now + 3_600_000, failing)).toBe(0);
  });

  it("counts a receiver that does not answer in time as a failed attempt", async () => {
    const s = await queuedStore([{ type: "webhook", url: "https://hooks.test/slow", secret: SECRET, timeoutSeconds: 2 }]);
    const timingOut: Sender = async () => {
      throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
    };
    await deliver(s, T0, timingOut);
    const [entry] = (await s.alertDeliveries("income-drift"))!;
    expect(entry).toMatchObject({ outcome: "retrying", httpStatus: null, error: "no answer within 2 s (the receiver's timeoutSeconds)", nextAttemptAt: new Date(T0 + RETRY_BASE_MS).toISOString() });
  });

  it("keeps the outbox bounded: past MAX_OUTBOX the oldest notification is dropped and logged", async () => {
    const s = await queuedStore([{ type: "slack", url: "https://hooks.slack.test/x" }]);
    await runInDurableObject(s, (_i: ModelStore, state) => {
      const sql = state.storage.sql;
      const { rule } = getStoredRule(sql, "income-drift")!;
      const n = JSON.parse(sql.exec<{ notification: string }>("SELECT notification FROM alert_outbox").one().notification);
      for (let i = 0; i < MAX_OUTBOX; i++) enqueue(sql, rule, "repeat", n, T0 + i);
      expect(sql.exec<{ n: number }>("SELECT count(*) AS n FROM alert_outbox").one().n).toBe(MAX_OUTBOX);
      expect(listDeliveries(sql, "income-drift")).toEqual([expect.objectContaining({ outcome: "dropped", event: "firing", error: expect.stringMatching(/outbox full \(MAX_OUTBOX = 100\)/) })]);
    });
  });
});

import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { DEFAULT_LIMITS } from "@driftline/collector";
import type { ActualJoinRecord, JoinRecord, ModelBatch, PredictionJoinRecord } from "@driftline/collector";
import { describe, expect, it } from "vitest";
import type { ModelStore } from "../src/store/model-store.ts";
import type { AccuracyReport } from "../src/store/read/accuracy.ts";

let nextModel = 0;
const store = () => env.MODEL_STORE.getByName(`tenant\u0000joins-${nextModel++}`);

function prediction(id: string, label: string, score: number | null, timeMs = Date.now(), version = "v1", segments: string[] = []): PredictionJoinRecord {
  return { side: "prediction", id, version, segments, minute: Math.floor(timeMs / 60_000), timeMs, value: null, label, score };
}
function actual(id: string, label: string, timeMs = Date.now(), version = "v1"): ActualJoinRecord {
  return { side: "actual", id, version, timeMs, value: null, label };
}
const batch = (joins: JoinRecord[]): ModelBatch => ({ modelId: "m", records: joins.length, deltas: [], cumulative: [], joins });

async function events(stub: ReturnType<typeof store>): Promise<Record<string, number>> {
  return runInDurableObject(stub, (_i: ModelStore, state) =>
    Object.fromEntries(state.storage.sql.exec<{ name: string; total: number }>("SELECT name, sum(total) AS total FROM series WHERE kind = 'join_events' GROUP BY name").toArray().map((r) => [r.name, r.total])),
  );
}

async function report(stub: ReturnType<typeof store>, window: "1h" | "7d" = "1h"): Promise<AccuracyReport> {
  const r = await stub.accuracy("v1", window, DEFAULT_LIMITS);
  if ("refused" in r) throw new Error(r.refused);
  return r;
}

describe("the accuracy join in the ModelStore", () => {
  it("joins a prediction with the actual that comes after it, once", async () => {
    const s = store();
    await s.ingest(batch([prediction("a", "yes", 0.9), prediction("b", "no", 0.8)]), DEFAULT_LIMITS);
    expect(await s.joinCounts()).toEqual({ waitingPredictions: 2, waitingActuals: 0, joined: 0 });
    await s.ingest(batch([actual("a", "yes"), actual("b", "yes")]), DEFAULT_LIMITS);
    expect(await s.joinCounts()).toEqual({ waitingPredictions: 0, waitingActuals: 0, joined: 2 });
    const r = await report(s);
    expect(r.pairs).toBe(2);
    expect(r.metrics.accuracy).toBe(0.5);
    expect(r.classes.map((c) => [c.label, c.precision, c.recall])).toEqual([["no", 0, 0], ["yes", 1, 0.5]]);
    // Scores are probabilities of the predicted label: −(ln 0.9 + ln 0.2) / 2.
    expect(r.metrics.log_loss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.2)) / 2, 9);
    expect((await events(s)).joined).toBe(2);
  });

  it("joins across a request of more ids than one SQL statement takes, and a pair sent in one request", async () => {
    const s = store();
    // 250 ids: more than one SELECT's 99 and one INSERT's 20 rows (worker/src/store/write/joins.ts).
    const ids = Array.from({ length: 250 }, (_, i) => `id-${i}`);
    await s.ingest(batch(ids.map((id, i) => prediction(id, i % 2 === 0 ? "yes" : "no", 0.6))), DEFAULT_LIMITS);
    expect(await s.joinCounts()).toEqual({ waitingPredictions: 250, waitingActuals: 0, joined: 0 });
    // Actuals for all 250, a prediction and its actual together, and the same new id twice.
    await s.ingest(batch([...ids.map((id) => actual(id, "yes")), prediction("both", "yes", 0.9), actual("both", "yes"), prediction("twice", "no", 0.5), prediction("twice", "no", 0.5)]), DEFAULT_LIMITS);
    expect(await s.joinCounts()).toEqual({ waitingPredictions: 1, waitingActuals: 0, joined: 251 });
    const r = await report(s);
    expect(r.pairs).toBe(251);
    expect(r.metrics.accuracy).toBeCloseTo(126 / 251, 12);
    expect((await events(s)).duplicate).toBe(1);
  });

  it("keeps an actual that comes first until its prediction arrives, and counts the pair in the prediction's minute", async () => {
    const s = store();
    const predictedAtMs = Date.now() - 3 * 3_600_000;
    await s.ingest(batch([actual("early", "yes")]), DEFAULT_LIMITS);
    expect(await s.joinCounts()).toEqual({ waitingPredictions: 0, waitingActuals: 1, joined: 0 });
    await s.ingest(batch([prediction("early", "yes", 0.7, predictedAtMs)]), DEFAULT_LIMITS);
    expect(await s.joinCounts()).toEqual({ waitingPredictions: 0, waitingActuals: 0, joined: 1 });
    const minutes = await runInDurableObject(s, (_i: ModelStore, state) =>
      state.storage.sql.exec<{ minute: number }>("SELECT b.minute FROM bucket_1m b JOIN series s ON s.id = b.series_id WHERE s.kind = 'confusion'").toArray().map((r) => r.minute),
    );
    expect(minutes).toEqual([Math.floor(predictedAtMs / 60_000)]);
    // The last hour holds no prediction; the last day holds this one.
    expect((await report(s, "1h")).pairs).toBe(0);
    expect((await s.accuracy("v1", "1d", DEFAULT_LIMITS)) as AccuracyReport).toMatchObject({ pairs: 1, metrics: { accuracy: 1 } });
  });

  it("ignores and counts a repeated prediction id and a retried actual, so a pair is never joined twice", async () => {
    const s = store();
    await s.ingest(batch([prediction("dup", "yes", 0.6), prediction("dup", "no", 0.6)]), DEFAULT_LIMITS);
    await s.ingest(batch([actual("dup", "yes")]), DEFAULT_LIMITS);
    await s.ingest(batch([actual("dup", "yes"), prediction("dup", "yes", 0.6)]), DEFAULT_LIMITS);
    const r = await report(s);
    expect(r.pairs).toBe(1);
    expect(r.metrics.accuracy).toBe(1);
    expect(await events(s)).toEqual({ joined: 1, duplicate: 3 });
  });

  it("keeps versions apart: an actual joins the prediction of its own version", async () => {
    const s = store();
    await s.ingest(batch([prediction("x", "yes", null, Date.now(), "v1"), prediction("x", "no", null, Date.now(), "v2")]), DEFAULT_LIMITS);
    await s.ingest(batch([actual("x", "yes", Date.now(), "v2")]), DEFAULT_LIMITS);
    expect(await s.joinCounts()).toEqual({ waitingPredictions: 1, waitingActuals: 0, joined: 1 });
    expect((await s.accuracy("v2", "1h", DEFAULT_LIMITS)) as AccuracyReport).toMatchObject({ pairs: 1, metrics: { accuracy: 0 } });
  });

  it("expires predictions and actuals past their TTL in the alarm and counts them", async () => {
    const s = store();
    expect(await s.joinSettings({ ttlSeconds: 60 })).toEqual({ ttlSeconds: 60, maxRows: 1_000_000 });
    const twoMinutesAgo = Date.now() - 120_000;
    await s.ingest(batch([prediction("old", "yes", 0.5, twoMinutesAgo), actual("lonely", "no", twoMinutesAgo), prediction("fresh", "yes", 0.5)]), DEFAULT_LIMITS);
    expect(await runDurableObjectAlarm(s)).toBe(true);
    expect(await s.joinCounts()).toEqual({ waitingPredictions: 1, waitingActuals: 0, joined: 0 });
    expect(await events(s)).toEqual({ expired_prediction: 1, expired_actual: 1 });
    // Idempotent: a second run finds nothing more to expire and counts nothing twice.
    await runDurableObjectAlarm(s);
    expect(await events(s)).toEqual({ expired_prediction: 1, expired_actual: 1 });
    // An actual for the expired prediction now waits on its own.
    await s.ingest(batch([actual("old", "yes")]), DEFAULT_LIMITS);
    expect(await s.joinCounts()).toEqual({ waitingPredictions: 1, waitingActuals: 1, joined: 0 });
  });

  it("refuses and counts records once the join table holds maxRows rows", async () => {
    const s = store();
    await s.joinSettings({ maxRows: 2 });
    await s.ingest(batch([prediction("1", "yes", null), prediction("2", "yes", null), prediction("3", "yes", null)]), DEFAULT_LIMITS);
    expect(await s.joinCounts()).toEqual({ waitingPredictions: 2, waitingActuals: 0, joined: 0 });
    expect(await events(s)).toEqual({ refused_full: 1 });
    // The actual of a waiting prediction still joins: it needs no new row.
    await s.ingest(batch([actual("1", "yes")]), DEFAULT_LIMITS);
    expect((await report(s)).pairs).toBe(1);
  });

  it("refuses settings out of range, naming the limit", async () => {
    const s = store();
    expect(await s.joinSettings({ ttlSeconds: 100 * 86_400 })).toEqual({ refused: expect.stringMatching(/ttlSeconds must be .* \[1, 7689600\]/) });
  });

  it("counts a pair whose prediction is older than the minute buckets in the prediction's hour", async () => {
    const s = store();
    const threeDaysAgo = Date.now() - 3 * 86_400_000;
    await s.ingest(batch([prediction("late", "yes", 0.8, threeDaysAgo)]), DEFAULT_LIMITS);
    await s.ingest(batch([actual("late", "no")]), DEFAULT_LIMITS);
    const hours = await runInDurableObject(s, (_i: ModelStore, state) =>
      state.storage.sql.exec<{ hour: number }>("SELECT b.hour FROM bucket_1h b JOIN series s ON s.id = b.series_id WHERE s.kind = 'confusion'").toArray().map((r) => r.hour),
    );
    expect(hours).toEqual([Math.floor(threeDaysAgo / 3_600_000)]);
    expect((await report(s, "7d")).metrics.accuracy).toBe(0);
    expect((await report(s, "7d")).delay.quantiles[0].seconds).toBeGreaterThan(2.9 * 86_400);
  });
});

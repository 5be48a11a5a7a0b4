/**
 * Windowed accuracy series through the ModelStore's gauge cache (store/read/accuracy-series.ts):
 * a repeated range query is answered from the cache with the same answer, and after late pairs
 * for a closed minute (of a known actual class other than the one the values are cached under,
 * and of a class never seen before) the answer
 * is exactly what a store given every pair at once gives (confusion counts merge exactly).
 */
import { runInDurableObject, env } from "cloudflare:test";
import { CategoricalCounts, DEFAULT_LIMITS } from "@driftline/collector";
import type { ModelBatch, SeriesDelta } from "@driftline/collector";
import { describe, expect, it } from "vitest";
import type { ModelStore } from "../src/store/model-store.ts";
import type { GaugeCache } from "../src/store/read/gauge-cache.ts";
import type { StoreSelect, StoreSeries } from "../src/store/read/select.ts";

const limits = DEFAULT_LIMITS;
let nextModel = 0;

function store() {
  const model = `accuracy-cache-${nextModel++}`;
  return { model, stub: env.MODEL_STORE.getByName(`tenant\u0000${model}`) };
}

/** The pairs of one minute whose actual is `actual`: predicted labels and how often. */
function confusion(minute: number, actual: string, predicted: Record<string, number>): SeriesDelta {
  const counts = new CategoricalCounts();
  let total = 0;
  for (const [label, n] of Object.entries(predicted)) {
    counts.add(label, n);
    total += n;
  }
  return { kind: "confusion", version: "v1", name: actual, segment: "", minute, records: total, value: total, sketch: counts.toBytes() };
}

/** A minute's pairs: mostly right in the first half of the range, mostly wrong after. */
function minutePairs(minute: number, wrong: boolean): SeriesDelta[] {
  return [confusion(minute, "yes", wrong ? { yes: 2, no: 6 } : { yes: 7, no: 1 }), confusion(minute, "no", wrong ? { yes: 5, no: 3 } : { yes: 1, no: 8 })];
}

function batch(deltas: SeriesDelta[]): ModelBatch {
  return { modelId: "m", records: 1, deltas, cumulative: [] };
}

/** The 5-minute window's accuracy series (`only`: those matching its extra label values) over 40 minutes. */
function rangeOver(model: string, endMinute: number, only: Record<string, string> = {}): StoreSelect {
  return {
    model,
    matchers: [
      { name: "__name__", type: "=", value: "driftline_accuracy" },
      { name: "window", type: "=", value: "5m" },
      ...Object.entries(only).map(([name, value]) => ({ name, type: "=" as const, value })),
    ],
    startMs: (endMinute - 40) * 60_000,
    endMs: endMinute * 60_000,
    stepMs: 60_000,
    rangeMs: 0,
    lookbackMs: 300_000,
  };
}

function plain(answer: StoreSeries[] | { refused: string }) {
  if (!Array.isArray(answer)) throw new Error(`refused: ${answer.refused}`);
  return answer
    .map((s) => ({ labels: { ...s.labels, model: "" }, timestamps: [...s.timestamps], values: [...s.values] }))
    .sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
}

function cacheOf(instance: ModelStore): GaugeCache {
  return (instance as unknown as { gaugeCache: GaugeCache }).gaugeCache;
}

describe("ModelStore: accuracy series through the gauge cache", () => {
  it("answers a repeated range query from the cache with the same series and values", async () => {
    const { model, stub } = store();
    const now = Math.floor(Date.now() / 60_000);
    await stub.ingest(batch(Array.from({ length: 30 }, (_, i) => minutePairs(now - 30 + i, i >= 15)).flat()), limits);
    const first = plain(await stub.querySelect(rangeOver(model, now - 1), limits));
    const hitsBefore = await runInDurableObject(stub, (instance: ModelStore) => cacheOf(instance).hits);
    const second = plain(await stub.querySelect(rangeOver(model, now - 1), limits));
    const hitsAfter = await runInDurableObject(stub, (instance: ModelStore) => cacheOf(instance).hits);
    // accuracy, precision, recall and f1 (macro and per class): the metrics confusion counts answer.
    expect(first.length).toBeGreaterThanOrEqual(4);
    expect(new Set(first.flatMap((s) => s.values)).size).toBeGreaterThan(2);
    expect(second).toEqual(first);
    // Every series at each evaluation time was a hit: the minutes from the range's start plus the
    // lookback (5 minutes) to its end, 36 closed minutes (gaugeTimes in select.ts).
    expect(hitsAfter - hitsBefore).toBe(first.length * 36);
  });

  it("keeps every figure of the windows it computed, so the other panels of a dashboard read them from the cache", async () => {
    const { model, stub } = store();
    const fresh = store();
    const now = Math.floor(Date.now() / 60_000);
    const pairs = Array.from({ length: 30 }, (_, i) => minutePairs(now - 30 + i, i >= 15)).flat();
    await stub.ingest(batch(pairs), limits);
    await fresh.stub.ingest(batch(pairs), limits);
    plain(await stub.querySelect(rangeOver(model, now - 1, { metric: "accuracy", class: "" }), limits));
    const missesBefore = await runInDurableObject(stub, (instance: ModelStore) => cacheOf(instance).misses);
    // Every accuracy series: the macro metrics and the per-class precision, recall and F1.
    const all = plain(await stub.querySelect(rangeOver(model, now - 1), limits));
    const missesAfter = await runInDurableObject(stub, (instance: ModelStore) => cacheOf(instance).misses);
    expect(all.length).toBe(10);
    expect(missesAfter - missesBefore).toBe(0);
    expect(all).toEqual(plain(await fresh.stub.querySelect(rangeOver(fresh.model, now - 1), limits)));
  });

  // The group's values are cached under its lowest series id: the "yes" class's, created first.
  it("after late pairs of another known class for a closed minute, answers what a store given every pair at once answers", async () => {
    await expectLateAnswer([confusion(Math.floor(Date.now() / 60_000) - 20, "no", { yes: 40 })]);
  });

  it("after late pairs of a class never seen before, answers what a store given every pair at once answers", async () => {
    // Only the macro accuracy is asked: the new class adds no series to the answer, only to its values.
    await expectLateAnswer([confusion(Math.floor(Date.now() / 60_000) - 18, "maybe", { maybe: 3, yes: 30 })], { metric: "accuracy", class: "" });
  });
});

/** Late pairs sent to a store that answered before them: its answer after them is a fresh store's, and differs from before. */
async function expectLateAnswer(late: SeriesDelta[], only: Record<string, string> = {}): Promise<void> {
  const cached = store();
  const fresh = store();
  const now = Math.floor(Date.now() / 60_000);
  const early = Array.from({ length: 25 }, (_, i) => minutePairs(now - 30 + i, false)).flat();
  await cached.stub.ingest(batch(early), limits);
  const before = plain(await cached.stub.querySelect(rangeOver(cached.model, now - 1, only), limits));
  await cached.stub.ingest(batch(late), limits);
  await fresh.stub.ingest(batch([...early, ...late]), limits);
  const after = plain(await cached.stub.querySelect(rangeOver(cached.model, now - 1, only), limits));
  const truth = plain(await fresh.stub.querySelect(rangeOver(fresh.model, now - 1, only), limits));
  expect(after).toEqual(truth);
  expect(after).not.toEqual(before);
}

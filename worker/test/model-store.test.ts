import { env } from "cloudflare:workers";
import { CategoricalCounts, DEFAULT_LIMITS, TDigest } from "@driftline/collector";
import type { CumulativePoint, Limits, ModelBatch, SeriesDelta } from "@driftline/collector";
import { describe, expect, it } from "vitest";

const MINUTE = Math.floor(Date.now() / 60_000);
let nextModel = 0;

/** A fresh store per test: Durable Object storage persists across tests in a file. */
function store() {
  return env.MODEL_STORE.getByName(`tenant\u0000model-${nextModel++}`);
}

function digestDelta(name: string, values: number[], minute = MINUTE, extra: Partial<SeriesDelta> = {}): SeriesDelta {
  const digest = new TDigest();
  for (const v of values) digest.add(v);
  return { kind: "numeric_feature", version: "v1", name, segment: "", minute, records: values.length, value: values.length, sketch: digest.toBytes(), ...extra };
}

function counter(kind: "predictions" | "errors", value: number, extra: Partial<SeriesDelta> = {}): SeriesDelta {
  return { kind, version: "v1", name: "", segment: "", minute: MINUTE, records: value, value, sketch: null, ...extra };
}

function batch(deltas: SeriesDelta[], cumulative: CumulativePoint[] = []): ModelBatch {
  return { modelId: "m", records: 1, deltas, cumulative };
}

const limits = (overrides: Partial<Limits> = {}): Limits => ({ ...DEFAULT_LIMITS, ...overrides });

describe("ModelStore.ingest", () => {
  it("adds counters and merges sketches across requests into one minute bucket", async () => {
    const s = store();
    await s.ingest(batch([counter("predictions", 3), digestDelta("x", [1, 2, 3])]), limits());
    await s.ingest(batch([counter("predictions", 2), digestDelta("x", [10, 20])]), limits());
    const summary = await s.summary();
    expect(summary.versions).toEqual([expect.objectContaining({ version: "v1", predictions: 5 })]);
    expect(summary.series.find((x) => x.name === "x")).toMatchObject({ total: 5 });
  });

  it("reports the bytes its database takes, which grow as minute buckets are written", async () => {
    const s = store();
    const empty = (await s.summary()).storageBytes;
    expect(empty).toBeGreaterThan(0);
    const values = Array.from({ length: 2000 }, (_, i) => Math.sin(i) * 1000);
    await s.ingest(batch(Array.from({ length: 30 }, (_, m) => digestDelta(`f${m}`, values, MINUTE - m))), limits());
    expect((await s.summary()).storageBytes).toBeGreaterThan(empty + 30 * 500);
  });

  it("merges categorical counts", async () => {
    const s = store();
    for (const values of [["a", "b"], ["a"]]) {
      const counts = new CategoricalCounts();
      for (const v of values) counts.add(v);
      await s.ingest(batch([{ kind: "categorical_feature", version: "v1", name: "c", segment: "", minute: MINUTE, records: values.length, value: values.length, sketch: counts.toBytes() }]), limits());
    }
    expect((await s.summary()).series).toEqual([expect.objectContaining({ kind: "categorical_feature", name: "c", total: 3 })]);
  });

  it("refuses features past maxFeaturesPerModel and reports them, without storing them", async () => {
    const s = store();
    const receipt = await s.ingest(batch([digestDelta("a", [1]), digestDelta("b", [1]), digestDelta("c", [1, 2])]), limits({ maxFeaturesPerModel: 2 }));
    expect(receipt.rejected).toBe(2);
    expect(receipt.message).toMatch(/maxFeaturesPerModel \(2\)/);
    const again = await s.ingest(batch([digestDelta("a", [5])]), limits({ maxFeaturesPerModel: 2 }));
    expect(again.rejected).toBe(0);
    const summary = await s.summary();
    expect(summary.series.map((x) => x.name).sort()).toEqual(["a", "b"]);
    // Counted in values: feature "c" brought two.
    expect(summary.rejected).toEqual({ "model has maxFeaturesPerModel (2) features": 2 });
  });

  it("files segment values past the cap under __other__", async () => {
    const s = store();
    const deltas = ["eu", "us", "apac", "latam"].map((region) => counter("predictions", 1, { segment: `region=${region}` }));
    await s.ingest(batch(deltas), limits({ maxSegmentValuesPerSegment: 3 }));
    const segments = (await s.summary()).series.map((x) => `${x.segment}:${x.total}`).sort();
    expect(segments).toEqual(["region=__other__:2", "region=eu:1", "region=us:1"]);
  });

  it("turns cumulative points into deltas per stream, ignoring a repeated point", async () => {
    const s = store();
    const start = BigInt(Date.now() - 60_000) * 1_000_000n;
    const point = (value: number, offsetMs: number): CumulativePoint => ({
      stream: "abc",
      startTimeUnixNano: start,
      timeUnixNano: start + BigInt(offsetMs) * 1_000_000n,
      minute: MINUTE,
      value: { type: "sum", value },
      digest: null,
      counters: [{ kind: "predictions", version: "v1", name: "", segment: "" }],
      valueScale: 1,
    });
    await s.ingest(batch([], [point(10, 1000)]), limits());
    await s.ingest(batch([], [point(25, 2000)]), limits());
    await s.ingest(batch([], [point(25, 2000)]), limits());
    await s.ingest(batch([], [point(30, 3000)]), limits());
    expect((await s.summary()).versions[0].predictions).toBe(30);
  });
});

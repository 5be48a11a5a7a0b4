import { env, runInDurableObject } from "cloudflare:test";
import { CategoricalCounts, DEFAULT_LIMITS, TDigest } from "@driftline/collector";
import type { ModelBatch, SeriesDelta } from "@driftline/collector";
import { describe, expect, it } from "vitest";
import type { ModelStore } from "../src/store/model-store.ts";
import type { StoreSeries } from "../src/store/read/select.ts";

const MINUTE = Math.floor(Date.now() / 60_000);
const limits = DEFAULT_LIMITS;
let nextModel = 0;

/** A fresh store per test: Durable Object storage persists across tests in a file. */
function store() {
  const model = `query-model-${nextModel++}`;
  return { model, stub: env.MODEL_STORE.getByName(`tenant\u0000${model}`) };
}

function digest(values: readonly number[]): TDigest {
  const d = new TDigest();
  for (const v of values) d.add(v);
  return d;
}

function digestDelta(kind: SeriesDelta["kind"], name: string, values: number[], minute: number): SeriesDelta {
  return { kind, version: "v1", name, segment: "", minute, records: values.length, value: values.length, sketch: digest(values).toBytes() };
}

function counter(kind: "predictions" | "errors" | "actual_value", value: number, minute: number): SeriesDelta {
  return { kind, version: "v1", name: "", segment: "", minute, records: value, value, sketch: null };
}

function batch(deltas: SeriesDelta[]): ModelBatch {
  return { modelId: "m", records: 1, deltas, cumulative: [] };
}

const range = <T,>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

/** The answer's series, failing the test on a refusal. */
function ok<T>(answer: T[] | { refused: string }): T[] {
  if (!Array.isArray(answer)) throw new Error(`refused: ${answer.refused}`);
  return answer;
}

function byName(series: StoreSeries[], name: string): StoreSeries[] {
  return series.filter((s) => s.labels.__name__ === name);
}

function instant(model: string, selector: Record<string, string>, timeMs = MINUTE * 60_000) {
  return {
    model,
    matchers: Object.entries(selector).map(([name, value]) => ({ name, type: "=" as const, value })),
    startMs: timeMs - 300_000,
    endMs: timeMs,
    stepMs: 0,
    rangeMs: 0,
    lookbackMs: 300_000,
  };
}

describe("ModelStore.querySelect: counters", () => {
  it("samples a counter at each minute boundary, from 0 at the start of its first minute", async () => {
    const { model, stub } = store();
    await stub.ingest(batch([counter("predictions", 5, MINUTE - 3), counter("predictions", 2, MINUTE - 1)]), limits);
    const series = ok(await stub.querySelect({ ...instant(model, { __name__: "driftline_predictions_total" }), startMs: (MINUTE - 10) * 60_000, rangeMs: 600_000 }, limits));
    expect(series).toHaveLength(1);
    expect(series[0].labels).toEqual({ __name__: "driftline_predictions_total", model, version: "v1" });
    expect([...series[0].timestamps]).toEqual([MINUTE - 3, MINUTE - 2, MINUTE - 1, MINUTE].map((m) => m * 60_000));
    expect([...series[0].values]).toEqual([0, 5, 5, 7]);
  });

  it("adds a sample at min(end, now) so the current minute shows right after ingest", async () => {
    const { model, stub } = store();
    const nowMinute = Math.floor(Date.now() / 60_000);
    await stub.ingest(batch([counter("predictions", 4, nowMinute - 1), counter("predictions", 3, nowMinute)]), limits);
    const before = Date.now();
    const [series] = ok(await stub.querySelect({ ...instant(model, { __name__: "driftline_predictions_total" }), startMs: (nowMinute - 2) * 60_000, endMs: before + 3_600_000 }, limits));
    const last = series.timestamps.length - 1;
    expect(series.timestamps[last]).toBeGreaterThanOrEqual(before);
    expect(series.timestamps[last]).toBeLessThanOrEqual(Date.now());
    expect(series.values[last]).toBe(7);
  });

  it("never lets a counter go down when its oldest minute buckets expire", async () => {
    const { model, stub } = store();
    await stub.ingest(batch([counter("predictions", 5, MINUTE - 3), counter("predictions", 2, MINUTE - 1)]), limits);
    await runInDurableObject(stub, (instance: ModelStore, state) => {
      void instance;
      state.storage.sql.exec("DELETE FROM bucket_1m WHERE minute = ?", MINUTE - 3);
    });
    const series = ok(await stub.querySelect({ ...instant(model, { __name__: "driftline_predictions_total" }), startMs: (MINUTE - 2) * 60_000 }, limits));
    expect([...series[0].values]).toEqual([5, 5, 7]);
  });

  it("answers a range older than the minute retention from the hourly rollups", async () => {
    const { model, stub } = store();
    const hour = Math.floor(MINUTE / 60) - 100;
    await runInDurableObject(stub, (_instance: ModelStore, state) => {
      const sql = state.storage.sql;
      const { id } = sql
        .exec<{ id: number }>("INSERT INTO series (kind, version, name, segment, first_minute, last_minute, total) VALUES ('predictions', 'v1', '', '', ?, ?, 10) RETURNING id", hour * 60 + 5, (hour + 1) * 60 + 7)
        .one();
      sql.exec("INSERT INTO bucket_1h (series_id, hour, value) VALUES (?, ?, 4), (?, ?, 6)", id, hour, id, hour + 1);
    });
    const request = { ...instant(model, { __name__: "driftline_predictions_total" }), startMs: (hour - 2) * 3_600_000, endMs: (hour + 3) * 3_600_000, stepMs: 3_600_000 };
    const [series] = ok(await stub.querySelect(request, limits));
    expect([...series.timestamps]).toEqual([hour, hour + 1, hour + 2, hour + 3].map((h) => h * 3_600_000));
    expect([...series.values]).toEqual([0, 4, 10, 10]);
  });

  it("adds actual values and labels into driftline_actuals_total", async () => {
    const { model, stub } = store();
    const labels: SeriesDelta = { kind: "actual_label", version: "v1", name: "", segment: "", minute: MINUTE - 1, records: 2, value: 2, sketch: new CategoricalCounts().toBytes() };
    const counts = new CategoricalCounts();
    counts.add("yes");
    counts.add("no");
    labels.sketch = counts.toBytes();
    await stub.ingest(batch([digestDelta("actual_value", "", [1, 2, 3], MINUTE - 1), labels]), limits);
    const series = ok(await stub.querySelect(instant(model, { __name__: "driftline_actuals_total" }), limits));
    expect(series).toHaveLength(1);
    expect(series[0].values[series[0].values.length - 1]).toBe(5);
  });
});

describe("ModelStore.querySelect: latency histogram", () => {
  it("counts each le bucket from the latency digests and keeps +Inf equal to _count", async () => {
    const { model, stub } = store();
    await stub.ingest(batch([digestDelta("latency", "", [0.002, 0.002, 0.002, 0.3, 0.3], MINUTE - 2)]), limits);
    const request = { ...instant(model, {}), matchers: [{ name: "__name__", type: "=~" as const, value: "driftline_prediction_duration_seconds_(bucket|count)" }] };
    const series = ok(await stub.querySelect(request, limits));
    const last = (le: string) => {
      const s = byName(series, "driftline_prediction_duration_seconds_bucket").find((x) => x.labels.le === le)!;
      return s.values[s.values.length - 1] - s.values[0];
    };
    expect(last("0.001")).toBeCloseTo(0, 6);
    expect(last("0.005")).toBeCloseTo(3, 1);
    expect(last("0.25")).toBeCloseTo(3, 1);
    expect(last("0.5")).toBeCloseTo(5, 6);
    const count = byName(series, "driftline_prediction_duration_seconds_count")[0];
    const inf = byName(series, "driftline_prediction_duration_seconds_bucket").find((x) => x.labels.le === "+Inf")!;
    expect([...inf.values]).toEqual([...count.values]);
    expect(count.values[count.values.length - 1]).toBe(5);
  });

  it("answers histogram_quantile from the merged digest of each window", async () => {
    const { model, stub } = store();
    await stub.ingest(batch([digestDelta("latency", "", range(100, (i) => (i + 1) / 1000), MINUTE - 2)]), limits);
    await stub.ingest(batch([digestDelta("latency", "", range(100, (i) => (i + 101) / 1000), MINUTE - 1)]), limits);
    const times = Float64Array.of((MINUTE - 10) * 60_000, (MINUTE - 2) * 60_000, MINUTE * 60_000);
    const [answer] = ok(await stub.queryLatencyQuantiles({ model, q: 0.5, matchers: [], groupBy: [], rangeMs: 300_000, timesMs: times }, limits));
    expect(answer.labels).toEqual({ model });
    expect([...answer.present]).toEqual([0, 1, 1]);
    expect(answer.values[1]).toBeCloseTo(0.0505, 2);
    expect(answer.values[2]).toBeCloseTo(0.1005, 2);
  });
});

describe("ModelStore.querySelect: windowed gauges", () => {
  async function driftedStore() {
    const { model, stub } = store();
    const baselineValues = range(500, (i) => (i % 100) / 100);
    const drifted = range(500, (i) => 5 + (i % 100) / 100);
    await stub.putBaseline(
      "v1",
      [
        { kind: "numeric_feature", name: "stable", sketch: digest(baselineValues).toBytes(), count: 500 },
        { kind: "numeric_feature", name: "moved", sketch: digest(baselineValues).toBytes(), count: 500 },
      ],
      500,
      limits,
    );
    await stub.ingest(batch([digestDelta("numeric_feature", "stable", baselineValues, MINUTE - 1), digestDelta("numeric_feature", "moved", drifted, MINUTE - 1)]), limits);
    return { model, stub };
  }

  it("reports drift status 2 for a drifted feature and 0 for a stable one over window=5m", async () => {
    const { model, stub } = await driftedStore();
    const series = ok(await stub.querySelect(instant(model, { __name__: "driftline_drift_status", window: "5m" }), limits));
    const status = Object.fromEntries(series.map((s) => [s.labels.feature, [...s.values]]));
    expect(status).toEqual({ stable: [0], moved: [2] });
    expect(series[0].timestamps[0]).toBe(MINUTE * 60_000);
  });

  it("computes only the series the matchers select", async () => {
    const { model, stub } = await driftedStore();
    const series = ok(await stub.querySelect(instant(model, { __name__: "driftline_feature_drift", feature: "moved", method: "psi", window: "1h" }), limits));
    expect(series.map((s) => s.labels)).toEqual([{ __name__: "driftline_feature_drift", model, version: "v1", feature: "moved", method: "psi", window: "1h" }]);
    expect(series[0].values[0]).toBeGreaterThan(0.25);
  });

  it("reports a numeric feature's quantiles and missing ratio over the window", async () => {
    const { model, stub } = await driftedStore();
    const series = ok(await stub.querySelect(instant(model, { feature: "moved", window: "1d" }), limits));
    const median = byName(series, "driftline_feature_quantile").find((s) => s.labels.quantile === "0.5")!;
    expect(median.values[0]).toBeCloseTo(5.5, 1);
    // The missing ratio divides by the version's predictions: none were counted, so no value.
    expect(byName(series, "driftline_feature_missing_ratio")).toEqual([]);
    // 600 predictions, 500 of which carried the feature: a sixth missing.
    await stub.ingest(batch([counter("predictions", 600, MINUTE - 1)]), limits);
    const again = ok(await stub.querySelect(instant(model, { feature: "moved", window: "1d" }), limits));
    expect(byName(again, "driftline_feature_missing_ratio")[0].values[0]).toBeCloseTo(1 / 6, 12);
  });

  it("takes a whole hour inside a window from its clean rollup, not its minutes, and a dirty hour from its minutes", async () => {
    const { model, stub } = store();
    const hour = Math.floor(MINUTE / 60) - 2;
    let seriesId = 0;
    await runInDurableObject(stub, (_instance: ModelStore, state) => {
      const sql = state.storage.sql;
      const { id } = sql.exec<{ id: number }>("INSERT INTO series (kind, version, name, segment, first_minute, last_minute, total) VALUES ('numeric_feature', 'v1', 'x', '', ?, ?, 3) RETURNING id", hour * 60, hour * 60 + 2).one();
      seriesId = id;
      // Different values in the rollup and in its minutes show which one the window read.
      sql.exec("INSERT INTO bucket_1h (series_id, hour, value, sketch) VALUES (?, ?, 3, ?)", id, hour, digest([10, 10, 10]).toBytes());
      for (let m = 0; m < 3; m++) sql.exec("INSERT INTO bucket_1m (series_id, minute, value, sketch) VALUES (?, ?, 1, ?)", id, hour * 60 + m, digest([1]).toBytes());
    });
    const endOfHourMs = ((hour + 1) * 60 - 1) * 60_000;
    const median = async () => ok(await stub.querySelect(instant(model, { __name__: "driftline_feature_quantile", window: "1h", quantile: "0.5" }, endOfHourMs), limits))[0].values[0];
    expect(await median()).toBe(10);
    await runInDurableObject(stub, (instance: ModelStore, state) => {
      state.storage.sql.exec("INSERT INTO dirty_rollups (level, bucket) VALUES ('h', ?)", hour);
      // Late data marks an hour dirty through ingest, which also tells the gauge cache
      // (store/read/gauge-cache.ts); marked by hand here, so the cache is told by hand.
      (instance as unknown as { gaugeCache: { invalidate(seriesId: number, minute: number): void } }).gaugeCache.invalidate(seriesId, hour * 60);
    });
    expect(await median()).toBe(1);
  });

  it("has no drift sample in a window without traffic", async () => {
    const { model, stub } = await driftedStore();
    const series = ok(await stub.querySelect(instant(model, { __name__: "driftline_drift_status", window: "5m" }, (MINUTE + 30) * 60_000), limits));
    expect(series).toEqual([]);
  });

  it("answers a 7d window at every minute of a week, which merging each window from scratch would refuse", async () => {
    const { model, stub } = store();
    await stub.ingest(batch(range(2000, (i) => digestDelta("numeric_feature", "x", [i], MINUTE - 2000 + i))), limits);
    // 10 081 evaluation times; the last 2 000 windows hold up to 2 000 minute buckets each: about
    // 12 million merges from scratch, a few per step with sliding windows (window-reader.ts).
    // (The refusal past MAX_SKETCH_MERGES itself: worker/test/window-reader.test.ts.)
    const request = { ...instant(model, { __name__: "driftline_feature_quantile", window: "7d", quantile: "0.5" }), startMs: (MINUTE - 1440 * 7) * 60_000 - 300_000, stepMs: 60_000 };
    const [series] = ok(await stub.querySelect(request, limits));
    // A sample at every time from the first minute with data to the end (2 001 times); the
    // last window holds all of 0 … 1999.
    expect(series.values.length).toBe(2001);
    expect(Math.abs(series.values[series.values.length - 1] - 999.5)).toBeLessThanOrEqual(2000 * 5e-3);
  });

  it("merges only the buckets present, so a sparse series over a long range stays under the limit", async () => {
    const { model, stub } = store();
    await stub.ingest(batch([digestDelta("numeric_feature", "x", [1, 2, 3], MINUTE - 1)]), limits);
    const request = { ...instant(model, { __name__: "driftline_feature_quantile", window: "7d", quantile: "0.5" }), startMs: (MINUTE - 1440 * 7) * 60_000 - 300_000, stepMs: 60_000 };
    const [series] = ok(await stub.querySelect(request, limits));
    expect(series.values.length).toBe(2);
    expect(series.values[0]).toBe(2);
  });
});

describe("ModelStore.querySeries", () => {
  it("lists label sets per window and method without computing them", async () => {
    const { model, stub } = store();
    await stub.ingest(batch([counter("predictions", 1, MINUTE), digestDelta("numeric_feature", "x", [1, 2], MINUTE)]), limits);
    await stub.putBaseline("v1", [{ kind: "numeric_feature", name: "x", sketch: digest([1, 2]).toBytes(), count: 2 }], 2, limits);
    const all = await stub.querySeries(model, []);
    expect(all.filter((l) => l.__name__ === "driftline_feature_drift").map((l) => `${l.method}/${l.window}`).sort()).toEqual(
      ["hellinger", "js", "ks", "psi", "wasserstein"].flatMap((m) => ["1d", "1h", "5m", "7d"].map((w) => `${m}/${w}`)).sort(),
    );
    const one = await stub.querySeries(model, [[{ name: "__name__", type: "=", value: "driftline_predictions_total" }]]);
    expect(one).toEqual([{ __name__: "driftline_predictions_total", model, version: "v1" }]);
  });
});

describe("ModelStore.queryCurrent", () => {
  it("reports counters at their lifetime totals and the gauges of every window", async () => {
    const { model, stub } = store();
    await stub.ingest(batch([counter("predictions", 4, MINUTE - 1), counter("predictions", 3, MINUTE), digestDelta("numeric_feature", "x", [1, 2, 3], MINUTE)]), limits);
    const current = await stub.queryCurrent(model, limits);
    expect(current.find((s) => s.labels.__name__ === "driftline_predictions_total")?.value).toBe(7);
    const windows = current.filter((s) => s.labels.__name__ === "driftline_feature_missing_ratio").map((s) => s.labels.window).sort();
    expect(windows).toEqual(["1d", "1h", "5m", "7d"]);
  });
});

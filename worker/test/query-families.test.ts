/**
 * The series issue 5 and 6 added to the query layer, read straight from a ModelStore: segment
 * labels, custom metrics, GenAI tokens, the baseline's quantiles, and the metadata routes'
 * start/end (docs/query-api.md, docs/segments.md).
 */
import { env } from "cloudflare:test";
import { DEFAULT_LIMITS, TDigest } from "@driftline/collector";
import type { ModelBatch, SeriesDelta } from "@driftline/collector";
import { describe, expect, it } from "vitest";

const MINUTE = Math.floor(Date.now() / 60_000);
const limits = DEFAULT_LIMITS;
let nextModel = 0;

function store() {
  const model = `families-model-${nextModel++}`;
  return { model, stub: env.MODEL_STORE.getByName(`tenant\u0000${model}`) };
}

function digest(values: readonly number[]): TDigest {
  const d = new TDigest();
  for (const v of values) d.add(v);
  return d;
}

type Ref = { kind: SeriesDelta["kind"]; name?: string; segment?: string; version?: string };

function digestDelta(ref: Ref, values: number[], minute = MINUTE): SeriesDelta {
  return { kind: ref.kind, version: ref.version ?? "v1", name: ref.name ?? "", segment: ref.segment ?? "", minute, records: values.length, value: values.length, sketch: digest(values).toBytes() };
}

function counter(ref: Ref, value: number, minute = MINUTE): SeriesDelta {
  return { kind: ref.kind, version: ref.version ?? "v1", name: ref.name ?? "", segment: ref.segment ?? "", minute, records: value, value, sketch: null };
}

function batch(deltas: SeriesDelta[]): ModelBatch {
  return { modelId: "m", records: 1, deltas, cumulative: [] };
}

function ok<T>(answer: T[] | { refused: string }): T[] {
  if (!Array.isArray(answer)) throw new Error(`refused: ${answer.refused}`);
  return answer;
}

function instant(model: string, matchers: { name: string; type: "=" | "=~" | "!=" | "!~"; value: string }[], timeMs = Date.now()) {
  return { model, matchers, startMs: timeMs - 300_000, endMs: timeMs, stepMs: 0, rangeMs: 0, lookbackMs: 300_000 };
}

const eq = (name: string, value: string) => ({ name, type: "=" as const, value });

describe("segments", () => {
  it("labels segment series with segment and segment_value, and {segment=\"\"} selects only the whole model", async () => {
    const { model, stub } = store();
    await stub.ingest(batch([counter({ kind: "predictions" }, 5), counter({ kind: "predictions", segment: "region=eu" }, 3), counter({ kind: "predictions", segment: "region=us" }, 2)]), limits);
    const all = ok(await stub.querySelect(instant(model, [eq("__name__", "driftline_predictions_total")]), limits));
    expect(all.map((s) => [s.labels.segment ?? "", s.labels.segment_value ?? "", s.values.at(-1)]).sort()).toEqual([
      ["", "", 5],
      ["region", "eu", 3],
      ["region", "us", 2],
    ]);
    const whole = ok(await stub.querySelect(instant(model, [eq("__name__", "driftline_predictions_total"), eq("segment", "")]), limits));
    expect(whole.map((s) => s.labels)).toEqual([{ __name__: "driftline_predictions_total", model, version: "v1" }]);
  });

  it("computes drift of a segment series against the version's baseline", async () => {
    const { model, stub } = store();
    const base = Array.from({ length: 500 }, (_, i) => i / 5);
    await stub.putBaseline("v1", [{ kind: "numeric_feature", name: "x", sketch: digest(base).toBytes(), count: base.length }], base.length, limits);
    await stub.ingest(
      batch([
        digestDelta({ kind: "numeric_feature", name: "x", segment: "region=eu" }, base),
        digestDelta({ kind: "numeric_feature", name: "x", segment: "region=us" }, base.map((v) => v + 200)),
      ]),
      limits,
    );
    const status = ok(await stub.querySelect(instant(model, [eq("__name__", "driftline_drift_status"), eq("window", "5m"), eq("segment", "region")]), limits));
    expect(Object.fromEntries(status.map((s) => [s.labels.segment_value, s.values.at(-1)]))).toEqual({ eu: 0, us: 2 });
  });

  it("groups the latency pushdown by segment_value when the grouping keeps it", async () => {
    const { model, stub } = store();
    await stub.ingest(batch([digestDelta({ kind: "latency", segment: "region=eu" }, [0.01, 0.01, 0.01]), digestDelta({ kind: "latency", segment: "region=us" }, [0.5, 0.5, 0.5])]), limits);
    const times = Float64Array.of(Date.now());
    const answer = ok(await stub.queryLatencyQuantiles({ model, q: 0.5, matchers: [eq("segment", "region")], groupBy: ["segment_value"], rangeMs: 300_000, timesMs: times }, limits));
    expect(Object.fromEntries(answer.map((s) => [s.labels.segment_value, s.values[0]]))).toEqual({ eu: 0.01, us: 0.5 });
  });
});

describe("custom metrics", () => {
  it("serves a sum as driftline_custom_<name>_total with its attributes as labels", async () => {
    const { model, stub } = store();
    await stub.ingest(batch([counter({ kind: "custom_sum", name: 'queue.depth{region="eu"}' }, 7), digestDelta({ kind: "custom_values", name: 'queue.depth{region="eu"}' }, [7])]), limits);
    const series = ok(await stub.querySelect(instant(model, [{ name: "__name__", type: "=~", value: "driftline_custom_.+" }]), limits));
    expect(series.map((s) => s.labels)).toEqual([{ __name__: "driftline_custom_queue_depth_total", region: "eu", model, version: "v1" }]);
    expect(series[0].values.at(-1)).toBe(7);
  });

  it("serves a gauge as a windowed summary, renaming an attribute that collides with a Driftline label", async () => {
    const { model, stub } = store();
    await stub.ingest(batch([digestDelta({ kind: "custom_values", name: 'gpu.temp{model="a100"}' }, [60, 70, 80])]), limits);
    const series = ok(await stub.querySelect(instant(model, [eq("__name__", "driftline_custom_gpu_temp"), eq("window", "5m")]), limits));
    const byQuantile = Object.fromEntries(series.map((s) => [s.labels.quantile, s.values.at(-1)]));
    expect(byQuantile).toMatchObject({ "0": 60, "1": 80 });
    expect(series[0].labels).toMatchObject({ exported_model: "a100", model, window: "5m" });
  });
});

describe("GenAI tokens and baseline quantiles", () => {
  it("counts tokens per type in driftline_genai_tokens_total", async () => {
    const { model, stub } = store();
    await stub.ingest(batch([digestDelta({ kind: "genai_tokens", name: "input" }, [100, 300], MINUTE - 1), digestDelta({ kind: "genai_tokens", name: "output" }, [50], MINUTE - 1)]), limits);
    const request = { ...instant(model, [eq("__name__", "driftline_genai_tokens_total")]), startMs: (MINUTE - 5) * 60_000, rangeMs: 300_000 };
    const series = ok(await stub.querySelect(request, limits));
    // Differences are exact: the increase over the read is the tokens used.
    expect(Object.fromEntries(series.map((s) => [s.labels.type, (s.values.at(-1) ?? 0) - s.values[0]]))).toEqual({ input: 400, output: 50 });
  });

  it("serves the baseline's quantiles of a numeric feature, the same at every time", async () => {
    const { model, stub } = store();
    const base = Array.from({ length: 1001 }, (_, i) => i);
    await stub.putBaseline("v1", [{ kind: "numeric_feature", name: "x", sketch: digest(base).toBytes(), count: base.length }], base.length, limits);
    await stub.ingest(batch([digestDelta({ kind: "numeric_feature", name: "x" }, [1])]), limits);
    const request = { ...instant(model, [eq("__name__", "driftline_baseline_quantile"), eq("quantile", "0.5")]), stepMs: 60_000 };
    const [series] = ok(await stub.querySelect(request, limits));
    expect(series.labels).toEqual({ __name__: "driftline_baseline_quantile", model, version: "v1", feature: "x", quantile: "0.5" });
    expect(new Set(series.values).size).toBe(1);
    expect(series.values[0]).toBeCloseTo(500, 0);
  });
});

describe("metadata start and end", () => {
  it("lists the series whose first to last minute overlaps the range, windowed gauges while their window holds data", async () => {
    const { model, stub } = store();
    await stub.ingest(batch([counter({ kind: "predictions", version: "old" }, 1, MINUTE - 600), digestDelta({ kind: "numeric_feature", name: "x", version: "old" }, [1], MINUTE - 600)]), limits);
    await stub.ingest(batch([counter({ kind: "predictions", version: "new" }, 1)]), limits);
    const lastHour = await stub.querySeries(model, [], (MINUTE - 60) * 60_000, Date.now());
    const names = lastHour.map((l) => `${l.__name__}/${l.version}/${l.window ?? ""}`);
    expect(names).toContain("driftline_predictions_total/new/");
    expect(names).not.toContain("driftline_predictions_total/old/");
    // The 1d and 7d windows still hold the old minute; the 5m and 1h windows slid past it.
    expect(names.filter((n) => n.startsWith("driftline_feature_missing_ratio/old/")).sort()).toEqual(["driftline_feature_missing_ratio/old/1d", "driftline_feature_missing_ratio/old/7d"]);
    const all = await stub.querySeries(model, []);
    expect(all.map((l) => `${l.__name__}/${l.version}`)).toContain("driftline_predictions_total/old");
  });
});

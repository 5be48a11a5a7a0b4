import { describe, expect, it } from "vitest";
import type { Attributes, LogRecord, LogsData, MetricsData, Span, TracesData } from "../otlp/types.ts";
import { CategoricalCounts } from "../sketch/categorical-counts.ts";
import { TDigest } from "../sketch/tdigest.ts";
import type { FoldResult, SeriesDelta } from "./batch.ts";
import { foldRequest } from "./fold.ts";
import { DEFAULT_LIMITS } from "./limits.ts";
import type { Limits } from "./limits.ts";

const NOW_MS = Date.UTC(2026, 10, 22, 12, 0, 30);
const NOW_NANO = BigInt(NOW_MS) * 1_000_000n;
const MINUTE = Math.floor(NOW_MS / 60_000);

function record(attributes: Attributes, eventName = "ml.prediction", timeUnixNano = NOW_NANO): LogRecord {
  return { timeUnixNano, observedTimeUnixNano: 0n, severityNumber: 9, severityText: "", body: null, attributes, eventName, traceId: "", spanId: "" };
}

function logs(records: LogRecord[], resource: Attributes = {}): LogsData {
  return { resourceLogs: [{ resource, scopeLogs: [{ scope: { name: "t", version: "" }, logRecords: records }] }] };
}

function fold(signal: "logs" | "metrics" | "traces", data: LogsData | MetricsData | TracesData, limits: Partial<Limits> = {}): FoldResult {
  return foldRequest(signal, data, { ...DEFAULT_LIMITS, ...limits }, NOW_MS);
}

function find(result: FoldResult, kind: string, name = "", segment = "", version?: string): SeriesDelta[] {
  return result.batches.flatMap((b) => b.deltas).filter((d) => d.kind === kind && d.name === name && d.segment === segment && (version === undefined || d.version === version));
}

describe("folding ml.prediction events", () => {
  it("counts predictions per model and version and folds features by their type", () => {
    const result = fold(
      "logs",
      logs([
        record({ "ml.model.version": "v1", "ml.feature.income": 10, "ml.feature.country": "fr", "ml.feature.member": true, "ml.prediction.latency": 0.02 }),
        record({ "ml.model.version": "v1", "ml.feature.income": 30, "ml.feature.country": "de", "ml.feature.member": false }),
        record({ "ml.model.version": "v2", "ml.feature.income": 20 }),
      ], { "ml.model.id": "fraud" }),
    );
    expect(result.rejected).toBe(0);
    expect(result.batches.map((b) => [b.modelId, b.records])).toEqual([["fraud", 3]]);
    expect(find(result, "predictions", "", "", "v1")[0]).toMatchObject({ value: 2, minute: MINUTE, sketch: null });
    expect(find(result, "predictions", "", "", "v2")[0].value).toBe(1);
    const income = TDigest.fromBytes(find(result, "numeric_feature", "income", "", "v1")[0].sketch!);
    expect([income.count, income.min, income.max]).toEqual([2, 10, 30]);
    const country = CategoricalCounts.fromBytes(find(result, "categorical_feature", "country", "", "v1")[0].sketch!);
    expect([country.get("fr"), country.get("de")]).toEqual([1, 1]);
    const member = CategoricalCounts.fromBytes(find(result, "categorical_feature", "member", "", "v1")[0].sketch!);
    expect([member.get("true"), member.get("false")]).toEqual([1, 1]);
    expect(TDigest.fromBytes(find(result, "latency", "", "", "v1")[0].sketch!).count).toBe(1);
  });

  it("files a prediction in every one of its segments as well as the whole model", () => {
    const result = fold("logs", logs([record({ "ml.model.id": "m", "ml.segment.region": "eu", "ml.feature.x": 1 })], { "ml.segment.tier": "gold" }));
    expect(find(result, "predictions").map((d) => d.value)).toEqual([1]);
    expect(find(result, "predictions", "", "region=eu").map((d) => d.value)).toEqual([1]);
    expect(find(result, "predictions", "", "tier=gold").map((d) => d.value)).toEqual([1]);
    expect(find(result, "numeric_feature", "x", "region=eu")).toHaveLength(1);
  });

  it("counts NaN and infinite feature values as missing, not as values and not as rejections", () => {
    const result = fold("logs", logs([record({ "ml.model.id": "m", "ml.feature.x": Number.NaN }), record({ "ml.model.id": "m", "ml.feature.x": Infinity }), record({ "ml.model.id": "m", "ml.feature.x": 5 })]));
    expect(result.rejected).toBe(0);
    const digest = TDigest.fromBytes(find(result, "numeric_feature", "x")[0].sketch!);
    expect([digest.count, digest.missing, digest.min, digest.max]).toEqual([1, 2, 5, 5]);
  });

  it("rejects a prediction without a model id and says why", () => {
    const result = fold("logs", logs([record({ "ml.feature.x": 1 }), record({ "ml.model.id": "m", "ml.feature.x": 1 })]));
    expect(result.rejected).toBe(1);
    expect(result.message).toContain("ml.prediction event without ml.model.id");
    expect(find(result, "predictions")[0].value).toBe(1);
  });

  it("ignores ordinary log records without counting them as rejected", () => {
    const result = fold("logs", logs([record({ "ml.model.id": "m" }, ""), record({ message: "hello" }, "app.started")]));
    expect(result).toMatchObject({ rejected: 0, ignored: 2, batches: [] });
  });

  it("reads the event name from the event.name attribute of older SDKs", () => {
    const result = fold("logs", logs([record({ "ml.model.id": "m", "event.name": "ml.prediction" }, "")]));
    expect(find(result, "predictions")[0].value).toBe(1);
  });

  it("rejects records outside the accepted time window", () => {
    const old = NOW_NANO - BigInt(DEFAULT_LIMITS.maxPastSeconds + 60) * 1_000_000_000n;
    const future = NOW_NANO + 3_600_000_000_000n;
    const result = fold("logs", logs([record({ "ml.model.id": "m" }, "ml.prediction", old), record({ "ml.model.id": "m" }, "ml.prediction", future)]));
    expect(result.rejected).toBe(2);
    expect(result.message).toMatch(/maxPastSeconds/);
    expect(result.message).toMatch(/maxFutureSeconds/);
    expect(result.batches).toEqual([]);
  });

  it("rejects oversized names and values instead of truncating them, keeping the rest of the record", () => {
    const result = fold("logs", logs([record({ "ml.model.id": "m", ["ml.feature." + "f".repeat(200)]: 1, "ml.feature.c": "v".repeat(300), "ml.feature.ok": 2 })]));
    expect(result.rejected).toBe(1);
    expect(result.message).toMatch(/maxNameLength \(128\)/);
    expect(result.message).toMatch(/maxValueLength \(256\)/);
    expect(find(result, "numeric_feature", "ok")).toHaveLength(1);
    expect(result.batches[0].deltas.some((d) => d.name.startsWith("fff"))).toBe(false);
  });

  it("bounds the series one request can create for a model", () => {
    const attributes: Attributes = { "ml.model.id": "m" };
    for (let i = 0; i < 500; i++) attributes[`ml.feature.f${i}`] = i;
    const result = fold("logs", logs([record(attributes)]), { maxSeriesPerModel: 100 });
    expect(result.batches[0].deltas.length).toBe(100);
    expect(result.rejected).toBe(1);
    expect(result.message).toMatch(/maxSeriesPerModel \(100\)/);
  });

  it("counts a series once however many minutes its records fall in (a day of history in one request)", () => {
    // One record per minute over 5 hours, 30 features each: 300 minutes × 32 series.
    const records = Array.from({ length: 300 }, (_, i) => {
      const attributes: Attributes = { "ml.model.id": "m", "ml.prediction.value": i };
      for (let f = 0; f < 30; f++) attributes[`ml.feature.f${f}`] = i + f;
      return record(attributes, "ml.prediction", NOW_NANO - BigInt(i) * 60_000_000_000n);
    });
    const result = fold("logs", logs(records), { maxSeriesPerModel: 100 });
    expect(result.rejected).toBe(0);
    expect(result.message).toBe("");
    expect(find(result, "numeric_feature", "f0")).toHaveLength(300);
  });

  it("bounds the sketches (series × minutes) one request can build, naming the limit", () => {
    const records = Array.from({ length: 100 }, (_, i) => record({ "ml.model.id": "m", "ml.feature.a": i, "ml.feature.b": i }, "ml.prediction", NOW_NANO - BigInt(i) * 60_000_000_000n));
    const result = fold("logs", logs(records), { maxSketchesPerRequest: 50 });
    expect(result.batches[0].deltas.length).toBe(50);
    expect(result.rejected).toBeGreaterThan(0);
    expect(result.message).toMatch(/maxSketchesPerRequest \(50\) sketches \(series × minutes\)/);
  });

  it("folds actuals as the distribution of true values and labels", () => {
    const result = fold("logs", logs([record({ "ml.model.id": "m", "ml.prediction.id": "a", "ml.actual.label": "fraud" }, "ml.actual"), record({ "ml.model.id": "m", "ml.actual.value": 3.5 }, "ml.actual"), record({ "ml.model.id": "m" }, "ml.actual")]));
    expect(CategoricalCounts.fromBytes(find(result, "actual_label")[0].sketch!).get("fraud")).toBe(1);
    expect(TDigest.fromBytes(find(result, "actual_value")[0].sketch!).mean).toBe(3.5);
    expect(result.rejected).toBe(1);
  });
});

function metrics(metric: MetricsData["resourceMetrics"][number]["scopeMetrics"][number]["metrics"][number], resource: Attributes = { "ml.model.id": "m" }): MetricsData {
  return { resourceMetrics: [{ resource, scopeMetrics: [{ scope: { name: "s", version: "" }, metrics: [metric] }] }] };
}

describe("folding metrics", () => {
  it("folds a delta duration histogram in milliseconds into a latency digest in seconds and counts it", () => {
    const result = fold(
      "metrics",
      metrics({
        name: "ml.prediction.duration",
        description: "",
        unit: "ms",
        data: { type: "histogram", aggregationTemporality: 1, dataPoints: [{ attributes: {}, startTimeUnixNano: 0n, timeUnixNano: NOW_NANO, count: 6, sum: 600, min: 50, max: 250, bucketCounts: [0, 4, 2], explicitBounds: [10, 100], flags: 0 }] },
      }),
    );
    const latency = TDigest.fromBytes(find(result, "latency")[0].sketch!);
    expect(latency.count).toBe(6);
    expect(latency.max).toBeCloseTo(0.25);
    expect(find(result, "predictions")[0].value).toBe(6);
  });

  it("sends cumulative points to the store instead of folding them", () => {
    const result = fold("metrics", metrics({ name: "ml.predictions", description: "", unit: "", data: { type: "sum", aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ attributes: {}, startTimeUnixNano: 1n, timeUnixNano: NOW_NANO, value: 42, flags: 0 }] } }));
    expect(result.batches[0].deltas).toEqual([]);
    expect(result.batches[0].cumulative).toEqual([expect.objectContaining({ value: { type: "sum", value: 42 }, counters: [expect.objectContaining({ kind: "predictions" })], minute: MINUTE })]);
  });

  it("keeps other metrics naming a model as custom series labelled by their attributes", () => {
    const result = fold("metrics", metrics({ name: "queue_depth", description: "", unit: "", data: { type: "gauge", dataPoints: [{ attributes: { region: "eu" }, startTimeUnixNano: 0n, timeUnixNano: NOW_NANO, value: 7, flags: 0 }] } }));
    expect(TDigest.fromBytes(find(result, "custom_values", 'queue_depth{region="eu"}')[0].sketch!).mean).toBe(7);
  });

  it("ignores metrics that name no model", () => {
    const result = fold("metrics", metrics({ name: "http.server.duration", description: "", unit: "s", data: { type: "gauge", dataPoints: [{ attributes: {}, startTimeUnixNano: 0n, timeUnixNano: NOW_NANO, value: 1, flags: 0 }] } }, {}));
    expect(result).toMatchObject({ ignored: 1, rejected: 0, batches: [] });
  });

  it("rejects summaries and unspecified temporality, with reasons", () => {
    const result = fold("metrics", {
      resourceMetrics: [
        {
          resource: { "ml.model.id": "m" },
          scopeMetrics: [
            {
              scope: { name: "", version: "" },
              metrics: [
                { name: "s", description: "", unit: "", data: { type: "summary", dataPoints: [{ attributes: {}, startTimeUnixNano: 0n, timeUnixNano: NOW_NANO, count: 1, sum: 1, quantileValues: [] }] } },
                { name: "c", description: "", unit: "", data: { type: "sum", aggregationTemporality: 0, isMonotonic: true, dataPoints: [{ attributes: {}, startTimeUnixNano: 0n, timeUnixNano: NOW_NANO, value: 1, flags: 0 }] } },
              ],
            },
          ],
        },
      ],
    });
    expect(result.rejected).toBe(2);
    expect(result.message).toMatch(/Summary/);
    expect(result.message).toMatch(/unspecified aggregation temporality/);
  });
});

describe("folding spans", () => {
  const span = (attributes: Attributes, code: 0 | 1 | 2, durationMs: number): Span => ({
    traceId: "",
    spanId: "",
    parentSpanId: "",
    name: "predict",
    kind: 1,
    startTimeUnixNano: NOW_NANO - BigInt(durationMs) * 1_000_000n,
    endTimeUnixNano: NOW_NANO,
    attributes,
    status: { code, message: "" },
  });

  it("counts model spans as predictions with latency and errors, and GenAI token usage", () => {
    const data: TracesData = {
      resourceSpans: [
        {
          resource: {},
          scopeSpans: [
            {
              scope: { name: "", version: "" },
              spans: [span({ "ml.model.id": "m" }, 0, 20), span({ "ml.model.id": "m" }, 2, 40), span({ "gen_ai.request.model": "llm", "gen_ai.usage.input_tokens": 12, "gen_ai.usage.output_tokens": 30 }, 1, 900), span({}, 0, 1)],
            },
          ],
        },
      ],
    };
    const result = fold("traces", data);
    expect(result.ignored).toBe(1);
    const byModel = Object.fromEntries(result.batches.map((b) => [b.modelId, b]));
    expect(byModel.m.deltas.find((d) => d.kind === "predictions")!.value).toBe(2);
    expect(byModel.m.deltas.find((d) => d.kind === "errors")!.value).toBe(1);
    expect(TDigest.fromBytes(byModel.m.deltas.find((d) => d.kind === "latency")!.sketch!).max).toBeCloseTo(0.04);
    expect(TDigest.fromBytes(byModel.llm.deltas.find((d) => d.kind === "genai_tokens" && d.name === "output")!.sketch!).mean).toBe(30);
  });
});

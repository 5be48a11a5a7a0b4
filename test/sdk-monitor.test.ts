/**
 * @driftline/sdk against the real Worker (`wrangler dev`): what a model server records through
 * ModelMonitor is what GET /api/models/:model counts, and a Worker that goes away costs the host
 * neither an exception nor a blocked call, only counted loss.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelMonitor } from "../sdk/src/index.ts";
import type { ModelMonitorOptions } from "../sdk/src/index.ts";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";

let worker: RunningWorker;

beforeAll(async () => {
  worker = await startWorker();
}, 120_000);

afterAll(async () => {
  await worker?.stop();
});

type ModelDetail = {
  versions: { version: string; predictions: number; errors: number; actuals: number }[];
  series: { kind: string; version: string; name: string; segment: string; total: number }[];
  rejected: Record<string, number>;
};

async function model(id: string): Promise<ModelDetail> {
  const response = await fetch(`${worker.url}/api/models/${encodeURIComponent(id)}`, { headers: { Authorization: `Bearer ${worker.readToken}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as ModelDetail;
}

function total(detail: ModelDetail, kind: string, name = "", version?: string, segment = ""): number {
  return detail.series.filter((s) => s.kind === kind && s.name === name && s.segment === segment && (version === undefined || s.version === version)).reduce((n, s) => n + s.total, 0);
}

function perVersion(detail: ModelDetail, field: "predictions" | "errors" | "actuals"): Record<string, number> {
  return Object.fromEntries(detail.versions.map((v) => [v.version, v[field]]));
}

function monitor(options: Omit<ModelMonitorOptions, "endpoint" | "token">): ModelMonitor {
  // env: {} keeps a developer's OTEL_* variables out of the test.
  return new ModelMonitor({ endpoint: worker.url, token: worker.ingestToken, ...options }, { env: {} });
}

describe("ModelMonitor against the Worker", () => {
  it("counts every prediction recorded through the SDK exactly once, per version", async () => {
    const champion = monitor({ modelId: "sdk-fraud", modelVersion: "v1" });
    const challenger = monitor({ modelId: "sdk-fraud", modelVersion: "v2" });
    for (let i = 0; i < 300; i++) {
      const target = i % 3 === 0 ? challenger : champion;
      target.recordPrediction({
        features: { income: 1_000 + i, age: 20 + (i % 50), country: i % 2 === 0 ? "fr" : "de", premium: i % 7 === 0 },
        prediction: { label: i % 5 === 0 ? "fraud" : "ok", score: (i % 100) / 100 },
        latencyMs: 1 + (i % 20),
        id: `p-${i}`,
        segments: { region: i % 4 === 0 ? "eu" : "us" },
      });
    }
    await Promise.all([champion.shutdown(), challenger.shutdown()]);
    expect(champion.stats()).toMatchObject({ recorded: 200, exportedRecords: 200, dropped: 0 });

    const detail = await model("sdk-fraud");
    expect(perVersion(detail, "predictions")).toEqual({ v1: 200, v2: 100 });
    expect(total(detail, "numeric_feature", "income")).toBe(300);
    expect(total(detail, "categorical_feature", "country")).toBe(300);
    expect(total(detail, "categorical_feature", "premium")).toBe(300);
    expect(total(detail, "latency")).toBe(300);
    expect(total(detail, "prediction_label")).toBe(300);
    expect(total(detail, "predictions", "", undefined, "region=eu")).toBe(75);
    expect(detail.rejected).toEqual({});
  });

  it("accepts actuals sent before and after their prediction, and counts both", async () => {
    const m = monitor({ modelId: "sdk-actuals", modelVersion: "v1" });
    for (let i = 0; i < 10; i++) m.recordActual(`a-${i}`, i % 2 === 0 ? "fraud" : "ok");
    await m.flush();
    for (let i = 0; i < 20; i++) m.recordPrediction({ features: { x: i }, prediction: "ok", id: `a-${i}` });
    await m.flush();
    for (let i = 10; i < 20; i++) m.recordActual(`a-${i}`, 1.5 * i);
    await m.shutdown();

    const detail = await model("sdk-actuals");
    expect(perVersion(detail, "predictions")).toEqual({ v1: 20 });
    expect(perVersion(detail, "actuals")).toEqual({ v1: 20 });
    expect(total(detail, "actual_label")).toBe(10);
    expect(total(detail, "actual_value")).toBe(10);
  });

  it("records the errors and latency of wrapped calls, sync and async", async () => {
    // A version's prediction is a value or a label, never both (docs/semantic-conventions.md), so
    // the wrapped regressor and the wrapped classifier are two versions of the model.
    const m = monitor({ modelId: "sdk-wrap", modelVersion: "v3" });
    const classifier = monitor({ modelId: "sdk-wrap", modelVersion: "v4" });
    const score = m.wrap((features: { amount: number }) => {
      if (features.amount < 0) throw new RangeError("negative amount");
      return features.amount / 100;
    });
    const scoreAsync = classifier.wrap(async (features: { amount: number }) => {
      if (features.amount > 90) throw new Error("upstream timeout");
      return { label: features.amount > 50 ? "high" : "low", score: features.amount / 100 };
    });
    let thrown = 0;
    for (let i = -10; i < 30; i++) {
      try {
        score({ amount: i });
      } catch {
        thrown += 1;
      }
    }
    const settled = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => scoreAsync({ amount: i })));
    await Promise.all([m.shutdown(), classifier.shutdown()]);
    expect(thrown).toBe(10);
    expect(settled.filter((s) => s.status === "rejected")).toHaveLength(9);

    const detail = await model("sdk-wrap");
    expect(perVersion(detail, "predictions")).toEqual({ v3: 40, v4: 100 });
    expect(perVersion(detail, "errors")).toEqual({ v3: 10, v4: 9 });
    expect(total(detail, "latency")).toBe(140);
    expect(total(detail, "numeric_feature", "amount")).toBe(140);
    expect(total(detail, "prediction_value")).toBe(30);
    expect(total(detail, "prediction_label")).toBe(91);
  });

  it("lands recordGeneration as GenAI token series, predictions and errors under the monitor's model", async () => {
    const m = monitor({ modelId: "sdk-assistant", modelVersion: "2026-07" });
    for (let i = 0; i < 12; i++) {
      m.recordGeneration({ model: "gpt-4o-mini", inputTokens: 100 + i, outputTokens: 20 + i, latencyMs: 300 + 10 * i, error: i === 11 ? new Error("rate limited") : undefined });
    }
    await m.shutdown();

    const detail = await model("sdk-assistant");
    expect(total(detail, "genai_tokens", "input")).toBe(12);
    expect(total(detail, "genai_tokens", "output")).toBe(12);
    expect(perVersion(detail, "predictions")).toEqual({ "2026-07": 12 });
    expect(perVersion(detail, "errors")).toEqual({ "2026-07": 1 });
    expect(total(detail, "latency")).toBe(12);
  });

  // Last in the file: it stops the shared Worker.
  it("keeps recording without throwing or blocking when the Worker is gone, and reports the loss", async () => {
    const m = monitor({ modelId: "sdk-unreachable", maxQueueSize: 100, maxExportBatchSize: 50, scheduledDelayMs: 50, exportTimeoutMs: 2_000 });
    for (let i = 0; i < 10; i++) m.recordPrediction({ features: { x: i } });
    await m.flush();
    expect(m.stats()).toMatchObject({ recorded: 10, exportedRecords: 10, dropped: 0 });

    await worker.stop();
    const callMs: number[] = [];
    for (let i = 0; i < 1_000; i++) {
      const started = performance.now();
      m.recordPrediction({ features: { x: i, country: "fr" }, prediction: i, latencyMs: 3 });
      callMs.push(performance.now() - started);
    }
    callMs.sort((a, b) => a - b);
    console.log(`recordPrediction with the Worker stopped: median ${(callMs[500] * 1000).toFixed(1)} µs, max ${callMs[999].toFixed(2)} ms over 1000 calls`);

    // flush resolves (never rejects) once the exports have failed; the bound is the test's, not a speed claim.
    const outcome = await Promise.race([m.flush().then(() => "flushed"), new Promise((r) => setTimeout(() => r("still waiting after 30 s"), 30_000))]);
    expect(outcome).toBe("flushed");
    const stats = m.stats();
    expect(stats.recorded).toBe(1_010);
    expect(stats.exportedRecords).toBe(10);
    expect(stats.dropped).toBe(1_000);
    expect(stats.droppedQueueFull).toBeGreaterThan(0);
    expect(stats.exportFailures).toBeGreaterThan(0);
    expect(stats.droppedQueueFull + stats.failedRecords).toBe(1_000);
    await m.shutdown();
  }, 60_000);
});

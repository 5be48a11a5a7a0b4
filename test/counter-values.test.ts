/**
 * Issue 11, item 3: counter points that cannot be counts (negative, fractional where a count is
 * required, non-finite, past 2^53, as_int extremes) are rejected through partial_success naming
 * the reason, as NaN is, and a stored count stays exact: it keeps counting afterwards. Against the
 * real Worker under `wrangler dev`; counts read back from /api/models and PromQL.
 */
import { attributeField, fixed64Field, lenField, metricsRequestProtobuf, stringField, varintField } from "@driftline/collector/testing";
import { ProtobufMetricsSerializer } from "@opentelemetry/otlp-transformer";
import type { IExportMetricsServiceResponse } from "@opentelemetry/otlp-transformer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";

let worker: RunningWorker;

beforeAll(async () => {
  worker = await startWorker();
}, 120_000);

afterAll(async () => {
  await worker?.stop();
});

const DELTA = 1;
const CUMULATIVE = 2;
/** Point times: a minute ago, so every point lands in an open minute bucket. */
const nowNano = () => BigInt(Date.now() - 60_000) * 1_000_000n;

type SumPoint = { value: number | string; start?: bigint; time?: bigint; intValue?: boolean };

/** One OTLP/JSON monotonic sum named `name` for `model`, one point per value. */
function sumRequest(model: string, name: string, points: SumPoint[], temporality = DELTA): string {
  const dataPoints = points.map((p) => ({
    attributes: [{ key: "ml.model.id", value: { stringValue: model } }],
    startTimeUnixNano: String(p.start ?? nowNano() - 60_000_000_000n),
    timeUnixNano: String(p.time ?? nowNano()),
    ...(p.intValue ? { asInt: p.value } : { asDouble: p.value }),
  }));
  return JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name, sum: { aggregationTemporality: temporality, isMonotonic: true, dataPoints } }] }] }] });
}

async function postJson(body: string): Promise<{ rejected: number; message: string }> {
  const response = await fetch(`${worker.url}/v1/metrics`, { method: "POST", body, headers: { Authorization: `Bearer ${worker.ingestToken}`, "Content-Type": "application/json" } });
  expect(response.status).toBe(200);
  const answer = (await response.json()) as { partialSuccess?: { rejectedDataPoints?: string; errorMessage?: string } };
  return { rejected: Number(answer.partialSuccess?.rejectedDataPoints ?? 0), message: answer.partialSuccess?.errorMessage ?? "" };
}

async function versionTotals(model: string): Promise<{ predictions: number; errors: number }> {
  const response = await fetch(`${worker.url}/api/models/${model}`, { headers: { Authorization: `Bearer ${worker.readToken}` } });
  if (response.status === 404) return { predictions: 0, errors: 0 };
  const detail = (await response.json()) as { versions: { predictions: number; errors: number }[] };
  return detail.versions.reduce((a, v) => ({ predictions: a.predictions + v.predictions, errors: a.errors + v.errors }), { predictions: 0, errors: 0 });
}

async function promqlPredictions(model: string): Promise<number> {
  const query = `sum(driftline_predictions_total{model="${model}"})`;
  const response = await fetch(`${worker.url}/api/v1/query?query=${encodeURIComponent(query)}`, { headers: { Authorization: `Bearer ${worker.readToken}` } });
  const body = (await response.json()) as { data: { result: { value: [number, string] }[] } };
  return Number(body.data.result[0]?.value[1] ?? 0);
}

describe("counter values that cannot be counts", () => {
  it("rejects negative, fractional, non-finite and past-2^53 ml.predictions increments, and keeps counting", async () => {
    const model = "counter-delta";
    expect(await postJson(sumRequest(model, "ml.predictions", [{ value: 10 }]))).toEqual({ rejected: 0, message: "" });
    const negative = await postJson(sumRequest(model, "ml.predictions", [{ value: -5 }]));
    expect(negative).toMatchObject({ rejected: 1, message: expect.stringMatching(/negative/) });
    const huge = await postJson(sumRequest(model, "ml.predictions", [{ value: 1e300 }]));
    expect(huge).toMatchObject({ rejected: 1, message: expect.stringMatching(/past 2\^53/) });
    const fractional = await postJson(sumRequest(model, "ml.predictions", [{ value: 2.5 }]));
    expect(fractional).toMatchObject({ rejected: 1, message: expect.stringMatching(/whole number/) });
    const infinite = await postJson(sumRequest(model, "ml.predictions", [{ value: "Infinity" }]));
    expect(infinite).toMatchObject({ rejected: 1, message: expect.stringMatching(/NaN or infinite/) });
    // The count is still exact and still moves.
    expect(await postJson(sumRequest(model, "ml.predictions", [{ value: 3 }]))).toEqual({ rejected: 0, message: "" });
    expect((await versionTotals(model)).predictions).toBe(13);
    expect(await promqlPredictions(model)).toBe(13);
  });

  it("rejects a negative ml.prediction.errors increment and a gauge sent for ml.predictions", async () => {
    const model = "counter-errors";
    expect((await postJson(sumRequest(model, "ml.prediction.errors", [{ value: 2 }, { value: -1 }]))).rejected).toBe(1);
    const gauge = JSON.stringify({
      resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: "ml.predictions", gauge: { dataPoints: [{ attributes: [{ key: "ml.model.id", value: { stringValue: model } }], timeUnixNano: String(nowNano()), asDouble: -7 }] } }] }] }],
    });
    expect((await postJson(gauge)).rejected).toBe(1);
    expect(await versionTotals(model)).toEqual({ predictions: 0, errors: 2 });
  });

  it("rejects protobuf as_int values of -2^63 and 2^63-1 instead of storing -9223372036854776000", async () => {
    const model = "counter-as-int";
    const point = (asInt: bigint) =>
      lenField(
        1,
        attributeField(7, "ml.model.id", stringField(1, model)),
        fixed64Field(2, nowNano() - 60_000_000_000n),
        fixed64Field(3, nowNano()),
        fixed64Field(6, BigInt.asUintN(64, asInt)),
      );
    const request = (asInt: bigint) => metricsRequestProtobuf([stringField(1, "ml.predictions"), lenField(7, point(asInt), varintField(2, DELTA), varintField(3, 1))]);
    for (const asInt of [-(2n ** 63n), 2n ** 63n - 1n, 4n]) {
      const response = await fetch(`${worker.url}/v1/metrics`, { method: "POST", body: request(asInt) as BodyInit, headers: { Authorization: `Bearer ${worker.ingestToken}`, "Content-Type": "application/x-protobuf" } });
      expect(response.status).toBe(200);
      const bytes = new Uint8Array(await response.arrayBuffer());
      const answer = bytes.length === 0 ? {} : (ProtobufMetricsSerializer.deserializeResponse(bytes) as IExportMetricsServiceResponse);
      expect(Number(answer.partialSuccess?.rejectedDataPoints ?? 0)).toBe(asInt === 4n ? 0 : 1);
    }
    expect((await versionTotals(model)).predictions).toBe(4);
    expect(await promqlPredictions(model)).toBe(4);
  });

  it("rejects cumulative ml.predictions points that go negative or past 2^53, and keeps the stream's count exact", async () => {
    const model = "counter-cumulative";
    const start = nowNano() - 120_000_000_000n;
    const at = (seconds: number) => start + BigInt(seconds) * 1_000_000_000n;
    expect((await postJson(sumRequest(model, "ml.predictions", [{ value: 5, start, time: at(10) }], CUMULATIVE))).rejected).toBe(0);
    expect((await postJson(sumRequest(model, "ml.predictions", [{ value: -1, start, time: at(20) }], CUMULATIVE))).message).toMatch(/negative/);
    expect((await postJson(sumRequest(model, "ml.predictions", [{ value: 1e300, start, time: at(30) }], CUMULATIVE))).message).toMatch(/past 2\^53/);
    expect((await postJson(sumRequest(model, "ml.predictions", [{ value: 8, start, time: at(40) }], CUMULATIVE))).rejected).toBe(0);
    expect((await versionTotals(model)).predictions).toBe(8);
  });

  it("refuses increments that would take a running total past 2^53, so the total never stops counting", async () => {
    const model = "counter-ceiling";
    expect((await postJson(sumRequest(model, "ml.predictions", [{ value: Number.MAX_SAFE_INTEGER - 1 }]))).rejected).toBe(0);
    const past = await postJson(sumRequest(model, "ml.predictions", [{ value: 2 }]));
    expect(past).toMatchObject({ rejected: 1, message: expect.stringMatching(/running total past 2\^53/) });
    expect((await postJson(sumRequest(model, "ml.predictions", [{ value: 1 }]))).rejected).toBe(0);
    expect((await versionTotals(model)).predictions).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("rejects histogram points whose counts are negative or past 2^53", async () => {
    const model = "counter-histogram";
    const histogram = (count: string, bucketCounts: string[]) =>
      JSON.stringify({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: "ml.prediction.duration",
                    unit: "s",
                    histogram: {
                      aggregationTemporality: DELTA,
                      dataPoints: [{ attributes: [{ key: "ml.model.id", value: { stringValue: model } }], timeUnixNano: String(nowNano()), count, explicitBounds: [0.1], bucketCounts }],
                    },
                  },
                ],
              },
            ],
          },
        ],
      });
    expect((await postJson(histogram("-3", ["-1", "-2"]))).message).toMatch(/histogram point whose count/);
    expect((await postJson(histogram("18446744073709551615", ["18446744073709551615", "0"]))).message).toMatch(/histogram point whose count/);
    expect((await postJson(histogram("3", ["1", "2"]))).rejected).toBe(0);
    expect((await versionTotals(model)).predictions).toBe(3);
  });

  it("keeps fractional increments of a custom counter but rejects negative ones", async () => {
    const model = "counter-custom";
    expect((await postJson(sumRequest(model, "gpu_seconds", [{ value: 1.5 }]))).rejected).toBe(0);
    expect((await postJson(sumRequest(model, "gpu_seconds", [{ value: -1.5 }]))).message).toMatch(/negative/);
  });
});

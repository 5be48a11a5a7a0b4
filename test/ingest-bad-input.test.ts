/**
 * Bad input against the real Worker: each answer has its status and a google.rpc.Status body,
 * and nothing of a refused request is stored (GET /api/models stays empty for its model).
 * Points rejected one by one answer 200 with partial_success and are not stored either.
 */
import { gzipSync } from "node:zlib";
import { ProtobufLogsSerializer, type IExportLogsServiceResponse } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import type { AnyValueMap } from "@opentelemetry/api-logs";
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

/** Real OTLP protobuf bytes of `ml.prediction` events, serialized by OpenTelemetry JS itself. */
function protobufPredictions(modelId: string, attributes: AnyValueMap[]): Uint8Array {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource: resourceFromAttributes({ "ml.model.id": modelId }), processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger("bad-input");
  for (const a of attributes) logger.emit({ eventName: "ml.prediction", attributes: a });
  const bytes = ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords());
  if (bytes === undefined) throw new Error("serializer returned nothing");
  return bytes;
}

function jsonPredictions(modelId: string, count = 1): string {
  const logRecords = Array.from({ length: count }, () => ({ eventName: "ml.prediction", attributes: [{ key: "ml.model.id", value: { stringValue: modelId } }, { key: "ml.feature.x", value: { intValue: "3" } }] }));
  return JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords }] }] });
}

async function post(body: BodyInit | Uint8Array, headers: Record<string, string>, path = "/v1/logs"): Promise<Response> {
  return fetch(`${worker.url}${path}`, { method: "POST", body: body as BodyInit, headers: { Authorization: `Bearer ${worker.ingestToken}`, ...headers } });
}

async function models(token = worker.readToken): Promise<string[]> {
  const response = await fetch(`${worker.url}/api/models`, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { models: { model: string }[] }).models.map((m) => m.model);
}

async function predictionsOf(modelId: string): Promise<number> {
  const response = await fetch(`${worker.url}/api/models/${modelId}`, { headers: { Authorization: `Bearer ${worker.readToken}` } });
  if (response.status === 404) return 0;
  const detail = (await response.json()) as { versions: { predictions: number }[] };
  return detail.versions.reduce((n, v) => n + v.predictions, 0);
}

const PROTOBUF = { "Content-Type": "application/x-protobuf" };
const JSON_TYPE = { "Content-Type": "application/json" };

describe("requests refused whole store nothing", () => {
  const refused: { name: string; status: number; send: () => Promise<Response> }[] = [
    { name: "truncated protobuf", status: 400, send: () => { const b = protobufPredictions("refused-truncated", [{ "ml.feature.x": 1 }]); return post(b.subarray(0, b.length - 3), PROTOBUF); } },
    { name: "garbage protobuf", status: 400, send: () => post(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), PROTOBUF) },
    { name: "invalid JSON", status: 400, send: () => post(jsonPredictions("refused-json").slice(0, -5), JSON_TYPE) },
    { name: "a JSON body labelled protobuf", status: 400, send: () => post(jsonPredictions("refused-labelled"), PROTOBUF) },
    { name: "an unknown content type", status: 415, send: () => post(jsonPredictions("refused-type"), { "Content-Type": "text/plain" }) },
    { name: "zstd encoding", status: 415, send: () => post(jsonPredictions("refused-zstd"), { ...JSON_TYPE, "Content-Encoding": "zstd" }) },
    { name: "a gzip bomb", status: 413, send: () => post(gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)), { ...JSON_TYPE, "Content-Encoding": "gzip" }) },
    { name: "a body over the size limit", status: 413, send: () => post(jsonPredictions("refused-large", 40_000), JSON_TYPE) },
    { name: "a missing token", status: 401, send: () => fetch(`${worker.url}/v1/logs`, { method: "POST", body: jsonPredictions("refused-missing"), headers: JSON_TYPE }) },
    { name: "a wrong token", status: 401, send: () => post(jsonPredictions("refused-wrong"), { ...JSON_TYPE, Authorization: "Bearer not-a-token" }) },
    { name: "a read token used for ingest", status: 403, send: () => post(jsonPredictions("refused-read"), { ...JSON_TYPE, Authorization: `Bearer ${worker.readToken}` }) },
  ];
  for (const c of refused) {
    it(`answers ${c.status} to ${c.name}`, async () => {
      const response = await c.send();
      expect(response.status).toBe(c.status);
      await response.arrayBuffer();
    });
  }

  it("stored nothing from any of them", async () => {
    expect((await models()).filter((m) => m.startsWith("refused"))).toEqual([]);
  });
});

describe("values rejected one by one", () => {
  it("counts NaN and infinite features as missing and keeps the predictions", async () => {
    const response = await post(protobufPredictions("nan", [{ "ml.feature.x": Number.NaN }, { "ml.feature.x": Infinity }, { "ml.feature.x": 2 }]), PROTOBUF);
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBe(0);
    expect(await predictionsOf("nan")).toBe(3);
  });

  it("refuses oversized attribute strings through partial_success and stores none of them", async () => {
    const response = await post(protobufPredictions("oversized", [{ "ml.feature.city": "x".repeat(5000), "ml.feature.ok": 1 }]), PROTOBUF);
    expect(response.status).toBe(200);
    const answer = ProtobufLogsSerializer.deserializeResponse(new Uint8Array(await response.arrayBuffer())) as IExportLogsServiceResponse;
    expect(Number(answer.partialSuccess?.rejectedLogRecords)).toBe(1);
    expect(answer.partialSuccess?.errorMessage).toMatch(/maxValueLength/);
    const detail = (await (await fetch(`${worker.url}/api/models/oversized`, { headers: { Authorization: `Bearer ${worker.readToken}` } })).json()) as { series: { name: string }[] };
    expect(detail.series.map((s) => s.name)).not.toContain("city");
  });

  it("keeps at most maxFeaturesPerModel of 100 000 distinct feature names", async () => {
    const records: AnyValueMap[] = [];
    for (let r = 0; r < 100; r++) {
      const attributes: AnyValueMap = {};
      for (let f = 0; f < 1000; f++) attributes[`ml.feature.f${r * 1000 + f}`] = f;
      records.push(attributes);
    }
    const response = await post(gzipSync(protobufPredictions("wide", records)), { ...PROTOBUF, "Content-Encoding": "gzip" });
    expect(response.status).toBe(200);
    const answer = ProtobufLogsSerializer.deserializeResponse(new Uint8Array(await response.arrayBuffer())) as IExportLogsServiceResponse;
    expect(Number(answer.partialSuccess?.rejectedLogRecords)).toBeGreaterThan(0);
    expect(answer.partialSuccess?.errorMessage).toMatch(/maxFeaturesPerModel \(1000\)|maxSeriesPerModel/);
    const detail = (await (await fetch(`${worker.url}/api/models/wide`, { headers: { Authorization: `Bearer ${worker.readToken}` } })).json()) as { seriesPerKind: Record<string, number>; rejected: Record<string, number> };
    expect(detail.seriesPerKind.numeric_feature).toBeLessThanOrEqual(1000);
    // The loss is counted on the model too, as the response reported it: not only in a
    // partial_success that OpenTelemetry's exporters merely log.
    const reason = `model "wide" has more features in one request than maxFeaturesPerModel (1000)`;
    const reported = new RegExp(`(\\d+) × ${reason.replace(/[()]/g, "\\$&")}`).exec(answer.partialSuccess?.errorMessage ?? "");
    expect(reported, answer.partialSuccess?.errorMessage ?? "").not.toBeNull();
    expect(detail.rejected[reason]).toBe(Number(reported![1]));
  }, 60_000);

  it("does not show one tenant's models to another tenant's read token", async () => {
    expect(await post(jsonPredictions("tenant-a-only"), JSON_TYPE).then((r) => r.status)).toBe(200);
    expect(await models()).toContain("tenant-a-only");
    expect(await models(worker.other.readToken)).not.toContain("tenant-a-only");
  });
});

/**
 * Property-based fuzzing of the Worker's edge through real `wrangler dev` (issue 11): the OTLP
 * protobuf and JSON readers and the HTTP body readers. Whatever arrives, the answer is a 2xx or a
 * 4xx with a well-formed body in the route's format, it comes (no hang), and a refused request
 * leaves every stored count as it was.
 *
 * The seed varies per run and fast-check prints it with the counterexample on failure; replay
 * with FUZZ_SEED=<seed>. Runs per property are bounded (FUZZ_RUNS, default 50) so that this stays
 * a test, not a campaign.
 */
import { deflateSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2_147_483_647);
const RUNS = Number(process.env.FUZZ_RUNS ?? 50);
/** "Never a hang": an answer within this, on a shared machine. */
const ANSWER_MS = 15_000;
const MODEL = "fuzz";

let worker: RunningWorker;

beforeAll(async () => {
  console.log(`fuzz-edge: seed ${SEED}, ${RUNS} runs per property (replay with FUZZ_SEED=${SEED})`);
  // Small limits, so that fuzzed sizes reach them.
  worker = await startWorker({ vars: { MAX_BODY_BYTES: String(64 * 1024), MAX_DECOMPRESSED_BYTES: String(256 * 1024) } });
  // One accepted request first, so that "unchanged" compares real counts, not an empty tenant.
  const seeded = await send("/v1/logs", protobufPredictions(5), { "Content-Type": "application/x-protobuf" });
  expect(seeded.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
});

type Answer = { status: number; contentType: string; body: Uint8Array };

async function send(path: string, body: Uint8Array, headers: Record<string, string>, method = "POST", token = worker.ingestToken): Promise<Answer> {
  const response = await fetch(`${worker.url}${path}`, { method, body: body as BodyInit, headers: { Authorization: `Bearer ${token}`, ...headers }, signal: AbortSignal.timeout(ANSWER_MS) });
  return { status: response.status, contentType: response.headers.get("Content-Type") ?? "", body: new Uint8Array(await response.arrayBuffer()) };
}

/** Every stored count the tenant can see: predictions per model, and each series' total of the fuzzed model. */
async function storedCounts(): Promise<string> {
  const auth = { Authorization: `Bearer ${worker.readToken}` };
  const list = (await (await fetch(`${worker.url}/api/models`, { headers: auth })).json()) as { models: { model: string; predictions: number }[] };
  const detail = await fetch(`${worker.url}/api/models/${MODEL}`, { headers: auth });
  const series = detail.status === 200 ? ((await detail.json()) as { series: { kind: string; name: string; total: number }[] }).series : [];
  return JSON.stringify({ models: list.models.map((m) => [m.model, m.predictions]).sort(), series: series.map((s) => [s.kind, s.name, s.total]).sort() });
}

/** Real protobuf `ml.prediction` events, serialized by OpenTelemetry JS. */
function protobufPredictions(count: number): Uint8Array {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource: resourceFromAttributes({ "ml.model.id": MODEL }), processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger("fuzz");
  for (let i = 0; i < count; i++) logger.emit({ eventName: "ml.prediction", attributes: { "ml.feature.x": i, "ml.feature.c": `c${i % 3}`, "ml.prediction.value": i / 2 } });
  const bytes = ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords());
  if (bytes === undefined) throw new Error("serializer returned nothing");
  return bytes;
}

/** Reads a google.rpc.Status (code = field 1 varint, message = field 2 string); throws when it is not one. */
function readStatus(bytes: Uint8Array): { code: number; message: string } {
  let offset = 0;
  let code = 0;
  let message = "";
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (offset >= bytes.length || shift > 35) throw new Error("bad varint");
      const byte = bytes[offset++];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
  };
  while (offset < bytes.length) {
    const tag = varint();
    if (tag === 0x08) code = varint();
    else if (tag === 0x12) {
      const length = varint();
      if (offset + length > bytes.length) throw new Error("bad length");
      message = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(offset, offset + length));
      offset += length;
    } else throw new Error(`unexpected tag ${tag}`);
  }
  return { code, message };
}

/** The OTLP contract: 200 with a body of the request's type, or 4xx with a Status that says why. */
function expectOtlpAnswer(answer: Answer, format: "protobuf" | "json"): void {
  expect([200, 400, 413, 415], `status ${answer.status}`).toContain(answer.status);
  if (answer.status === 200) {
    expect(answer.contentType).toBe(format === "json" ? "application/json" : "application/x-protobuf");
    if (format === "json") JSON.parse(new TextDecoder().decode(answer.body));
    return;
  }
  const asJson = answer.contentType === "application/json";
  const status = asJson ? (JSON.parse(new TextDecoder().decode(answer.body)) as { code: number; message: string }) : readStatus(answer.body);
  expect(status.code).toBeGreaterThan(0);
  expect(status.message).toMatch(/\S/);
}

/** A valid request, then damaged: bytes flipped, cut, inserted or duplicated. */
const damagedProtobuf = fc
  .record({
    count: fc.integer({ min: 1, max: 20 }),
    edits: fc.array(
      fc.oneof(
        fc.record({ op: fc.constant("flip" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
        fc.record({ op: fc.constant("cut" as const), at: fc.nat(), value: fc.constant(0) }),
        fc.record({ op: fc.constant("insert" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      ),
      { minLength: 1, maxLength: 6 },
    ),
  })
  .map(({ count, edits }) => {
    let bytes = Array.from(protobufPredictions(count));
    for (const { op, at, value } of edits) {
      const i = at % Math.max(bytes.length, 1);
      if (op === "flip") bytes[i] = value;
      else if (op === "cut") bytes = bytes.slice(0, i);
      else bytes.splice(i, 0, value);
    }
    return new Uint8Array(bytes);
  });

/** OTLP/JSON shaped like a request, with arbitrary values where the reader expects particular ones. */
const anyValue = fc.oneof(
  fc.record({ stringValue: fc.oneof(fc.string(), fc.jsonValue()) }),
  fc.record({ intValue: fc.oneof(fc.string(), fc.integer(), fc.double(), fc.jsonValue()) }),
  fc.record({ doubleValue: fc.oneof(fc.double(), fc.string(), fc.constant("NaN"), fc.constant("Infinity")) }),
  fc.record({ boolValue: fc.jsonValue() }),
  fc.jsonValue(),
);
const attributeKey = fc.oneof(fc.constantFrom("ml.model.id", "ml.model.version", "ml.feature.x", "ml.feature.c", "ml.prediction.value", "ml.prediction.label", "ml.prediction.id", "ml.segment.s"), fc.string());
const jsonRequest = fc
  .record({
    resourceLogs: fc.array(
      fc.record({
        resource: fc.option(fc.record({ attributes: fc.array(fc.record({ key: fc.constant("ml.model.id"), value: fc.oneof(fc.constant({ stringValue: MODEL }), anyValue) }), { maxLength: 2 }) }), { nil: undefined }),
        scopeLogs: fc.array(
          fc.record({
            logRecords: fc.array(
              fc.record({
                eventName: fc.oneof(fc.constantFrom("ml.prediction", "ml.actual"), fc.string(), fc.jsonValue()),
                timeUnixNano: fc.oneof(fc.constant(String(BigInt(Date.now()) * 1_000_000n)), fc.string(), fc.integer(), fc.jsonValue()),
                attributes: fc.array(fc.record({ key: attributeKey, value: anyValue }), { maxLength: 8 }),
              }),
              { maxLength: 5 },
            ),
          }),
          { maxLength: 2 },
        ),
      }),
      { maxLength: 2 },
    ),
  })
  .map((request) => new TextEncoder().encode(JSON.stringify(request)));

describe("fuzzing the OTLP readers through wrangler dev", () => {
  it("answers damaged protobuf with 200 or a 4xx Status, and a refusal stores nothing", async () => {
    await fc.assert(
      fc.asyncProperty(damagedProtobuf, fc.constantFrom("/v1/logs", "/v1/metrics", "/v1/traces"), async (body, path) => {
        const before = await storedCounts();
        const answer = await send(path, body, { "Content-Type": "application/x-protobuf" });
        expectOtlpAnswer(answer, "protobuf");
        if (answer.status !== 200) expect(await storedCounts()).toBe(before);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 600_000);

  it("answers arbitrary OTLP/JSON with 200 or a 4xx Status, and a refusal stores nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: jsonRequest }, { weight: 1, arbitrary: fc.json().map((t) => new TextEncoder().encode(t)) }), async (body) => {
        const before = await storedCounts();
        const answer = await send("/v1/logs", body, { "Content-Type": "application/json" });
        expectOtlpAnswer(answer, "json");
        if (answer.status !== 200) expect(await storedCounts()).toBe(before);
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
  }, 600_000);
});

/** Bytes for the body readers: raw, gzip or deflate of raw, possibly cut, under any declared coding. */
const framedBody = fc
  .record({
    payload: fc.oneof(fc.uint8Array({ maxLength: 4096 }), fc.integer({ min: 0, max: 600_000 }).map((n) => new Uint8Array(n).fill(0x20))),
    compress: fc.constantFrom("none", "gzip", "deflate"),
    cutAt: fc.option(fc.nat(), { nil: undefined }),
    declared: fc.constantFrom("", "gzip", "deflate", "identity", "x-gzip", "br", "gzip, gzip"),
  })
  .map(({ payload, compress, cutAt, declared }) => {
    let bytes: Uint8Array = compress === "gzip" ? gzipSync(payload) : compress === "deflate" ? deflateSync(payload) : payload;
    if (cutAt !== undefined && bytes.length > 0) bytes = bytes.subarray(0, cutAt % bytes.length);
    return { bytes, encoding: declared };
  });

describe("fuzzing the HTTP body readers through wrangler dev", () => {
  const routes = [
    { name: "OTLP export", method: "POST", path: "/v1/logs", type: "application/json", token: () => worker.ingestToken, otlp: true },
    { name: "baseline", method: "PUT", path: `/api/models/${MODEL}/versions/fuzz/baseline`, type: "application/json", token: () => worker.ingestToken, otlp: false },
    { name: "alert rule", method: "PUT", path: `/api/models/${MODEL}/alerts/fuzz`, type: "application/json", token: () => worker.ingestToken, otlp: false },
    { name: "query form", method: "POST", path: "/api/v1/query", type: "application/x-www-form-urlencoded", token: () => worker.readToken, otlp: false },
  ];
  it("answers any body, coding and size with 2xx or 4xx and a well-formed body, and a refusal stores nothing", async () => {
    await fc.assert(
      fc.asyncProperty(framedBody, fc.constantFrom(...routes), async ({ bytes, encoding }, route) => {
        const before = await storedCounts();
        const headers: Record<string, string> = { "Content-Type": route.type };
        if (encoding !== "") headers["Content-Encoding"] = encoding;
        const answer = await send(route.path, bytes, headers, route.method, route.token());
        expect(answer.status === 200 || (answer.status >= 400 && answer.status < 500), `status ${answer.status}`).toBe(true);
        if (route.otlp) expectOtlpAnswer(answer, "json");
        else JSON.parse(new TextDecoder().decode(answer.body));
        if (answer.status !== 200) expect(await storedCounts()).toBe(before);
      }),
      { seed: SEED + 2, numRuns: RUNS },
    );
  }, 600_000);
});

/**
 * The Python client's hand-written OTLP protobuf (python/driftline/otlp_protobuf.py) against
 * the references it must match: the project's own decoder reads it to exactly the records the
 * client's JSON decodes to; OpenTelemetry JS's serializer writes the same bytes for the same
 * records; and the Worker, under wrangler dev, counts and sketches records sent as protobuf
 * exactly as the same records sent as JSON. test/support/python_records.py makes the records.
 */
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";
import { decodeOtlp } from "@driftline/collector/otlp";
import type { LogsData } from "@driftline/collector/otlp";
import { runPython } from "./support/python.ts";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";

const RECORDS_SCRIPT = resolve(import.meta.dirname, "support/python_records.py");
/** Predictions python_records.py makes; every other one has an actual, every 17th an error. */
const COUNT = 600;

async function python<T>(args: string[]): Promise<T> {
  const run = await runPython([RECORDS_SCRIPT, ...args], {});
  if (run.code !== 0) throw new Error(`python_records.py ${args[0]} exited ${run.code}:\n${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** HrTime ([seconds, nanoseconds]) of epoch nanoseconds, as the OpenTelemetry SDK keeps times. */
function hrTime(ns: bigint): [number, number] {
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

/**
 * The decoded request as the ReadableLogRecords OpenTelemetry JS's serializer takes: one shared
 * resource and scope object (the serializer groups by identity), the records' own values.
 */
function asSdkRecords(data: LogsData): Parameters<typeof ProtobufLogsSerializer.serializeRequest>[0] {
  const [resourceLogs] = data.resourceLogs;
  const [scopeLogs] = resourceLogs.scopeLogs;
  const resource = { attributes: { ...resourceLogs.resource } };
  const scope = { name: scopeLogs.scope.name, version: scopeLogs.scope.version };
  const records = scopeLogs.logRecords.map((r) => ({
    hrTime: hrTime(r.timeUnixNano),
    hrTimeObserved: hrTime(r.observedTimeUnixNano),
    severityNumber: r.severityNumber,
    severityText: r.severityText,
    body: undefined,
    attributes: { ...r.attributes },
    droppedAttributesCount: 0,
    eventName: r.eventName,
    resource,
    instrumentationScope: scope,
  }));
  return records as unknown as Parameters<typeof ProtobufLogsSerializer.serializeRequest>[0];
}

describe("the Python client's protobuf encoding", async () => {
  const bodies = await python<{ json: string; protobuf: string }>(["encode"]);
  const protobuf = new Uint8Array(Buffer.from(bodies.protobuf, "base64"));
  const json = new Uint8Array(Buffer.from(bodies.json, "base64"));

  it("decodes to exactly the records of the client's JSON encoding of the same events", () => {
    const fromProtobuf = decodeOtlp("logs", "protobuf", protobuf);
    const fromJson = decodeOtlp("logs", "json", json);
    expect(fromProtobuf).toStrictEqual(fromJson);
    // The comparison is over the whole batch, value kinds included: not a vacuous one.
    const records = fromProtobuf.resourceLogs[0].scopeLogs[0].logRecords;
    expect(records.filter((r) => r.eventName === "ml.prediction")).toHaveLength(COUNT);
    expect(records.filter((r) => r.eventName === "ml.actual")).toHaveLength(COUNT / 2);
    const predictions = records.filter((r) => r.eventName === "ml.prediction");
    const first = predictions[0].attributes;
    expect(first["ml.feature.ratio"]).toBeNaN();
    expect(first["ml.feature.big"]).toBe(2 ** 70);
    expect(first["ml.feature.delta"]).toBe(-(2 ** 40));
    expect(first["ml.feature.vip"]).toBe(true);
    expect(first["ml.feature.plan"]).toBe("basic");
    expect(first).not.toHaveProperty("ml.feature.maybe");
    expect(predictions[2].attributes["ml.feature.plan"]).toBe("Zürich 東京 🚀");
    expect(first["error.type"]).toBe("ValueError");
  });

  it("is byte for byte what OpenTelemetry JS's ProtobufLogsSerializer writes for the same records", () => {
    const official = ProtobufLogsSerializer.serializeRequest(asSdkRecords(decodeOtlp("logs", "json", json)));
    expect(official).toBeDefined();
    expect(Buffer.from(protobuf).equals(Buffer.from(official as Uint8Array))).toBe(true);
  });
});

/** Each sample line of a /metrics text for `model`, with the model's name taken out. */
function metricsOf(text: string, model: string): string[] {
  return text
    .split("\n")
    .filter((line) => line.includes(`model="${model}"`))
    .map((line) => line.replace(`model="${model}"`, 'model="M"'));
}

async function readJson(worker: RunningWorker, path: string): Promise<unknown> {
  const response = await fetch(`${worker.url}${path}`, { headers: { Authorization: `Bearer ${worker.readToken}` } });
  expect(response.status).toBe(200);
  return response.json();
}

describe("the Worker under wrangler dev, fed the same records as protobuf and as JSON", () => {
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await startWorker();
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
  });

  it("counts, joins and sketches them identically", async () => {
    // Both models' predictions carry the same times: the start of the previous minute onwards.
    const baseSeconds = Math.floor(Date.now() / 60_000) * 60 - 60;
    type Stats = Record<string, number | boolean>;
    const [viaProtobuf, viaJson] = await Promise.all([
      python<Stats>(["send", worker.url, worker.ingestToken, "py-pb", "http/protobuf", String(baseSeconds)]),
      python<Stats>(["send", worker.url, worker.ingestToken, "py-json", "http/json", String(baseSeconds)]),
    ]);
    for (const stats of [viaProtobuf, viaJson]) {
      expect(stats).toMatchObject({ delivered: true, recorded: COUNT * 1.5, exported_records: COUNT * 1.5, dropped: 0, rejected_records: 0, invalid_values: 0 });
    }

    // The models' summaries (versions, every series with its total and times), but for their
    // names, the moment each was created, and the state of each object's own rollup alarm
    // (pending rollups, storage), which runs on its own clock.
    const summary = async (model: string) => {
      const answer = (await readJson(worker, `/api/models/${model}`)) as Record<string, unknown>;
      const { model: _name, createdAt: _created, pendingRollups: _pending, storageBytes: _bytes, ...rest } = answer;
      return rest;
    };
    const [pb, js] = [await summary("py-pb"), await summary("py-json")];
    expect(pb).toMatchObject({ versions: [expect.objectContaining({ version: "v1", predictions: COUNT, actuals: COUNT / 2, errors: Math.ceil(COUNT / 17) })] });
    expect(pb).toEqual(js);

    // Accuracy over the joined pairs, without the model's name, the window's ends (the time of
    // each answer) and the actuals' delay (each process sent its actuals at its own moment).
    const accuracy = async (model: string) => {
      const answer = (await readJson(worker, `/api/models/${model}/accuracy?version=v1&window=1h`)) as Record<string, unknown> & { delay: { joined: number } };
      const { model: _name, from: _from, to: _to, delay, ...rest } = answer;
      return { ...rest, joined: delay.joined };
    };
    const [pbAccuracy, jsAccuracy] = [await accuracy("py-pb"), await accuracy("py-json")];
    // Every even prediction has an actual; a failed one (every 17th) waits for none (docs/accuracy.md).
    const joinable = Array.from({ length: COUNT }, (_, i) => i).filter((i) => i % 2 === 0 && i % 17 !== 0).length;
    expect(pbAccuracy).toMatchObject({ pairs: joinable, joined: joinable });
    expect(pbAccuracy).toEqual(jsAccuracy);

    // Every series of the two models: feature quantiles, drift against the baseline (which reads
    // every category and value), missing ratios, segments, latency histograms, counters. The actuals' delay is left out: it is measured from the
    // moment each process sent its actuals, which differ by the milliseconds between the runs.
    // One scrape for both, so that both are computed at the same moment (windows move with time).
    const text = await (await fetch(`${worker.url}/metrics`, { headers: { Authorization: `Bearer ${worker.readToken}` } })).text();
    const delay = /^driftline_actual_delay_seconds/;
    const [pbMetrics, jsMetrics] = [metricsOf(text, "py-pb").filter((l) => !delay.test(l)), metricsOf(text, "py-json").filter((l) => !delay.test(l))];
    expect(pbMetrics.length).toBeGreaterThan(50);
    expect(pbMetrics.filter((line) => line.startsWith("driftline_feature_drift{") && line.includes('feature="vip"')).length).toBeGreaterThan(0);
    expect(pbMetrics).toEqual(jsMetrics);
  }, 120_000);
});

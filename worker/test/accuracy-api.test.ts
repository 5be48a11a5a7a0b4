/**
 * GET /api/models/:model/accuracy and GET/PUT …/accuracy/settings (docs/accuracy.md): the
 * figures of a version as JSON, and the join settings a user can change with an ingest token.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { JSON_TYPE, postOtlp } from "./support/requests.ts";
import { bearer, TEST_TOKENS } from "./support/tokens.ts";

const attr = (key: string, value: string | number) => ({ key, value: typeof value === "number" ? { doubleValue: value } : { stringValue: value } });

function events(model: string, records: { event: string; id: string; label: string; score?: number; region?: string }[]): string {
  const timeUnixNano = String(BigInt(Date.now()) * 1_000_000n);
  const logRecords = records.map((r) => ({
    timeUnixNano,
    eventName: r.event,
    attributes: [
      attr("ml.model.id", model),
      attr("ml.model.version", "v1"),
      attr("ml.prediction.id", r.id),
      r.event === "ml.prediction" ? attr("ml.prediction.label", r.label) : attr("ml.actual.label", r.label),
      ...(r.score === undefined ? [] : [attr("ml.prediction.score", r.score)]),
      ...(r.region === undefined ? [] : [attr("ml.segment.region", r.region)]),
    ],
  }));
  return JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ scope: { name: "t" }, logRecords }] }] });
}

function call(path: string, init: RequestInit = {}, token: string = TEST_TOKENS.acme.read): Promise<Response> {
  return exports.default.fetch(`http://driftline.test/api/models/${path}`, { ...init, headers: { ...bearer(token), ...(init.headers as Record<string, string>) } });
}

describe("the accuracy API", () => {
  it("reports a version's accuracy, the join counts and the settings", async () => {
    const model = "accuracy-api-a";
    const sent = await postOtlp(
      "logs",
      events(model, [
        { event: "ml.prediction", id: "1", label: "yes", score: 0.8 },
        { event: "ml.prediction", id: "2", label: "no", score: 0.6 },
        { event: "ml.prediction", id: "3", label: "yes", score: 0.9 },
        { event: "ml.actual", id: "1", label: "yes" },
        { event: "ml.actual", id: "2", label: "yes" },
      ]),
      { "Content-Type": JSON_TYPE },
    );
    expect(sent.status).toBe(200);
    const response = await call(`${model}/accuracy?version=v1&window=1h`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { pairs: number; metrics: { accuracy: number }; join: { waitingPredictions: number; joined: number; settings: { ttlSeconds: number } } };
    expect(body.pairs).toBe(2);
    expect(body.metrics.accuracy).toBe(0.5);
    expect(body.join).toMatchObject({ waitingPredictions: 1, joined: 2, settings: { ttlSeconds: 30 * 86_400 } });
  });

  it("changes the join settings with an ingest token and refuses values out of range", async () => {
    const model = "accuracy-api-b";
    expect((await postOtlp("logs", events(model, [{ event: "ml.prediction", id: "1", label: "yes" }]), { "Content-Type": JSON_TYPE })).status).toBe(200);
    const put = (body: unknown, token: string = TEST_TOKENS.acme.ingest) =>
      call(`${model}/accuracy/settings`, { method: "PUT", body: JSON.stringify(body), headers: { "Content-Type": JSON_TYPE } }, token);
    expect((await put({ ttlSeconds: 7 * 86_400 }, TEST_TOKENS.acme.read)).status).toBe(403);
    const changed = await put({ ttlSeconds: 7 * 86_400 });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toEqual({ ttlSeconds: 7 * 86_400, maxRows: 1_000_000 });
    expect(await (await call(`${model}/accuracy/settings`)).json()).toEqual({ ttlSeconds: 7 * 86_400, maxRows: 1_000_000 });
    const tooLong = await put({ ttlSeconds: 100 * 86_400 });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { error: string }).error).toMatch(/ttlSeconds must be a whole number of seconds in \[1, 7689600\]/);
    expect((await put({ retention: 1 })).status).toBe(400);
  });

  it("answers 404 for a model the tenant does not have and 400 without a version", async () => {
    expect((await call("no-such-model/accuracy?version=v1")).status).toBe(404);
    expect((await call("no-such-model/accuracy/settings")).status).toBe(404);
    expect((await call("accuracy-api-a/accuracy")).status).toBe(400);
  });

  it("serves accuracy per segment through the query API: each segment's pairs, and the whole model's", async () => {
    const model = "accuracy-api-segments";
    const records = [];
    for (let i = 0; i < 6; i++) {
      const region = i < 4 ? "eu" : "us";
      records.push({ event: "ml.prediction", id: `p${i}`, label: "yes", region });
      // eu predictions are all right, us ones all wrong.
      records.push({ event: "ml.actual", id: `p${i}`, label: region === "eu" ? "yes" : "no" });
    }
    expect((await postOtlp("logs", events(model, records), { "Content-Type": JSON_TYPE })).status).toBe(200);
    const query = `driftline_accuracy{model="${model}", metric="accuracy", window="1h"}`;
    const response = await exports.default.fetch(`http://driftline.test/api/v1/query?query=${encodeURIComponent(query)}`, { headers: bearer(TEST_TOKENS.acme.read) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    const byLabel = Object.fromEntries(body.data.result.map((r) => [r.metric.segment_value ?? "(whole model)", Number(r.value[1])]));
    expect(byLabel).toEqual({ "(whole model)": 4 / 6, eu: 1, us: 0 });
  });
});

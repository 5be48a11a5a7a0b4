/**
 * How the OTLP routes answer from ingestRequest's outcome: partial_success when records were
 * rejected one by one, 503 + Retry-After when a ModelStore could not commit. The ingest
 * function is the test's own (the routes take it as a parameter); decoding is the real one.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { RETRY_AFTER_SECONDS } from "../src/otlp/otlp-routes.ts";
import { logsRequestProtobuf, readPartialSuccess, readStatus } from "./support/protobuf.ts";
import { bytesOf, JSON_TYPE, PROTOBUF } from "./support/requests.ts";
import { frontDoorWith } from "./support/test-app.ts";
import { bearer, TEST_TOKENS } from "./support/tokens.ts";
import type { IngestOutcome } from "../src/otlp/ingest.ts";

function post(app: ReturnType<typeof frontDoorWith>, signal: string, body: BodyInit, contentType: string, token: string = TEST_TOKENS.acme.ingest) {
  return app.request(`/v1/${signal}`, { method: "POST", body, headers: { "Content-Type": contentType, ...bearer(token) } }, env);
}

describe("answering from the ingest outcome", () => {
  it("passes the decoded request and the token's tenant to ingest", async () => {
    const ingest = vi.fn(async (): Promise<IngestOutcome> => ({ rejected: 0, message: "" }));
    const response = await post(frontDoorWith(ingest), "logs", logsRequestProtobuf(2), PROTOBUF, TEST_TOKENS.globex.ingest);
    expect(response.status).toBe(200);
    expect(ingest).toHaveBeenCalledOnce();
    const [, tenant, signal, data] = ingest.mock.calls[0] as unknown as [unknown, string, string, { resourceLogs: { scopeLogs: { logRecords: unknown[] }[] }[] }];
    expect(tenant).toBe("globex");
    expect(signal).toBe("logs");
    expect(data.resourceLogs[0].scopeLogs[0].logRecords).toHaveLength(2);
  });

  it("answers rejections with 200 and a protobuf partial_success", async () => {
    const app = frontDoorWith(async () => ({ rejected: 3, message: "3 × log record without ml.model.id" }));
    const response = await post(app, "logs", logsRequestProtobuf(3), PROTOBUF);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe(PROTOBUF);
    expect(readPartialSuccess(await bytesOf(response))).toEqual({ rejected: 3, errorMessage: "3 × log record without ml.model.id" });
  });

  it("answers rejections with 200 and a JSON partialSuccess named for the signal", async () => {
    const app = frontDoorWith(async () => ({ rejected: 2, message: "2 × summary metrics are not supported" }));
    const metrics = await post(app, "metrics", "{}", JSON_TYPE);
    expect(await metrics.json()).toEqual({ partialSuccess: { rejectedDataPoints: "2", errorMessage: "2 × summary metrics are not supported" } });
    const traces = await post(app, "traces", "{}", JSON_TYPE);
    expect(await traces.json()).toEqual({ partialSuccess: { rejectedSpans: "2", errorMessage: "2 × summary metrics are not supported" } });
  });

  it("answers a Durable Object overload with 503 and Retry-After, as a Status, without a log line per request", async () => {
    const app = frontDoorWith(async () => {
      throw Object.assign(new Error("Durable Object is overloaded. Too many requests queued."), { overloaded: true, retryable: true });
    });
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const response = await post(app, "logs", logsRequestProtobuf(1), PROTOBUF);
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe(String(RETRY_AFTER_SECONDS));
    const status = readStatus(await bytesOf(response));
    expect(status.code).toBe(14); // UNAVAILABLE
    expect(status.message).toContain("overloaded");
    // Shed load is counted by the admission (a line every 10 s at most), never logged one by one:
    // under overload a line per refusal was itself a cost (issue 11, item 4).
    expect(error).not.toHaveBeenCalled();
    error.mockRestore();
  });

  it("answers any storage failure with 503 and Retry-After", async () => {
    const app = frontDoorWith(async () => {
      throw new Error("SQLITE_FULL");
    });
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const response = await post(app, "metrics", "{}", JSON_TYPE);
    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toBe(String(RETRY_AFTER_SECONDS));
    expect(((await response.json()) as { message: string }).message).toContain("the request was not acknowledged, retry after");
    error.mockRestore();
  });

  it("does not call ingest for a body that fails to decode", async () => {
    const ingest = vi.fn(async (): Promise<IngestOutcome> => ({ rejected: 0, message: "" }));
    const response = await post(frontDoorWith(ingest), "logs", "[1,2", JSON_TYPE);
    expect(response.status).toBe(400);
    expect(ingest).not.toHaveBeenCalled();
  });
});

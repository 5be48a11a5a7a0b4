import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { OtlpDecodeError } from "@driftline/collector/otlp";
import { requireToken } from "../auth/require-token.ts";
import { admitExports } from "../http/admission.ts";
import { bodyLimits, ConfigError } from "../config.ts";
import { HttpError, OverloadError } from "../http/http-error.ts";
import { readBody } from "../http/read-body.ts";
import { requireCoding, requireFormat } from "./content-negotiation.ts";
import { otlpErrorHandler, otlpNotFound } from "./otlp-errors.ts";
import { exportSuccess } from "./otlp-responses.ts";
import type { OtlpFormat } from "@driftline/collector/otlp";
import type { LogsData, MetricsData, Signal, TracesData } from "@driftline/collector/otlp";
import type { AppEnv } from "../http/app-env.ts";
import type { Env } from "../env.ts";
import type { IngestOutcome } from "./ingest.ts";

/** What the OTLP routes call: the decoder and the ingest pipeline; parameters so tests can stand in for them. */
export type OtlpRouteDeps = {
  decode: (signal: Signal, format: OtlpFormat, body: Uint8Array) => LogsData | MetricsData | TracesData;
  ingest: (env: Env, tenant: string, signal: Signal, data: LogsData | MetricsData | TracesData) => Promise<IngestOutcome>;
};

/**
 * Seconds a client should wait after a 503. The OTel Collector honours Retry-After within its
 * own backoff bounds; 5 s gives an overloaded Durable Object time to drain its queue.
 */
export const RETRY_AFTER_SECONDS = 5;

const SIGNALS: readonly Signal[] = ["logs", "metrics", "traces"];

/**
 * OTLP/HTTP receiver, mounted at /v1: `POST /v1/{logs,metrics,traces}` with an ingest token.
 * Order of checks: token (401/403), media type and coding (415), size limits while reading
 * (413), decode (400), then ingest: 200 (with partial_success when points were rejected) only
 * after every ModelStore committed, 503 + Retry-After when one could not. Every error, and a 404
 * for any other path under /v1, is a google.rpc.Status: the sub-app's own `onError`.
 */
export function otlpRoutes(deps: OtlpRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(otlpErrorHandler);
  const admit = admitExports();
  for (const signal of SIGNALS) {
    app.post(`/${signal}`, requireToken("ingest"), admit, async (c) => {
      const format = requireFormat(c.req.header("Content-Type"));
      const coding = requireCoding(c.req.header("Content-Encoding"));
      const body = await readBody(c.req.raw, coding, limitsOf(c.env), c.get("lingerOn"));
      // The inflated body is what the isolate holds while it decodes: admitted by its bytes too.
      c.get("admission")?.bodyRead(body.byteLength, Date.now());
      const data = decode(deps, signal, format, body);
      const outcome = await ingest(deps, c.env, c.get("tenant"), signal, data);
      return exportSuccess(signal, format, outcome.rejected, outcome.message);
    });
    app.all(`/${signal}`, (c) => {
      throw new HttpError(405, `method ${c.req.method} not allowed on /v1/${signal}: OTLP/HTTP exports use POST`, { Allow: "POST" });
    });
  }
  // Registered last: only what no route above matched.
  app.all("*", otlpNotFound);
  return app;
}

function limitsOf(env: Env) {
  try {
    return bodyLimits(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new HttpError(500, `server misconfigured: ${error.message}`, {}, error);
    throw error;
  }
}

function decode(deps: OtlpRouteDeps, signal: Signal, format: OtlpFormat, body: Uint8Array) {
  try {
    return deps.decode(signal, format, body);
  } catch (error) {
    // 400 tells the exporter not to retry: the same bytes would fail the same way.
    if (error instanceof OtlpDecodeError) throw new HttpError(400, error.message, {}, error);
    throw error;
  }
}

async function ingest(deps: OtlpRouteDeps, env: Env, tenant: string, signal: Signal, data: LogsData | MetricsData | TracesData) {
  try {
    return await deps.ingest(env, tenant, signal, data);
  } catch (error) {
    if (error instanceof HTTPException) throw error;
    // The request is not acknowledged, so the exporter retries it: 503 whether the object was
    // overloaded or storage failed. Usually nothing of it was committed; but a model's commit can
    // succeed while its RPC answer is lost (or another model's fails), so a retry may count that
    // part again: OTLP delivery is at least once, and the message says so.
    const overloaded = typeof error === "object" && error !== null && (error as { overloaded?: unknown }).overloaded === true;
    const consequence = `the request was not acknowledged, retry after ${RETRY_AFTER_SECONDS} s (delivery is at least once: a part already stored may be counted again)`;
    // workerd's own "Durable Object is overloaded": shed load, counted by the admission, not logged per request.
    if (overloaded) throw new OverloadError("Durable Object overloaded", `a model store is overloaded; ${consequence}`, RETRY_AFTER_SECONDS);
    console.error(`ingest ${signal} for tenant ${tenant} failed`, error);
    throw new HttpError(503, `storage is unavailable; ${consequence}`, { "Retry-After": String(RETRY_AFTER_SECONDS) }, error);
  }
}

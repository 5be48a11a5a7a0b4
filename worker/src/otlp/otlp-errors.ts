import { describeError, notFoundMessage } from "../http/on-error.ts";
import { HttpError } from "../http/http-error.ts";
import { formatOf } from "./content-negotiation.ts";
import { exportFailure } from "./otlp-responses.ts";
import type { Context } from "hono";
import type { AppEnv } from "../http/app-env.ts";

/**
 * The OTLP sub-app's `onError`: a google.rpc.Status in the request's encoding (JSON when the
 * content type itself was not understood), as OTLP/HTTP specifies for every failure.
 */
export function otlpErrorHandler(error: Error, c: Context<AppEnv>): Response {
  const parts = describeError(error, c);
  if (parts instanceof Response) return parts;
  return exportFailure(formatOf(c.req.header("Content-Type")) ?? "json", parts.status, parts.message, parts.headers);
}

/** Unrouted paths under /v1: 404 as a Status, naming the three export paths. */
export function otlpNotFound(c: Context<AppEnv>): never {
  throw new HttpError(404, `${notFoundMessage(c)}: OTLP/HTTP exports go to POST /v1/logs, /v1/metrics or /v1/traces`);
}

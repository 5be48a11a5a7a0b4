import { ErrorType, PromQLError, errorResponse } from "@driftline/collector/promql";
import { describeError, notFoundMessage } from "../http/on-error.ts";
import { HttpError } from "../http/http-error.ts";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../http/app-env.ts";

/** Prometheus' `errorType` for a status that is not a query error (web/api/v1's own list). */
function errorTypeOf(status: number): string {
  if (status === 404) return "not_found";
  if (status === 422) return ErrorType.execution;
  if (status === 429 || status === 503) return "unavailable";
  if (status >= 500) return ErrorType.internal;
  return ErrorType.badData;
}

/**
 * The Prometheus sub-app's `onError`: `{ status: "error", errorType, error }` as Prometheus'
 * HTTP API answers, so Grafana shows the message. A PromQLError keeps its type and status (400
 * bad_data, 422 execution); an HTTPException (413 form body, 503 overloaded) keeps its status
 * and headers; anything else is 500 "internal error", its detail logged and never sent
 * (issue 10, defect 4).
 */
export function prometheusErrorHandler(error: Error, c: Context<AppEnv>): Response {
  if (error instanceof PromQLError) {
    const { status, body } = errorResponse(error);
    if (status >= 500) console.error(`${c.req.method} ${c.req.path}: ${body.error}`, error);
    return c.json(body, status as ContentfulStatusCode);
  }
  const parts = describeError(error, c);
  if (parts instanceof Response) return parts;
  return c.json({ status: "error", errorType: errorTypeOf(parts.status), error: parts.message }, parts.status, { ...parts.headers });
}

/** Unrouted paths under /api/v1: 404 in Prometheus' shape. */
export function prometheusNotFound(c: Context<AppEnv>): never {
  throw new HttpError(404, `${notFoundMessage(c)} in the Prometheus HTTP API (docs/query-api.md lists the routes)`);
}

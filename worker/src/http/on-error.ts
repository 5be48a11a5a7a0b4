import { HTTPException } from "hono/http-exception";
import { formatOf } from "../otlp/content-negotiation.ts";
import { exportFailure } from "../otlp/otlp-responses.ts";
import { ConfigError } from "../config.ts";
import { HttpError } from "./http-error.ts";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./app-env.ts";

/**
 * The one place errors become responses (`app.onError`). On the OTLP routes (/v1/*) the body
 * is a google.rpc.Status in the request's encoding (JSON when the content type itself was not
 * understood); elsewhere it is JSON `{ error }`. Anything that is not an HTTPException is a
 * bug: logged, and answered 500 without its details.
 */
export function handleError(error: Error, c: Context<AppEnv>): Response {
  let status: ContentfulStatusCode = 500;
  let message = "internal error";
  let headers: Readonly<Record<string, string>> = {};
  if (error instanceof ConfigError) {
    // A malformed variable: the operator must see which one, in the answer and in the log.
    status = 500;
    message = `server misconfigured: ${error.message}`;
    console.error(`${c.req.method} ${c.req.path}: ${message}`);
  } else if (error instanceof HTTPException) {
    // Hono's own middleware may throw with a prepared response and no message: keep it.
    if (error.message === "" && error.res !== undefined) return error.getResponse();
    status = error.status as ContentfulStatusCode;
    message = error.message;
    if (error instanceof HttpError) headers = error.headers;
    if (status >= 500) console.error(`${c.req.method} ${c.req.path}: ${status} ${message}`, error.cause ?? "");
  } else {
    console.error(`${c.req.method} ${c.req.path}: unhandled error`, error);
  }
  if (c.req.path.startsWith("/v1/")) {
    return exportFailure(formatOf(c.req.header("Content-Type")) ?? "json", status, message, headers);
  }
  return c.json({ error: message }, status, { ...headers });
}

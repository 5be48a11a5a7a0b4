import { HTTPException } from "hono/http-exception";
import { ConfigError } from "../config.ts";
import { HttpError, OverloadError } from "./http-error.ts";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "./app-env.ts";

/** What an error answer says, before a sub-app puts it in its own format. */
export type ErrorParts = { status: ContentfulStatusCode; message: string; headers: Readonly<Record<string, string>> };

/**
 * Status, message and headers of an error, or the response Hono's own middleware prepared. An
 * HTTPException is an input error whose message was written for the client; anything else is a
 * bug (or a storage failure nobody turned into an HTTPException): logged with its detail here and
 * answered 500 "internal error", so that no stack, SQL or path ever reaches a client. A 5xx
 * HTTPException is logged with its cause too, except an OverloadError (load shed on purpose).
 */
export function describeError(error: Error, c: Context<AppEnv>): ErrorParts | Response {
  if (error instanceof ConfigError) {
    // A malformed variable: the operator must see which one, in the answer and in the log.
    const message = `server misconfigured: ${error.message}`;
    console.error(`${c.req.method} ${c.req.path}: ${message}`);
    return { status: 500, message, headers: {} };
  }
  if (!(error instanceof HTTPException)) {
    console.error(`${c.req.method} ${c.req.path}: unhandled error`, error);
    return { status: 500, message: "internal error", headers: {} };
  }
  // Hono's own middleware may throw with a prepared response and no message: keep it.
  if (error.message === "" && error.res !== undefined) return error.getResponse();
  const status = error.status as ContentfulStatusCode;
  // Shed load is counted by the admission, not logged per request (OverloadError says why).
  if (status >= 500 && !(error instanceof OverloadError)) console.error(`${c.req.method} ${c.req.path}: ${status} ${error.message}`, error.cause ?? "");
  return { status, message: error.message, headers: error instanceof HttpError ? error.headers : {} };
}

/**
 * The Worker's `app.onError`: JSON `{ error }`, the format of /api/models and /healthz. The OTLP
 * sub-app (/v1, google.rpc.Status) and the Prometheus sub-app (/api/v1, Prometheus' error shape)
 * own their formats with their own `onError`, which `app.route()` keeps; nothing here looks at
 * the path.
 */
export function handleError(error: Error, c: Context<AppEnv>): Response {
  const parts = describeError(error, c);
  if (parts instanceof Response) return parts;
  return c.json({ error: parts.message }, parts.status, { ...parts.headers });
}

/** The Worker's `app.notFound`: JSON `{ error }` naming the method and path. */
export function handleNotFound(c: Context<AppEnv>): Response {
  return c.json({ error: notFoundMessage(c) }, 404);
}

/** "no route for GET /x": the message of every 404 for an unrouted path, whatever its format. */
export function notFoundMessage(c: Context<AppEnv>): string {
  return `no route for ${c.req.method} ${c.req.path}`;
}

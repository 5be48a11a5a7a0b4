import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * An input error that also needs response headers (`WWW-Authenticate` on 401, `Retry-After`
 * on 503, `Allow` on 405). Hono's HTTPException carries only a status and a message; the one
 * `app.onError` copies these headers onto whatever body it builds for the route's format.
 */
export class HttpError extends HTTPException {
  /** Headers the error response must carry. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: ContentfulStatusCode, message: string, headers: Record<string, string> = {}, cause?: unknown) {
    super(status, { message, cause });
    this.headers = headers;
  }
}

/** Seconds a refused exporter should wait before it sends again (OTLP/HTTP honours Retry-After on 429 and 503). */
export const OVERLOAD_RETRY_AFTER_SECONDS = 1;

/**
 * 503 + `Retry-After` for load shed on purpose (http/admission.ts, a ModelStore's queue): nothing
 * of the request was acknowledged, so the exporter's retry loses nothing. Not logged one by one
 * (the error handler skips it): under overload a line per refusal cost more than the refusal,
 * and through `wrangler dev` each line crosses the inspector to the Node process. The admission
 * logs a count instead (admission.ts, ShedLog).
 */
export class OverloadError extends HttpError {
  /** The limit that refused (`MAX_EXPORT_WAIT_MS`, `MAX_STORE_QUEUE_MS`, ...), for the count of refusals. */
  readonly limit: string;

  constructor(limit: string, message: string, retryAfterSeconds = OVERLOAD_RETRY_AFTER_SECONDS) {
    super(503, message, { "Retry-After": String(retryAfterSeconds) });
    this.limit = limit;
  }
}

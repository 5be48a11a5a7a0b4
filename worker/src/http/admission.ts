import { HttpError } from "./http-error.ts";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.ts";

/**
 * Most export requests one isolate works on at once. Decoding and folding is CPU work on the
 * isolate's one thread (about 10-20 ms for a 500-prediction batch), so a request admitted behind
 * N others waits about N × that: 32 keeps the wait of an admitted request well under a second.
 */
export const MAX_IN_FLIGHT_EXPORTS = 32;
/** Seconds a refused exporter should wait (OTLP/HTTP: honour Retry-After on 429/503). */
export const OVERLOAD_RETRY_AFTER_SECONDS = 1;

/** Export requests this isolate is working on now. */
let inFlight = 0;

/**
 * Admission control for the OTLP routes (issue 11, item 4): past {@link MAX_IN_FLIGHT_EXPORTS}
 * requests in flight in this isolate, a new one is refused at once, before its body is read, with
 * our own 503 and `Retry-After`, instead of queueing until latency runs away (or until
 * `wrangler dev`'s proxy gives up with its own 503). Nothing refused here was acknowledged, so an
 * exporter's retry loses nothing.
 */
export function admitExports(maxInFlight = MAX_IN_FLIGHT_EXPORTS): MiddlewareHandler<AppEnv> {
  return async (_c, next) => {
    if (inFlight >= maxInFlight) {
      throw new HttpError(
        503,
        `overloaded: ${inFlight} export requests in flight in this Worker isolate (limit ${maxInFlight}); retry after ${OVERLOAD_RETRY_AFTER_SECONDS} s`,
        { "Retry-After": String(OVERLOAD_RETRY_AFTER_SECONDS) },
      );
    }
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
    }
  };
}

/**
 * Request parameters of the /api/v1 routes: the query string, plus the form body of a POST
 * (Grafana POSTs `application/x-www-form-urlencoded`), as Prometheus merges them.
 */
import type { Context } from "hono";
import { ErrorType, PromQLError, parseSeriesSelector, parseTimeParam } from "@driftline/collector/promql";
import type { MetadataQuery } from "@driftline/collector/promql";
import type { AppEnv } from "../http/app-env.ts";
import { HttpError } from "../http/http-error.ts";
import { readBody } from "../http/read-body.ts";
import { requireCoding } from "../otlp/content-negotiation.ts";

/** Largest form body accepted, in bytes (before and after any gzip): a query is text, never megabytes. */
export const MAX_FORM_BYTES = 256 * 1024;
const FORM_LIMITS = { maxBodyBytes: MAX_FORM_BYTES, maxDecompressedBytes: MAX_FORM_BYTES };

/**
 * The query string and, for a form POST, the body's fields. The body is read by the shared
 * bounded reader (http/read-body.ts): a declared Content-Length over the limit is refused before
 * a byte is read, and a chunked body is counted and refused at the limit (issue 11, item 6: the
 * whole body used to be read first, and a body that never ended was never answered).
 */
export async function requestParams(c: Context<AppEnv>): Promise<URLSearchParams> {
  const params = new URL(c.req.url).searchParams;
  if (c.req.method !== "POST") return params;
  const type = c.req.header("Content-Type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded")) return params;
  let bytes: Uint8Array;
  try {
    bytes = await readBody(c.req.raw, requireCoding(c.req.header("Content-Encoding")), FORM_LIMITS, c.get("lingerOn"));
  } catch (error) {
    if (error instanceof HttpError && error.status === 413) {
      const declared = c.req.header("Content-Length");
      const what = declared !== undefined && Number(declared) > MAX_FORM_BYTES ? `of ${declared} bytes (Content-Length) ` : "";
      throw new HttpError(413, `form body ${what}exceeds the limit of ${MAX_FORM_BYTES} bytes: send the query in fewer bytes`);
    }
    throw error;
  }
  const merged = new URLSearchParams(params);
  for (const [key, value] of new URLSearchParams(new TextDecoder().decode(bytes))) merged.append(key, value);
  return merged;
}

/** `match[]`, `start`, `end` and `limit` of a metadata route (no start/end: all time). */
export function metadataQuery(params: URLSearchParams): MetadataQuery {
  const selectors = params.getAll("match[]").map((s) => parseSeriesSelector(s));
  const limitText = params.get("limit");
  const limit = limitText === null || limitText === "" ? 0 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 0) throw new PromQLError(ErrorType.badData, `invalid parameter "limit": must be a non-negative integer, got ${JSON.stringify(limitText)}`);
  return {
    selectors,
    startMs: parseTimeParam("start", params.get("start"), -Infinity),
    endMs: parseTimeParam("end", params.get("end"), Infinity),
    limit,
  };
}

/**
 * Request parameters of the /api/v1 routes: the query string, plus the form body of a POST
 * (Grafana POSTs `application/x-www-form-urlencoded`), as Prometheus merges them.
 */
import type { Context } from "hono";
import { ErrorType, PromQLError, parseSeriesSelector, parseTimeParam } from "@driftline/collector/promql";
import type { MetadataQuery } from "@driftline/collector/promql";
import type { AppEnv } from "../http/app-env.ts";

/** Largest form body accepted, in bytes: a query is text, never megabytes. */
export const MAX_FORM_BYTES = 256 * 1024;

/** The query string and, for a form POST, the body's fields. */
export async function requestParams(c: Context<AppEnv>): Promise<URLSearchParams> {
  const params = new URL(c.req.url).searchParams;
  if (c.req.method !== "POST") return params;
  const type = c.req.header("Content-Type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded")) return params;
  const text = await c.req.text();
  if (text.length > MAX_FORM_BYTES) throw new PromQLError(ErrorType.badData, `form body of ${text.length} bytes exceeds the limit of ${MAX_FORM_BYTES} bytes`);
  const merged = new URLSearchParams(params);
  for (const [key, value] of new URLSearchParams(text)) merged.append(key, value);
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

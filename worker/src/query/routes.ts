/**
 * Prometheus' HTTP API under /api/v1 (docs/query-api.md): queries go to the PromQL engine over
 * {@link StoreSource}; rules and alerts list the tenant's alert rules (alerts/tenant-rules.ts) and
 * exemplars answer empty, in Prometheus' shapes so Grafana's data source works unchanged. Every
 * error has Prometheus' shape (`errorType`, 400/422/500).
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ErrorType, PromQLError, errorResponse, instantQuery, parseDurationParam, parseTimeParam, rangeQuery, successBody } from "@driftline/collector/promql";
import type { AppEnv } from "../http/app-env.ts";
import { FAMILY_METADATA } from "@driftline/collector/series";
import { CUSTOM_PREFIX, customMetadata } from "@driftline/collector/series";
import { metadataQuery, requestParams } from "./params.ts";
import { StoreSource } from "./source.ts";
import { prometheusAlerts, prometheusRules } from "./tenant-rules.ts";

/** What /api/v1/status/buildinfo reports: the Prometheus version whose semantics the engine follows. */
export const BUILD_INFO = { version: "3.0.0", revision: "driftline", branch: "main", buildUser: "driftline", buildDate: "", goVersion: "none" } as const;

/** The /api/v1 routes; mount at "/api/v1" behind the read token. */
export const queryApi = new Hono<AppEnv>();

type Handler = (params: URLSearchParams, source: StoreSource, nowMs: number, c: Context<AppEnv>) => Promise<unknown>;

/** Runs a handler and answers `{ status: "success", data }`, or the error in Prometheus' shape. */
function route(handler: Handler) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    try {
      const nowMs = Date.now();
      const source = new StoreSource(c.env, c.get("tenant"));
      const data = await handler(await requestParams(c), source, nowMs, c);
      return c.json(successBody(data));
    } catch (error) {
      const { status, body } = errorResponse(error);
      if (status >= 500) console.error(`${c.req.method} ${c.req.path}: ${body.error}`, error);
      return c.json(body, status as ContentfulStatusCode);
    }
  };
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === "") throw new PromQLError(ErrorType.badData, `invalid parameter "${name}": missing`);
  return value;
}

queryApi.on(["GET", "POST"], "/query", route((params, source, nowMs) => instantQuery(source, required(params, "query"), parseTimeParam("time", params.get("time"), nowMs))));

queryApi.on(
  ["GET", "POST"],
  "/query_range",
  route((params, source) =>
    rangeQuery(
      source,
      required(params, "query"),
      parseTimeParam("start", required(params, "start"), 0),
      parseTimeParam("end", required(params, "end"), 0),
      parseDurationParam("step", params.get("step")),
    ),
  ),
);

queryApi.on(["GET", "POST"], "/labels", route((params, source) => source.labelNames(metadataQuery(params))));
queryApi.get("/label/:name/values", route((params, source, _now, c) => source.labelValues(c.req.param("name") ?? "", metadataQuery(params))));
queryApi.on(["GET", "POST"], "/series", route((params, source) => {
  const query = metadataQuery(params);
  if (query.selectors.length === 0) throw new PromQLError(ErrorType.badData, "no match[] parameter provided");
  return source.series(query);
}));

queryApi.get("/metadata", route(async (params, source) => {
  const metric = params.get("metric");
  const limit = Number(params.get("limit") ?? "0");
  const data: Record<string, { type: string; help: string; unit: string }[]> = {};
  // Custom-metric families exist only where a model sent them: ask the stores for their names.
  const custom = await source.series({ selectors: [[{ name: "__name__", type: "=~", value: `${CUSTOM_PREFIX}.+` }]], startMs: -Infinity, endMs: Infinity, limit: 0 });
  const customNames = [...new Set(custom.map((l) => l.__name__ ?? ""))].sort();
  for (const [name, meta] of [...Object.entries(FAMILY_METADATA), ...customNames.map((n) => [n, customMetadata(n)] as const)]) {
    if (metric !== null && metric !== "" && name !== metric) continue;
    if (limit > 0 && Object.keys(data).length >= limit) break;
    data[name] = [meta];
  }
  return data;
}));

queryApi.get("/status/buildinfo", route(async () => BUILD_INFO));
queryApi.get("/rules", route((params, _source, _now, c) => prometheusRules(c.env, c.get("tenant"), params)));
queryApi.get("/alerts", route((_params, _source, _now, c) => prometheusAlerts(c.env, c.get("tenant"))));
queryApi.on(["GET", "POST"], "/query_exemplars", route(async (params) => {
  required(params, "query");
  return [];
}));

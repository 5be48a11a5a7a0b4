import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../http/app-env.ts";
import { modelStore, tenantDirectory } from "../http/stores.ts";

/**
 * GET /api/models and GET /api/models/:model: what arrived, so a user can check an exporter
 * before building dashboards. Mounted behind the read-token middleware, which sets `tenant`.
 */
export const modelsApi = new Hono<AppEnv>();

modelsApi.get("/", async (c) => {
  const tenant = c.get("tenant");
  const entries = await tenantDirectory(c.env, tenant).list();
  const models = await Promise.all(
    entries.map(async (entry) => {
      const summary = await modelStore(c.env, tenant, entry.modelId).summary();
      return {
        model: entry.modelId,
        versions: summary.versions.map((v) => v.version),
        predictions: summary.versions.reduce((n, v) => n + v.predictions, 0),
        series: summary.series.length,
        firstSeen: summary.firstSeen,
        lastSeen: summary.lastSeen,
      };
    }),
  );
  return c.json({ models });
});

modelsApi.get("/:model", async (c) => {
  const tenant = c.get("tenant");
  const modelId = c.req.param("model");
  const entry = await tenantDirectory(c.env, tenant).get(modelId);
  if (entry === null) throw new HTTPException(404, { message: `no model ${JSON.stringify(modelId)} for this tenant: GET /api/models lists the models that have sent data` });
  const summary = await modelStore(c.env, tenant, modelId).summary();
  return c.json({ model: modelId, createdAt: entry.createdAt, ...summary });
});

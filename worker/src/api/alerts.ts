/**
 * Alert rules over the API (docs/alerts.md), mounted at /api/models:
 * PUT, GET and DELETE /:model/alerts/:name, GET /:model/alerts (every rule with its state) and
 * GET /:model/alerts/:name/deliveries (the delivery log). PUT and DELETE take an ingest token,
 * the GETs a read token (index.ts). The route validates; the store only stores and evaluates.
 */
import { Hono } from "hono";
import { AlertRuleError, parseRule } from "@driftline/collector/alerts";
import type { AlertRule } from "@driftline/collector/alerts";
import { HttpError } from "../http/http-error.ts";
import { readJsonBody } from "../http/read-json.ts";
import { configOf, limitsFromEnv } from "../config.ts";
import { requireKnownModel } from "./known-model.ts";
import { admitModel, modelStore } from "../http/stores.ts";
import type { AppEnv } from "../http/app-env.ts";

/** Largest rule body: a rule with every label, annotation and receiver at its limits fits. */
export const MAX_RULE_BODY_BYTES = 64 * 1024;

/** The alert routes; mount at "/api/models". */
export const alertsApi = new Hono<AppEnv>();

alertsApi.put("/:model/alerts/:name", async (c) => {
  const limits = limitsFromEnv(c.env);
  const model = c.req.param("model");
  checkModel(model, limits.maxNameLength);
  const body = await readJsonBody(c.req.raw, { maxBodyBytes: MAX_RULE_BODY_BYTES, maxDecompressedBytes: MAX_RULE_BODY_BYTES }, "alert rule", "MAX_RULE_BODY_BYTES");
  let rule: AlertRule;
  try {
    rule = parseRule(c.req.param("name"), model, body, { minIntervalMs: configOf(c.env).alertMinIntervalSeconds * 1000, maxNameLength: limits.maxNameLength, baseUrl: new URL(c.req.url).origin });
  } catch (error) {
    if (error instanceof AlertRuleError) throw new HttpError(400, `alert rule refused: ${error.message}`);
    throw error;
  }
  const tenant = c.get("tenant");
  if (!(await admitModel(c.env, tenant, model, limits))) {
    throw new HttpError(400, `model ${JSON.stringify(model)} refused: the tenant has maxModelsPerTenant (${limits.maxModelsPerTenant}) models`);
  }
  const stored = await modelStore(c.env, tenant, model).putAlertRule(rule);
  if ("refused" in stored) throw new HttpError(400, `alert rule refused: ${stored.refused}`);
  return c.json(stored);
});

alertsApi.get("/:model/alerts", async (c) => {
  const model = c.req.param("model");
  await requireKnownModel(c.env, c.get("tenant"), model);
  return c.json({ model, alerts: await modelStore(c.env, c.get("tenant"), model).listAlertRules() });
});

alertsApi.get("/:model/alerts/:name", async (c) => {
  const model = c.req.param("model");
  await requireKnownModel(c.env, c.get("tenant"), model);
  const view = await modelStore(c.env, c.get("tenant"), model).getAlertRule(c.req.param("name"));
  if (view === null) throw noRule(model, c.req.param("name"));
  return c.json(view);
});

alertsApi.delete("/:model/alerts/:name", async (c) => {
  const model = c.req.param("model");
  await requireKnownModel(c.env, c.get("tenant"), model);
  const name = c.req.param("name");
  if (!(await modelStore(c.env, c.get("tenant"), model).deleteAlertRule(name))) throw noRule(model, name);
  return c.json({ model, name, deleted: true });
});

alertsApi.get("/:model/alerts/:name/deliveries", async (c) => {
  const model = c.req.param("model");
  await requireKnownModel(c.env, c.get("tenant"), model);
  const name = c.req.param("name");
  const deliveries = await modelStore(c.env, c.get("tenant"), model).alertDeliveries(name);
  if (deliveries === null) throw noRule(model, name);
  return c.json({ model, name, deliveries });
});

function noRule(model: string, name: string): HttpError {
  return new HttpError(404, `no alert rule ${JSON.stringify(name)} on model ${JSON.stringify(model)}: GET /api/models/${model}/alerts lists them`);
}

function checkModel(model: string, maxNameLength: number): void {
  if (model.length > maxNameLength) throw new HttpError(400, `model id of ${model.length} characters, more than maxNameLength (${maxNameLength})`);
  if (model.includes("\u0000")) throw new HttpError(400, `model id ${JSON.stringify(model)} contains NUL`);
}


// Runs in the Worker isolate (edge): validates, then one RPC to the model's store.
import { DriftSettingsError, parseDriftSettings } from "@driftline/collector";
import { Hono } from "hono";
import { bodyLimits } from "../config.ts";
import { HttpError } from "../http/http-error.ts";
import { readJsonBody } from "../http/read-json.ts";
import { modelStore } from "../http/stores.ts";
import { requireKnownModel } from "./known-model.ts";
import type { AppEnv } from "../http/app-env.ts";

/**
 * PUT and GET /api/models/:model/drift/settings (docs/drift.md, "Settings"): the model's drift
 * method, levels, excluded features and importance weights, per version and feature. PUT takes an
 * ingest token (every write under /api/ does) and replaces the whole document; GET a read token.
 * The drift API, `driftline_drift_status`, the dataset share and drift-status alert rules read them.
 */
export const driftSettingsApi = new Hono<AppEnv>();

driftSettingsApi.put("/:model/drift/settings", async (c) => {
  const model = c.req.param("model");
  const tenant = c.get("tenant");
  await requireKnownModel(c.env, tenant, model);
  const body = await readJsonBody(c, bodyLimits(c.env), "drift settings");
  let settings;
  try {
    settings = parseDriftSettings(body);
  } catch (error) {
    if (error instanceof DriftSettingsError) throw new HttpError(400, `drift settings refused: ${error.message}`);
    throw error;
  }
  return c.json({ model, settings: await modelStore(c.env, tenant, model).putDriftSettings(settings) });
});

driftSettingsApi.get("/:model/drift/settings", async (c) => {
  const model = c.req.param("model");
  const tenant = c.get("tenant");
  await requireKnownModel(c.env, tenant, model);
  return c.json({ model, settings: (await modelStore(c.env, tenant, model).driftSettings()) ?? {} });
});

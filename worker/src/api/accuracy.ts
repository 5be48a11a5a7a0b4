// Runs in the Worker isolate (edge). api/ holds the JSON routes under /api/models, one sub-app per
// resource; each authenticates through the middleware in index.ts and calls its model's ModelStore
// over RPC (http/stores.ts). Nothing here runs inside a Durable Object.
import { Hono } from "hono";
import { HttpError } from "../http/http-error.ts";
import { readJsonBody } from "../http/read-json.ts";
import { bodyLimits } from "../config.ts";
import { DRIFT_WINDOWS } from "@driftline/collector/series";
import { modelStore } from "../http/stores.ts";
import { requireKnownModel } from "./known-model.ts";
import type { AppEnv } from "../http/app-env.ts";
import type { Env } from "../env.ts";
import type { AccuracyWindow } from "../store/read/accuracy.ts";
import type { JoinSettings } from "../store/write/joins.ts";

/**
 * The accuracy of a model as JSON (docs/accuracy.md), beside the `driftline_accuracy` series:
 * - GET /api/models/:model/accuracy?version=<v>&window=<5m|1h|1d|7d>: every figure of one
 *   version over (now − window, now], with the join table's counts and settings;
 * - GET /api/models/:model/accuracy/settings: the join TTL and row bound;
 * - PUT /api/models/:model/accuracy/settings `{ "ttlSeconds"?, "maxRows"? }` (ingest token, as
 *   every write under /api/): changes them; out-of-range values are a 400 naming the range.
 */
export const accuracyApi = new Hono<AppEnv>();

accuracyApi.get("/:model/accuracy", async (c) => {
  const model = c.req.param("model");
  const version = c.req.query("version");
  const window = c.req.query("window") ?? "1h";
  if (version === undefined || version === "") throw new HttpError(400, "accuracy needs ?version=<model version>: GET /api/models/:model lists the versions");
  if (!Object.hasOwn(DRIFT_WINDOWS, window)) throw new HttpError(400, `window must be one of ${Object.keys(DRIFT_WINDOWS).join(", ")}, got ${JSON.stringify(window)}`);
  await requireKnownModel(c.env, c.get("tenant"), model);
  const store = modelStore(c.env, c.get("tenant"), model);
  const [report, join, settings] = await Promise.all([store.accuracy(version, window as AccuracyWindow), store.joinCounts(), store.joinSettings()]);
  if ("refused" in report) throw new HttpError(422, report.refused);
  return c.json({ model, ...report, join: { ...join, settings } });
});

accuracyApi.get("/:model/accuracy/settings", async (c) => {
  const store = await knownStore(c.env, c.get("tenant"), c.req.param("model"));
  return c.json(await store.joinSettings());
});

accuracyApi.put("/:model/accuracy/settings", async (c) => {
  const store = await knownStore(c.env, c.get("tenant"), c.req.param("model"));
  const body = await readJsonBody(c.req.raw, bodyLimits(c.env), "settings");
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(400, 'settings must be a JSON object: { "ttlSeconds"?: number, "maxRows"?: number }');
  const changes: Partial<JoinSettings> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key !== "ttlSeconds" && key !== "maxRows") throw new HttpError(400, `unknown setting ${JSON.stringify(key)}: the settings are ttlSeconds and maxRows`);
    if (typeof value !== "number") throw new HttpError(400, `${key} must be a number, got ${JSON.stringify(value)}`);
    changes[key] = value;
  }
  const stored = await store.joinSettings(changes);
  if ("refused" in stored) throw new HttpError(400, stored.refused);
  return c.json(stored);
});

/** The model's store, after a 404 when the tenant has no such model (so a typo never creates one). */
async function knownStore(env: Env, tenant: string, model: string) {
  await requireKnownModel(env, tenant, model);
  return modelStore(env, tenant, model);
}

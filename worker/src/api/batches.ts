// Runs in the Worker isolate (edge): the batch routes under /api/models (docs/backfill.md).
import { Hono } from "hono";
import { HttpError } from "../http/http-error.ts";
import { modelStore } from "../http/stores.ts";
import { requireKnownModel } from "./known-model.ts";
import type { AppEnv } from "../http/app-env.ts";

/** Most batches one list answers: the default cap on batches per version. */
const MAX_LIST = 1000;

/**
 * Batch scoring jobs (`ml.batch.id`) as JSON:
 * - GET /api/models/:model/batches[?version=<v>][&limit=<n>]: the batches, newest last
 *   prediction first (at most `limit`, default and most 1 000), with their spans and counts;
 * - GET /api/models/:model/batches/:id[?version=<v>]: one batch's counts, span, every feature's
 *   and the prediction's drift against the version's baseline, and its accuracy once actuals
 *   have joined. `version` may be left out when one version holds a batch of that id.
 */
export const batchesApi = new Hono<AppEnv>();

batchesApi.get("/:model/batches", async (c) => {
  const model = c.req.param("model");
  const version = c.req.query("version") || undefined;
  const limitText = c.req.query("limit");
  const limit = limitText === undefined ? MAX_LIST : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST) throw new HttpError(400, `limit must be a whole number from 1 to ${MAX_LIST}, got ${JSON.stringify(limitText)}`);
  await requireKnownModel(c.env, c.get("tenant"), model);
  const batches = await modelStore(c.env, c.get("tenant"), model).batches(version, limit);
  return c.json({ model, batches });
});

batchesApi.get("/:model/batches/:id", async (c) => {
  const model = c.req.param("model");
  const id = c.req.param("id");
  const version = c.req.query("version") || undefined;
  await requireKnownModel(c.env, c.get("tenant"), model);
  const answer = await modelStore(c.env, c.get("tenant"), model).batch(id, version);
  if ("versions" in answer) {
    if (answer.versions.length === 0) throw new HttpError(404, `model ${JSON.stringify(model)} has no batch ${JSON.stringify(id)}${version === undefined ? "" : ` in version ${JSON.stringify(version)}`}: GET /api/models/${model}/batches lists them`);
    throw new HttpError(400, `batch ${JSON.stringify(id)} is in several versions (${answer.versions.join(", ")}): pass ?version=<v>`);
  }
  return c.json({ model, ...answer });
});

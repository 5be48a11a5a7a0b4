import { Hono } from "hono";
import { requireKnownModel } from "./known-model.ts";
import { HttpError } from "../http/http-error.ts";
import { WINDOW_NAMES, isWindowName } from "@driftline/collector/series";
import { modelStore } from "../http/stores.ts";
import type { AppEnv } from "../http/app-env.ts";

/**
 * GET /api/models/:model/drift?version=<v>&window=<5m|1h|1d|7d>: every baselined feature and the
 * prediction against the version's traffic over (now − window, now] (docs/baselines.md). With
 * `&feature=<name>`, that feature alone, with its counts per category when it is categorical
 * (docs/query-api.md). With `&segment=<attribute>&segment_value=<value>`, that segment's traffic
 * against the same baseline. The store computes it and returns plain JSON; this route only checks the query.
 */
export const driftApi = new Hono<AppEnv>();

driftApi.get("/:model/drift", async (c) => {
  const model = c.req.param("model");
  const version = c.req.query("version");
  const window = c.req.query("window") ?? "1h";
  const feature = c.req.query("feature");
  if (version === undefined || version === "") throw new HttpError(400, "drift needs ?version=<model version>: GET /api/models/:model lists the versions");
  if (!isWindowName(window)) throw new HttpError(400, `window must be one of ${WINDOW_NAMES.join(", ")}, got ${JSON.stringify(window)}`);
  const tenant = c.get("tenant");
  await requireKnownModel(c.env, tenant, model);
  // One value of a segment attribute, named as the query API's labels name it (docs/segments.md).
  const segmentName = c.req.query("segment");
  const segmentValue = c.req.query("segment_value");
  if ((segmentName === undefined) !== (segmentValue === undefined) || segmentName === "") {
    throw new HttpError(400, "a segment is ?segment=<attribute>&segment_value=<value> (both, as the query API's labels), e.g. ?segment=region&segment_value=eu");
  }
  const segment = segmentName === undefined ? "" : `${segmentName}=${segmentValue}`;
  const report = await modelStore(c.env, tenant, model).drift(version, window, undefined, feature, segment);
  if (report === null) {
    throw new HttpError(404, `no baseline for model ${JSON.stringify(model)} version ${JSON.stringify(version)}: PUT /api/models/${model}/versions/${version}/baseline first`);
  }
  if (feature !== undefined && report.features.length === 0) {
    throw new HttpError(404, `no baselined feature ${JSON.stringify(feature)} in model ${JSON.stringify(model)} version ${JSON.stringify(version)}: GET /api/models/${model}/drift?version=${version} lists them`);
  }
  return c.json({ model, ...(segment === "" ? {} : { segment: { name: segmentName, value: segmentValue } }), ...report });
});

import { CategoricalCounts, DriftSettingsError, SeriesKind, SketchDecodeError, TDigest, parseDriftSettings } from "@driftline/collector";
import type { Limits, VersionDriftSettings } from "@driftline/collector";
import { Hono } from "hono";
import { decodeBase64 } from "@driftline/collector/otlp";
import { HttpError } from "../http/http-error.ts";
import { readJsonBody } from "../http/read-json.ts";
import { bodyLimits, limitsFromEnv } from "../config.ts";
import { admitModel, modelStore } from "../http/stores.ts";
import type { AppEnv } from "../http/app-env.ts";
import type { BaselineEntry, BaselineInfo, BaselineRefusal } from "../store/baselines.ts";

/**
 * PUT and GET /api/models/:model/versions/:version/baseline (docs/baselines.md). PUT takes an
 * ingest token (index.ts: writes under /api/ need one) and either uploaded sketches or a
 * reference window `{ from, to }`; it admits the model, so a baseline may precede all traffic.
 * GET takes a read token. The route validates everything; the store only writes.
 */
export const baselinesApi = new Hono<AppEnv>();

baselinesApi.put("/:model/versions/:version/baseline", async (c) => {
  const limits = limitsFromEnv(c.env);
  const model = c.req.param("model");
  const version = c.req.param("version");
  checkName(model, "model id", limits);
  checkName(version, "version", limits);
  const body = await readJsonBody(c, bodyLimits(c.env), "baseline");
  const tenant = c.get("tenant");
  const store = modelStore(c.env, tenant, model);
  let stored: BaselineInfo | BaselineRefusal;
  if (isObject(body) && ("from" in body || "to" in body)) {
    const { fromMinute, toMinute } = parseWindow(body);
    await admit(c.env, tenant, model, limits);
    stored = await store.putBaselineFromWindow(version, fromMinute, toMinute);
  } else {
    const { rows, entries, settings } = parseUpload(body, limits, version);
    await admit(c.env, tenant, model, limits);
    stored = await store.putBaseline(version, entries, rows, undefined, settings);
  }
  if ("refused" in stored) throw new HttpError(400, `baseline refused: ${stored.refused}`);
  return c.json({ model, ...stored });
});

baselinesApi.get("/:model/versions/:version/baseline", async (c) => {
  const model = c.req.param("model");
  const version = c.req.param("version");
  const stored = await modelStore(c.env, c.get("tenant"), model).getBaseline(version);
  if (stored === null) throw new HttpError(404, `no baseline for model ${JSON.stringify(model)} version ${JSON.stringify(version)}: PUT one to this path`);
  return c.json({ model, ...stored });
});

async function admit(env: AppEnv["Bindings"], tenant: string, model: string, limits: Limits): Promise<void> {
  if (!(await admitModel(env, tenant, model, limits))) {
    throw new HttpError(400, `model ${JSON.stringify(model)} refused: the tenant has maxModelsPerTenant (${limits.maxModelsPerTenant}) models`);
  }
}


function parseWindow(body: Record<string, unknown>): { fromMinute: number; toMinute: number } {
  for (const key of Object.keys(body)) if (key !== "from" && key !== "to") throw new HttpError(400, `unknown field ${JSON.stringify(key)} in a reference-window body (fields: from, to)`);
  const from = parseInstant(body.from, "from");
  const to = parseInstant(body.to, "to");
  if (!(from < to)) throw new HttpError(400, `reference window: from (${new Date(from).toISOString()}) must be before to (${new Date(to).toISOString()})`);
  // Buckets whose minute starts in [from, to).
  return { fromMinute: Math.ceil(from / 60_000), toMinute: Math.ceil(to / 60_000) };
}

function parseInstant(value: unknown, field: string): number {
  const ms = typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new HttpError(400, `reference window: ${field} must be an ISO 8601 timestamp string, got ${JSON.stringify(value)}`);
  return ms;
}

const UPLOAD_FIELDS = ["rows", "features", "prediction", "score", "target", "settings"];

function parseUpload(body: unknown, limits: Limits, version: string): { rows: number; entries: BaselineEntry[]; settings?: VersionDriftSettings } {
  if (!isObject(body)) throw new HttpError(400, "baseline body must be a JSON object: { rows, features, prediction? } or { from, to }");
  for (const key of Object.keys(body)) {
    if (!UPLOAD_FIELDS.includes(key)) throw new HttpError(400, `unknown field ${JSON.stringify(key)} in a baseline body (fields: ${UPLOAD_FIELDS.join(", ")})`);
  }
  const rows = body.rows;
  if (typeof rows !== "number" || !Number.isSafeInteger(rows) || rows < 0) throw new HttpError(400, `rows must be a non-negative integer, got ${JSON.stringify(rows)}`);
  if (!isObject(body.features)) throw new HttpError(400, "features must be an object mapping feature names to { type, sketch }");
  const names = Object.keys(body.features);
  if (names.length > limits.maxFeaturesPerModel) throw new HttpError(400, `${names.length} features, more than maxFeaturesPerModel (${limits.maxFeaturesPerModel})`);
  const entries: BaselineEntry[] = [];
  for (const name of names) {
    checkName(name, "feature name", limits);
    entries.push(parseSketch(body.features[name], `feature ${JSON.stringify(name)}`, name, SeriesKind.numericFeature, SeriesKind.categoricalFeature, limits));
  }
  if (body.prediction !== undefined) entries.push(parseSketch(body.prediction, "prediction", "", SeriesKind.predictionValue, SeriesKind.predictionLabel, limits));
  if (body.score !== undefined) {
    // A classifier's score beside its label: numbers only (the baseline is then "label with score").
    if (!isObject(body.score) || body.score.type !== "numeric") throw new HttpError(400, 'score: expected { type: "numeric", sketch }');
    if (!isObject(body.prediction) || body.prediction.type !== "categorical") throw new HttpError(400, "score needs a categorical prediction (a label): a score is the classifier's confidence in its label");
    entries.push(parseSketch(body.score, "score", "", SeriesKind.predictionScore, SeriesKind.predictionScore, limits));
  }
  // The ground truth (target drift): numbers compare with ml.actual.value, categories with ml.actual.label.
  if (body.target !== undefined) entries.push(parseSketch(body.target, "target", "", SeriesKind.actualValue, SeriesKind.actualLabel, limits));
  if (entries.length === 0) throw new HttpError(400, "a baseline needs at least one feature or a prediction");
  if (body.settings === undefined) return { rows, entries };
  return { rows, entries, settings: parseVersionSettings(body.settings, version) };
}

/**
 * The upload's drift settings, `{ defaults?, features? }` for this version (docs/baselines.md,
 * "Settings in the upload"), validated as the settings API validates `versions.<version>`.
 */
function parseVersionSettings(value: unknown, version: string): VersionDriftSettings {
  try {
    return parseDriftSettings({ versions: { [version]: value } }).versions![version];
  } catch (error) {
    if (error instanceof DriftSettingsError) throw new HttpError(400, `baseline settings refused: ${error.message}`);
    throw error;
  }
}

function parseSketch(value: unknown, what: string, name: string, numericKind: SeriesKind, categoricalKind: SeriesKind, limits: Limits): BaselineEntry {
  if (!isObject(value)) throw new HttpError(400, `${what}: expected { type, sketch }`);
  const bytes = typeof value.sketch === "string" ? decodeBase64(value.sketch) : undefined;
  if (bytes === undefined) throw new HttpError(400, `${what}: sketch must be a base64 string of the sketch's bytes`);
  try {
    if (value.type === "numeric") {
      const digest = TDigest.fromBytes(bytes);
      return { kind: numericKind, name, sketch: bytes, count: digest.count };
    }
    if (value.type === "categorical") {
      const counts = CategoricalCounts.fromBytes(bytes);
      if (counts.distinctCount > limits.maxCategoriesPerSeries) throw new HttpError(400, `${what}: ${counts.distinctCount} categories, more than maxCategoriesPerSeries (${limits.maxCategoriesPerSeries})`);
      for (const [category] of counts.entries()) {
        if (category.length > limits.maxValueLength) throw new HttpError(400, `${what}: a category of ${category.length} characters, more than maxValueLength (${limits.maxValueLength})`);
      }
      return { kind: categoricalKind, name, sketch: bytes, count: counts.total };
    }
  } catch (error) {
    if (error instanceof SketchDecodeError) throw new HttpError(400, `${what}: sketch does not decode as a ${value.type} sketch: ${error.message}`);
    throw error;
  }
  throw new HttpError(400, `${what}: type must be "numeric" or "categorical", got ${JSON.stringify(value.type)}`);
}

function checkName(name: string, what: string, limits: Limits): void {
  if (name === "") throw new HttpError(400, `${what} is empty`);
  if (name.length > limits.maxNameLength) throw new HttpError(400, `${what} of ${name.length} characters, more than maxNameLength (${limits.maxNameLength})`);
  if (name.includes("\u0000")) throw new HttpError(400, `${what} ${JSON.stringify(name)} contains NUL`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

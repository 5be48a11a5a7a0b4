import { BaselineError, CsvError, baselineEntries, buildBaselineFromCsv } from "@driftline/collector/baseline";
import type { Baseline, BaselineOptions } from "@driftline/collector/baseline";
import { Hono } from "hono";
import type { Context } from "hono";
import { bodyLimits, limitsFromEnv } from "../config.ts";
import { HttpError } from "../http/http-error.ts";
import { readBody } from "../http/read-body.ts";
import { requireCoding } from "../otlp/content-negotiation.ts";
import { admitModel, modelStore } from "../http/stores.ts";
import type { AppEnv } from "../http/app-env.ts";

/**
 * Baselines built by the Worker from CSV (docs/baselines.md, "CSV uploads"), for teams without
 * Node: the CSV goes through the collector's builder, the same code the Node SDK runs, so the
 * same file gives byte-equal sketches either way.
 *
 *   PUT    /api/models/:model/baselines/:version              one CSV: the version's baseline
 *   PUT    /api/models/:model/baselines/:version/parts/:n     part n (1, 2, ...; each with the header)
 *   PUT    /api/models/:model/baselines/:version/commit       the merged parts become the baseline
 *   DELETE /api/models/:model/baselines/:version/parts        discard the pending parts
 *
 * All take an ingest token (index.ts: PUT and DELETE under /api/ write; commit is a PUT for that
 * reason). Bodies are `Content-Type: text/csv`, optionally gzip or deflate, under the OTLP
 * routes' limits (MAX_BODY_BYTES as sent, MAX_DECOMPRESSED_BYTES inflated; 413 past them).
 * Query: `prediction`, `score`, `target`, `exclude` and `categorical` (repeatable), as the CLI's flags.
 */
export const baselineCsvApi = new Hono<AppEnv>();

/** Part numbers run from 1 to this (the store keeps one merged sketch per column whatever the count). */
const MAX_BASELINE_PARTS = 10_000;
/** Characters of the CSV text handed to the reader at a time: the reader keeps one slice and one record. */
const SLICE_CHARS = 1 << 20;
const OPTION_NAMES = ["prediction", "score", "target", "exclude", "categorical"];

baselineCsvApi.put("/:model/baselines/:version", async (c) => {
  const { model, version, baseline } = await readCsvBaseline(c, "baseline CSV");
  await admit(c, model);
  const stored = await modelStore(c.env, c.get("tenant"), model).putBaseline(version, baselineEntries(baseline), baseline.rows);
  if ("refused" in stored) throw new HttpError(400, `baseline refused: ${stored.refused}`);
  return c.json({ model, ...stored, notices: baseline.notices, warnings: baseline.warnings });
});

baselineCsvApi.put("/:model/baselines/:version/parts/:part", async (c) => {
  const part = Number(c.req.param("part"));
  if (!Number.isSafeInteger(part) || part < 1 || part > MAX_BASELINE_PARTS) throw new HttpError(400, `part must be a whole number from 1 to ${MAX_BASELINE_PARTS}, got ${JSON.stringify(c.req.param("part"))}`);
  const { model, version, baseline } = await readCsvBaseline(c, `baseline part ${part}`);
  await admit(c, model);
  const pending = await modelStore(c.env, c.get("tenant"), model).putBaselinePart(version, part, baselineEntries(baseline), baseline.rows);
  if ("refused" in pending) throw new HttpError(400, `baseline part ${part} refused: ${pending.refused}`);
  return c.json({ model, part, rows: baseline.rows, pending, notices: baseline.notices, warnings: baseline.warnings });
});

baselineCsvApi.put("/:model/baselines/:version/commit", async (c) => {
  const { model, version } = names(c);
  const stored = await modelStore(c.env, c.get("tenant"), model).commitBaselineParts(version);
  if ("refused" in stored) throw new HttpError(400, `baseline commit refused: ${stored.refused}`);
  return c.json({ model, ...stored });
});

baselineCsvApi.delete("/:model/baselines/:version/parts", async (c) => {
  const { model, version } = names(c);
  const discarded = await modelStore(c.env, c.get("tenant"), model).discardBaselineParts(version);
  return c.json({ model, version, discardedParts: discarded });
});

function names(c: Context<AppEnv>): { model: string; version: string } {
  const limits = limitsFromEnv(c.env);
  const model = c.req.param("model") ?? "";
  const version = c.req.param("version") ?? "";
  for (const [name, what] of [[model, "model id"], [version, "version"]] as const) {
    if (name === "") throw new HttpError(400, `${what} is empty`);
    if (name.length > limits.maxNameLength) throw new HttpError(400, `${what} of ${name.length} characters, more than maxNameLength (${limits.maxNameLength})`);
    if (name.includes("\u0000")) throw new HttpError(400, `${what} ${JSON.stringify(name)} contains NUL`);
  }
  return { model, version };
}

function optionsOf(c: Context<AppEnv>): BaselineOptions {
  const url = new URL(c.req.url);
  for (const key of url.searchParams.keys()) {
    if (!OPTION_NAMES.includes(key)) throw new HttpError(400, `unknown query parameter ${JSON.stringify(key)} (parameters: ${OPTION_NAMES.join(", ")})`);
  }
  const one = (key: string): string | undefined => {
    const values = url.searchParams.getAll(key);
    if (values.length > 1) throw new HttpError(400, `${key} is given ${values.length} times; it names one column`);
    return values[0];
  };
  const many = (key: string): string[] => url.searchParams.getAll(key).flatMap((v) => v.split(",")).filter((v) => v !== "");
  const options: BaselineOptions = { exclude: many("exclude"), categorical: many("categorical") };
  for (const key of ["prediction", "score", "target"] as const) {
    const value = one(key);
    if (value !== undefined) options[key] = value;
  }
  return options;
}

async function readCsvBaseline(c: Context<AppEnv>, what: string): Promise<{ model: string; version: string; baseline: Baseline }> {
  const { model, version } = names(c);
  const options = optionsOf(c);
  const type = c.req.header("Content-Type") ?? "";
  if (!/^text\/csv\s*(;|$)/i.test(type)) throw new HttpError(415, `${what} must be Content-Type: text/csv, got ${JSON.stringify(type)} (JSON sketches go to PUT /api/models/:model/versions/:version/baseline)`);
  const bytes = await readBody(c.req.raw, requireCoding(c.req.header("Content-Encoding")), bodyLimits(c.env));
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new HttpError(400, `${what} is not UTF-8 text`);
  }
  try {
    return { model, version, baseline: await buildBaselineFromCsv(slices(text), options, what) };
  } catch (error) {
    if (error instanceof BaselineError || error instanceof CsvError) throw new HttpError(400, error.message);
    throw error;
  }
}

function* slices(text: string): Generator<string> {
  for (let i = 0; i < text.length; i += SLICE_CHARS) yield text.slice(i, i + SLICE_CHARS);
}

async function admit(c: Context<AppEnv>, model: string): Promise<void> {
  const limits = limitsFromEnv(c.env);
  if (!(await admitModel(c.env, c.get("tenant"), model, limits))) {
    throw new HttpError(400, `model ${JSON.stringify(model)} refused: the tenant has maxModelsPerTenant (${limits.maxModelsPerTenant}) models`);
  }
}

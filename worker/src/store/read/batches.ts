import { SeriesKind, TDigest, aggregatorOf, classificationMetrics, regressionMetrics, resolveFeatureSettings, seriesDrift } from "@driftline/collector";
import type { CategoricalCounts, DriftStatus, SeriesKind as SeriesKindType } from "@driftline/collector";
import { readDriftSettings } from "../drift-settings.ts";
import { settingsKey, toJsonSafe, worstStatus } from "./drift.ts";
import type { MethodDrift } from "./drift.ts";

/** One batch in the list: its span and counts (GET /api/models/:model/batches). */
export type BatchSummary = {
  version: string;
  batch: string;
  /** The minute of its first and last prediction (ISO 8601; the last minute's end is `to` + 1 min). */
  from: string;
  to: string;
  predictions: number;
  errors: number;
  /** Predictions joined with their actual so far. */
  pairs: number;
};

/** One series' drift over a batch against the version's baseline. */
export type BatchSeriesDrift = { name: string; type: "numeric" | "categorical"; baselineCount: number; count: number; status: DriftStatus; statusMethod: string; methods: MethodDrift[] };

/** Everything about one batch (GET /api/models/:model/batches/:id). */
export type BatchReport = BatchSummary & {
  /** Null without a baseline for the version. */
  drift: { status: DriftStatus; features: BatchSeriesDrift[]; prediction: BatchSeriesDrift | null } | null;
  /** Null until some actual has joined. */
  accuracy: { pairs: number; accuracy: number | null; precision: number | null; recall: number | null; f1: number | null; mae: number | null; rmse: number | null } | null;
};

type SketchRow = { kind: string; name: string; value: number; sketch: ArrayBuffer | null };

/** Batches, newest (by last prediction) first; of one version when given, at most `limit`. */
export function listBatches(sql: SqlStorage, version: string | undefined, limit: number): BatchSummary[] {
  const rows = sql
    .exec<{ version: string; batch: string; first_minute: number; last_minute: number }>(
      `SELECT version, batch, first_minute, last_minute FROM batches ${version === undefined ? "" : "WHERE version = ?"} ORDER BY last_minute DESC, batch LIMIT ?`,
      ...(version === undefined ? [limit] : [version, limit]),
    )
    .toArray();
  return rows.map((row) => summaryOf(row, countsOf(sql, row.version, row.batch)));
}

/** The versions that hold a batch of this id. */
export function versionsOfBatch(sql: SqlStorage, batch: string): string[] {
  return sql.exec<{ version: string }>("SELECT version FROM batches WHERE batch = ? ORDER BY version", batch).toArray().map((r) => r.version);
}

/**
 * One batch: counts, span, every baselined feature's drift and the prediction's against the
 * version's baseline (the methods and settings of docs/drift.md, on the batch's merged sketch),
 * and accuracy once actuals have joined. Null when the version has no such batch.
 */
export function batchReport(sql: SqlStorage, version: string, batch: string, categoriesCap: number): BatchReport | null {
  const row = sql.exec<{ version: string; batch: string; first_minute: number; last_minute: number }>("SELECT version, batch, first_minute, last_minute FROM batches WHERE version = ? AND batch = ?", version, batch).toArray()[0];
  if (row === undefined) return null;
  const sketches = sql.exec<SketchRow>("SELECT kind, name, value, sketch FROM batch_sketches WHERE version = ? AND batch = ?", version, batch).toArray();
  const decoded = new Map<string, ReturnType<ReturnType<typeof aggregatorOf>["decode"]>>();
  for (const s of sketches) decoded.set(`${s.kind}\u0000${s.name}`, aggregatorOf(s.kind as SeriesKindType).decode(s.value, s.sketch === null ? null : new Uint8Array(s.sketch)));
  const summary = summaryOf(row, countsOf(sql, version, batch));
  return { ...summary, drift: driftOf(sql, version, decoded, categoriesCap), accuracy: accuracyOf(decoded, summary.pairs) };
}

function summaryOf(row: { version: string; batch: string; first_minute: number; last_minute: number }, counts: { predictions: number; errors: number; pairs: number }): BatchSummary {
  return { version: row.version, batch: row.batch, from: new Date(row.first_minute * 60_000).toISOString(), to: new Date(row.last_minute * 60_000).toISOString(), ...counts };
}

function countsOf(sql: SqlStorage, version: string, batch: string): { predictions: number; errors: number; pairs: number } {
  const out = { predictions: 0, errors: 0, pairs: 0 };
  for (const row of sql.exec<{ kind: string; value: number }>("SELECT kind, sum(value) AS value FROM batch_sketches WHERE version = ? AND batch = ? AND kind IN (?, ?, ?, ?) GROUP BY kind", version, batch, SeriesKind.predictions, SeriesKind.errors, SeriesKind.confusion, SeriesKind.predictionError)) {
    if (row.kind === SeriesKind.predictions) out.predictions = row.value;
    else if (row.kind === SeriesKind.errors) out.errors = row.value;
    else out.pairs += row.value;
  }
  return out;
}

function driftOf(sql: SqlStorage, version: string, decoded: Map<string, unknown>, categoriesCap: number): BatchReport["drift"] {
  const baselines = sql.exec<{ kind: string; name: string; sketch: ArrayBuffer }>("SELECT kind, name, sketch FROM baselines WHERE version = ? ORDER BY name", version).toArray();
  if (baselines.length === 0) return null;
  const settings = readDriftSettings(sql);
  const features: BatchSeriesDrift[] = [];
  let prediction: BatchSeriesDrift | null = null;
  for (const b of baselines) {
    const kind = b.kind as SeriesKindType;
    if (kind === SeriesKind.predictionScore) continue;
    const aggregator = aggregatorOf(kind);
    const baseline = aggregator.decode(0, new Uint8Array(b.sketch));
    const current = (decoded.get(`${kind}\u0000${b.name}`) ?? aggregator.empty(categoriesCap)) as TDigest | CategoricalCounts;
    const resolved = resolveFeatureSettings(settings, version, settingsKey(kind, b.name));
    const numeric = current instanceof TDigest;
    const verdict = numeric
      ? seriesDrift({ type: "numeric", baseline: baseline as TDigest, current }, resolved)
      : seriesDrift({ type: "categorical", baseline: baseline as CategoricalCounts, current: current as CategoricalCounts }, resolved);
    const drift: BatchSeriesDrift = {
      name: b.name,
      type: numeric ? "numeric" : "categorical",
      baselineCount: numeric ? (baseline as TDigest).count : (baseline as CategoricalCounts).total,
      count: numeric ? current.count : (current as CategoricalCounts).total,
      status: verdict.status,
      statusMethod: verdict.statusMethod,
      methods: verdict.results.map(toJsonSafe),
    };
    if (kind === SeriesKind.predictionValue || kind === SeriesKind.predictionLabel) prediction = drift;
    else features.push(drift);
  }
  return { status: worstStatus([...features, ...(prediction === null ? [] : [prediction])].map((d) => d.status)), features, prediction };
}

function accuracyOf(decoded: Map<string, unknown>, pairs: number): BatchReport["accuracy"] {
  if (pairs === 0) return null;
  const byActual = new Map<string, CategoricalCounts>();
  for (const [key, sketch] of decoded) {
    const [kind, name] = key.split("\u0000");
    if (kind === SeriesKind.confusion) byActual.set(name, sketch as CategoricalCounts);
  }
  const digest = (kind: string): TDigest => (decoded.get(`${kind}\u0000`) as TDigest | undefined) ?? new TDigest();
  const c = classificationMetrics(byActual);
  const r = regressionMetrics(digest(SeriesKind.predictionError), digest(SeriesKind.absoluteError), digest(SeriesKind.absolutePercentageError));
  const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
  return { pairs, accuracy: orNull(c.accuracy), precision: orNull(c.macro.precision), recall: orNull(c.macro.recall), f1: orNull(c.macro.f1), mae: orNull(r.mae), rmse: orNull(r.rmse) };
}

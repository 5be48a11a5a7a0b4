// Runs inside the ModelStore Durable Object. store/ is everything that object executes: its RPC
// methods (model-store.ts), schema, ingest and rollups (write/), the read engine (read/) and rule
// evaluation with its outbox (alerts/). It imports no edge folder and no Hono (a lint rule).
import { AGGREGATORS, SeriesKind, aggregatorOf, exclusiveSlot, sketchTypeOf } from "@driftline/collector";
import type { BucketSketch, SeriesKind as SeriesKindType, TDigest } from "@driftline/collector";
import { minuteToIso } from "./read/summary.ts";

/** The series kinds a baseline holds: features, the prediction, a classifier's score and the target (the last three name ""). */
export const BASELINE_KINDS: readonly SeriesKindType[] = [
  SeriesKind.numericFeature,
  SeriesKind.categoricalFeature,
  SeriesKind.predictionValue,
  SeriesKind.predictionLabel,
  SeriesKind.predictionScore,
  SeriesKind.actualValue,
  SeriesKind.actualLabel,
];

/** True for the target's kinds (the ground truth: `ml.actual.value`, `ml.actual.label`). */
export function isTargetKind(kind: string): boolean {
  return kind === SeriesKind.actualValue || kind === SeriesKind.actualLabel;
}

/** What a baseline's prediction is, as traffic must send it (issue 15: a mismatch is reported by drift). */
export type PredictionKind = "value" | "label" | "label_with_score";

/** The prediction kind of a set of stored kinds: a baseline's, or the kinds a version's traffic sent. */
export function predictionKindOf(kinds: ReadonlySet<string>): PredictionKind | null {
  if (kinds.has(SeriesKind.predictionValue)) return "value";
  if (kinds.has(SeriesKind.predictionLabel)) return kinds.has(SeriesKind.predictionScore) ? "label_with_score" : "label";
  return null;
}

/** One sketch of a baseline as it crosses the RPC: the kind fixes whether it is a digest or counts. */
export type BaselineEntry = { kind: SeriesKindType; name: string; sketch: Uint8Array; count: number };

/** A baseline as GET .../baseline returns it. */
export type BaselineInfo = {
  version: string;
  rows: number;
  source: "upload" | "window";
  uploadedAt: string;
  features: { name: string; type: "numeric" | "categorical"; count: number }[];
  /** `kind`: what traffic must send (`value`: ml.prediction.value; `label`; `label_with_score`: label and ml.prediction.score). */
  prediction: { type: "numeric" | "categorical"; kind: PredictionKind; count: number; scoreCount?: number } | null;
  /** The ground truth's sketch (target drift): numeric against ml.actual.value, categorical against ml.actual.label. */
  target?: { type: "numeric" | "categorical"; count: number };
};

/** Why the store refused a baseline (a cap); the route answers 400 with it. */
export type BaselineRefusal = { refused: string };

/** The wire type of a kind. */
export function typeOfKind(kind: SeriesKindType): "numeric" | "categorical" {
  return sketchTypeOf(kind) === "digest" ? "numeric" : "categorical";
}

/**
 * Replaces a version's baseline with `entries`, in one transaction: readers see the old
 * baseline or the new one, never a mix. Refuses a new version past maxVersionsPerModel.
 */
export function replaceBaseline(
  storage: DurableObjectStorage,
  version: string,
  entries: readonly BaselineEntry[],
  meta: { rows: number; source: "upload" | "window"; uploadedMs: number; maxVersions: number },
): BaselineRefusal | null {
  const sql = storage.sql;
  const versions = sql.exec<{ version: string }>("SELECT DISTINCT version FROM baselines UNION SELECT DISTINCT version FROM series").toArray();
  if (!versions.some((v) => v.version === version) && versions.length >= meta.maxVersions) {
    return { refused: `model has maxVersionsPerModel (${meta.maxVersions}) versions` };
  }
  storage.transactionSync(() => {
    sql.exec("DELETE FROM baselines WHERE version = ?", version);
    for (const entry of entries) {
      sql.exec(
        "INSERT INTO baselines (version, kind, name, sketch, count, rows, source, uploaded_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        version,
        entry.kind,
        entry.name,
        entry.sketch,
        entry.count,
        meta.rows,
        meta.source,
        meta.uploadedMs,
      );
    }
  });
  return null;
}

/** The stored baseline of a version, or null. Reads no sketch. */
export function readBaseline(sql: SqlStorage, version: string): BaselineInfo | null {
  const rows = sql
    .exec<{ kind: string; name: string; count: number; rows: number; source: string; uploaded_ms: number }>(
      "SELECT kind, name, count, rows, source, uploaded_ms FROM baselines WHERE version = ? ORDER BY kind, name",
      version,
    )
    .toArray();
  if (rows.length === 0) return null;
  const info: BaselineInfo = {
    version,
    rows: rows[0].rows,
    source: rows[0].source as "upload" | "window",
    uploadedAt: new Date(rows[0].uploaded_ms).toISOString(),
    features: [],
    prediction: null,
  };
  const kinds = new Set(rows.map((row) => row.kind));
  const predictionKind = predictionKindOf(kinds);
  for (const row of rows) {
    const kind = row.kind as SeriesKindType;
    if ((kind === SeriesKind.predictionValue || kind === SeriesKind.predictionLabel) && predictionKind !== null) info.prediction = { type: typeOfKind(kind), kind: predictionKind, count: row.count };
    else if (isTargetKind(kind)) info.target = { type: typeOfKind(kind), count: row.count };
    else if (kind !== SeriesKind.predictionScore) info.features.push({ name: row.name, type: typeOfKind(kind), count: row.count });
  }
  const score = rows.find((row) => row.kind === SeriesKind.predictionScore);
  if (score !== undefined && info.prediction !== null) info.prediction.scoreCount = score.count;
  info.features.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return info;
}

/**
 * The baseline entries of a reference window: the version's whole-model feature and prediction
 * series, their minute buckets with start in [fromMinute, toMinute) merged, in one query.
 * Also returns the predictions counted in the window (the baseline's `rows`).
 */
export function entriesFromWindow(sql: SqlStorage, version: string, fromMinute: number, toMinute: number, categoriesCap: number): { entries: BaselineEntry[]; rows: number; from: string; to: string } {
  const merged = new Map<string, { kind: SeriesKindType; name: string; parts: BucketSketch[] }>();
  let rows = 0;
  const cursor = sql.exec<{ kind: string; name: string; value: number; sketch: ArrayBuffer | null }>(
    `SELECT s.kind AS kind, s.name AS name, b.value AS value, b.sketch AS sketch FROM series s JOIN bucket_1m b ON b.series_id = s.id
     WHERE s.version = ? AND s.segment = '' AND s.kind IN (${BASELINE_KINDS.map(() => "?").join(", ")}, ?) AND b.minute >= ? AND b.minute < ? ORDER BY s.id`,
    version,
    ...BASELINE_KINDS,
    SeriesKind.predictions,
    fromMinute,
    toMinute,
  );
  for (const row of cursor) {
    const kind = row.kind as SeriesKindType;
    if (kind === SeriesKind.predictions) {
      rows += row.value;
      continue;
    }
    if (row.sketch === null) continue;
    // One kind per slot (a feature's type, the prediction's kind): the oldest series' (rows come in id order), as ingest and reads keep.
    const key = exclusiveSlot(kind, row.name) ?? `${kind}\u0000${row.name}`;
    let entry = merged.get(key);
    if (entry === undefined) merged.set(key, (entry = { kind, name: row.name, parts: [] }));
    if (entry.kind !== kind) continue;
    entry.parts.push(aggregatorOf(kind).decode(row.value, new Uint8Array(row.sketch))!);
  }
  const entries: BaselineEntry[] = [];
  for (const entry of merged.values()) {
    // A baseline is at the default compression and the store's category cap (empty() is).
    const aggregator = aggregatorOf(entry.kind);
    const sketch = aggregator.merge(aggregator.empty(categoriesCap), entry.parts);
    entries.push({ kind: entry.kind, name: entry.name, sketch: aggregator.encode(sketch)!, count: aggregator.value(sketch) });
  }
  return { entries, rows, from: minuteToIso(fromMinute), to: minuteToIso(toMinute) };
}

/** Digests merged into a fresh one at the default compression. */
export function mergeDigests(digests: readonly TDigest[]): TDigest {
  return AGGREGATORS.digest.merge(AGGREGATORS.digest.empty(0), digests);
}

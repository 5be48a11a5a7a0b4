/**
 * Chunked baseline uploads (docs/baselines.md, "CSV uploads"): a training set larger than one
 * request arrives as numbered parts, each sketched by the Worker on its own; the store merges
 * each part into one pending baseline per version as it arrives, and a commit makes the pending
 * baseline the version's baseline.
 *
 * Cost model: merging on arrival keeps one pending sketch per column, so a thousand parts cost
 * what one does in storage and memory (never parts × columns). The pending state lives in the
 * object's key-value storage (no table, so no migration): one key per column sketch and one
 * meta key per version, bounded by maxFeaturesPerModel columns and maxVersionsPerModel pending
 * versions.
 */
import { SeriesKind, aggregatorOf, sketchTypeOf } from "@driftline/collector";
import type { Limits, SeriesKind as SeriesKindType } from "@driftline/collector";
import type { BaselineEntry, BaselineRefusal } from "./baselines.ts";

const META = "baseline-pending-meta\u0000";
const SKETCH = "baseline-pending\u0000";
/** Keys per storage.get/put/delete call (the key-value API's batch limit). */
const BATCH_KEYS = 128;

/** What a pending baseline holds so far. */
export type PendingBaseline = { version: string; parts: number[]; rows: number; columns: { name: string; kind: SeriesKindType; count: number }[] };

type Meta = { parts: number[]; rows: number; columns: { kind: SeriesKindType; name: string; firstPart: number }[] };
type Stored = { sketch: Uint8Array; count: number };

/** The wire type of a kind, in conflict messages. */
function typeName(kind: SeriesKindType): string {
  return sketchTypeOf(kind) === "digest" ? "numeric" : "categorical";
}

function sketchKey(version: string, kind: SeriesKindType, name: string): string {
  return `${SKETCH}${version}\u0000${kind}\u0000${name}`;
}

/**
 * Merges part `part` of `version` into its pending baseline. Refused (nothing written) when the
 * part was received already, when a column's type differs from earlier parts (the message names
 * the column, both types and the parts), or past a bound.
 */
export async function addBaselinePart(storage: DurableObjectStorage, version: string, part: number, entries: readonly BaselineEntry[], rows: number, limits: Limits): Promise<PendingBaseline | BaselineRefusal> {
  let meta = await storage.get<Meta>(META + version);
  if (meta === undefined) {
    const pendingVersions = await storage.list({ prefix: META, limit: limits.maxVersionsPerModel + 1 });
    if (pendingVersions.size >= limits.maxVersionsPerModel) return { refused: `model has maxVersionsPerModel (${limits.maxVersionsPerModel}) pending baselines; commit or discard one` };
    meta = { parts: [], rows: 0, columns: [] };
  }
  if (meta.parts.includes(part)) return { refused: `part ${part} of version ${JSON.stringify(version)} was received already; DELETE the parts to start over` };
  const known = new Map(meta.columns.map((c) => [`${predictionSlot(c.kind)}\u0000${c.name}`, c]));
  for (const entry of entries) {
    const earlier = known.get(`${predictionSlot(entry.kind)}\u0000${entry.name}`);
    if (earlier !== undefined && earlier.kind !== entry.kind) {
      const what = entry.name === "" ? `the ${predictionSlot(entry.kind)} column` : `column ${JSON.stringify(entry.name)}`;
      return { refused: `${what} is ${typeName(earlier.kind)} in part ${earlier.firstPart} but ${typeName(entry.kind)} in part ${part}: every part must give a column one type (declare it categorical, or fix the cells)` };
    }
  }
  const newColumns = entries.filter((e) => !known.has(`${predictionSlot(e.kind)}\u0000${e.name}`));
  if (meta.columns.length + newColumns.length > limits.maxFeaturesPerModel + 2) {
    return { refused: `the parts hold ${meta.columns.length + newColumns.length} columns, more than maxFeaturesPerModel (${limits.maxFeaturesPerModel})` };
  }
  const keys = entries.map((e) => sketchKey(version, e.kind, e.name));
  const stored = new Map<string, Stored>();
  for (let i = 0; i < keys.length; i += BATCH_KEYS) for (const [key, value] of await storage.get<Stored>(keys.slice(i, i + BATCH_KEYS))) stored.set(key, value);
  const writes: Record<string, Stored> = {};
  for (const [i, entry] of entries.entries()) {
    const previous = stored.get(keys[i]);
    writes[keys[i]] = previous === undefined ? { sketch: entry.sketch, count: entry.count } : merge(entry.kind, previous.sketch, entry.sketch, limits.maxCategoriesPerSeries);
  }
  for (const column of newColumns) meta.columns.push({ kind: column.kind, name: column.name, firstPart: part });
  meta.parts.push(part);
  meta.parts.sort((a, b) => a - b);
  meta.rows += rows;
  const all = Object.entries(writes);
  for (let i = 0; i < all.length; i += BATCH_KEYS) await storage.put(Object.fromEntries(all.slice(i, i + BATCH_KEYS)));
  await storage.put(META + version, meta);
  return pendingOf(version, meta, (kind, name) => writes[sketchKey(version, kind, name)]?.count ?? stored.get(sketchKey(version, kind, name))?.count ?? 0);
}

/** The pending baseline's entries and rows for a commit, or a refusal when there is none. Leaves the parts in place. */
export async function pendingEntries(storage: DurableObjectStorage, version: string): Promise<{ entries: BaselineEntry[]; rows: number; parts: number[] } | BaselineRefusal> {
  const meta = await storage.get<Meta>(META + version);
  if (meta === undefined) return { refused: `version ${JSON.stringify(version)} has no baseline parts to commit: PUT .../parts/1 first` };
  const entries: BaselineEntry[] = [];
  const keys = meta.columns.map((c) => sketchKey(version, c.kind, c.name));
  for (let i = 0; i < keys.length; i += BATCH_KEYS) {
    const got = await storage.get<Stored>(keys.slice(i, i + BATCH_KEYS));
    for (const [j, key] of keys.slice(i, i + BATCH_KEYS).entries()) {
      const value = got.get(key);
      const column = meta.columns[i + j];
      if (value !== undefined) entries.push({ kind: column.kind, name: column.name, sketch: new Uint8Array(value.sketch), count: value.count });
    }
  }
  return { entries, rows: meta.rows, parts: meta.parts };
}

/** Deletes a version's pending parts; returns how many parts there were. */
export async function discardBaselineParts(storage: DurableObjectStorage, version: string): Promise<number> {
  const meta = await storage.get<Meta>(META + version);
  if (meta === undefined) return 0;
  const keys = meta.columns.map((c) => sketchKey(version, c.kind, c.name));
  for (let i = 0; i < keys.length; i += BATCH_KEYS) await storage.delete(keys.slice(i, i + BATCH_KEYS));
  await storage.delete(META + version);
  return meta.parts.length;
}

/** Features share a slot per name; the prediction (value or label) shares one, the score and the target have their own. */
function predictionSlot(kind: SeriesKindType): string {
  if (kind === SeriesKind.predictionValue || kind === SeriesKind.predictionLabel) return "prediction";
  if (kind === SeriesKind.predictionScore) return "score";
  if (kind === SeriesKind.actualValue || kind === SeriesKind.actualLabel) return "target";
  return "feature";
}

/** Two parts' sketches of one column merged at the default compression and the store's category cap (the aggregator table). */
function merge(kind: SeriesKindType, a: Uint8Array, b: Uint8Array, categoriesCap: number): Stored {
  const aggregator = aggregatorOf(kind);
  const merged = aggregator.merge(aggregator.empty(categoriesCap), [aggregator.decode(0, new Uint8Array(a))!, aggregator.decode(0, b)!]);
  return { sketch: aggregator.encode(merged)!, count: aggregator.value(merged) };
}

function pendingOf(version: string, meta: Meta, countOf: (kind: SeriesKindType, name: string) => number): PendingBaseline {
  return { version, parts: meta.parts, rows: meta.rows, columns: meta.columns.map((c) => ({ name: c.name, kind: c.kind, count: countOf(c.kind, c.name) })) };
}

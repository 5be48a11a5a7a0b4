// Runs inside the ModelStore Durable Object (store/: no edge folder, no Hono).
import type { DriftSettings, VersionDriftSettings } from "@driftline/collector";

/**
 * The model's drift settings (collector/src/drift/settings.ts), one JSON document validated by
 * the route before it reaches the store. Read at every drift read: a row of a few KB at most,
 * parsed per read rather than mirrored in memory, so there is no mirror to roll back.
 */

/** The stored settings, or null when the model has none (every feature at the defaults). */
export function readDriftSettings(sql: SqlStorage): DriftSettings | null {
  const row = sql.exec<{ doc: string }>("SELECT doc FROM drift_settings WHERE id = 1").toArray()[0];
  return row === undefined ? null : (JSON.parse(row.doc) as DriftSettings);
}

/** Replaces the settings (an empty document clears them). */
export function writeDriftSettings(sql: SqlStorage, settings: DriftSettings, nowMs: number): void {
  sql.exec("INSERT OR REPLACE INTO drift_settings (id, doc, updated_ms) VALUES (1, ?, ?)", JSON.stringify(settings), nowMs);
}

/** `settings` with `version`'s entry replaced by `own` (a baseline upload's settings, docs/baselines.md). */
export function withVersionSettings(settings: DriftSettings | null, version: string, own: VersionDriftSettings): DriftSettings {
  return { ...(settings ?? {}), versions: { ...(settings?.versions ?? {}), [version]: own } };
}

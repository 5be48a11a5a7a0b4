import { aggregatorOf } from "@driftline/collector";
import type { DecodedDelta } from "@driftline/collector";

/**
 * Whether a delta's minute can no longer go to a minute bucket. Accuracy pairs are counted in
 * their prediction's minute, which may be up to the join TTL (30 days) old, far past the 48 h of
 * minute buckets. An hour whose minutes may already be deleted must not be marked dirty: the
 * rollup would recompute it from the few minutes left and lose the rest (rollup.ts). Such a
 * delta goes straight into its hour bucket instead (`mergeIntoHour`). An hour that is still
 * dirty keeps all its minutes (the rollup deletes none of a dirty hour's), so it stays on the
 * minute path.
 */
export function isPastMinuteBuckets(sql: SqlStorage, minute: number, nowMinute: number, minuteRetention: number): boolean {
  const hour = Math.floor(minute / 60);
  if (hour * 60 >= nowMinute - minuteRetention) return false;
  return sql.exec<{ n: number }>("SELECT count(*) AS n FROM dirty_rollups WHERE level = 'h' AND bucket = ?", hour).one().n === 0;
}

/**
 * Merges a delta into its hour bucket (read, merge, write: such deltas are rare, one per late
 * pair's series) and marks the hour's day dirty, so the day is recomputed from its hours.
 * Must run inside the caller's transaction.
 */
export function mergeIntoHour(sql: SqlStorage, seriesId: number, delta: DecodedDelta, categoriesCap: number): void {
  const hour = Math.floor(delta.minute / 60);
  const row = sql.exec<{ value: number; sketch: ArrayBuffer | null }>("SELECT value, sketch FROM bucket_1h WHERE series_id = ? AND hour = ?", seriesId, hour).toArray()[0];
  const aggregator = aggregatorOf(delta.kind);
  // An hour bucket is at the rollups' compression (empty() is), not the minute's.
  const stored = row === undefined ? null : aggregator.decode(row.value, row.sketch === null ? null : new Uint8Array(row.sketch));
  const bucket = aggregator.merge(stored ?? aggregator.empty(categoriesCap), [delta.sketch]);
  sql.exec("INSERT OR REPLACE INTO bucket_1h (series_id, hour, value, sketch) VALUES (?, ?, ?, ?)", seriesId, hour, aggregator.value(bucket), aggregator.encode(bucket));
  sql.exec("INSERT OR IGNORE INTO dirty_rollups (level, bucket) VALUES ('d', ?)", Math.floor(hour / 24));
}

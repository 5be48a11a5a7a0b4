import { BucketLevel, levelOf } from "@driftline/collector/series";
import { aggregatorOf } from "@driftline/collector";
import type { DecodedDelta } from "@driftline/collector";

/**
 * Where a delta is merged: its minute bucket (every live delta), its hour or day bucket (a
 * backfill, or an accuracy pair of an old prediction), or nowhere (past the day retention).
 */
export type WritePath = "minute" | "hour" | "day" | "expired";

/**
 * The bucket a delta's minute is merged into (docs/backfill.md). A minute inside the minute
 * retention goes to its minute bucket: decided by arithmetic alone, so a live request reads
 * nothing more than it did before backfill existed. An older one goes to the level
 * series/retention.ts assigns, with two exceptions that keep every rollup recomputable:
 * - an hour still marked dirty keeps all its minutes (the rollup deletes none of a dirty hour's),
 *   so its data stays on the minute path; merging into its hour bucket would be overwritten when
 *   the hour is recomputed from its minutes;
 * - a day still marked dirty keeps all its hours (rollup.ts), so its data goes to its hour.
 * The checks are one indexed SELECT each, cached per request in `dirty`.
 */
export function writePathOf(sql: SqlStorage, minute: number, nowMinute: number, minuteRetention: number, dirty: DirtyCache): WritePath {
  if (Math.floor(minute / 60) * 60 >= nowMinute - minuteRetention) return "minute";
  const level = levelOf(minute, nowMinute, minuteRetention);
  if (level === BucketLevel.expired) return "expired";
  const hour = Math.floor(minute / 60);
  if (level === BucketLevel.day && !dirty.isDirty(sql, "d", Math.floor(hour / 24))) return "day";
  return dirty.isDirty(sql, "h", hour) ? "minute" : "hour";
}

/** Dirty rollup marks read during one request, so a request of many series reads each mark once. */
export class DirtyCache {
  private readonly known = new Map<string, boolean>();

  /** Whether bucket `bucket` of level `level` ('h' or 'd') waits for its rollup. */
  isDirty(sql: SqlStorage, level: "h" | "d", bucket: number): boolean {
    const key = level + bucket;
    let dirty = this.known.get(key);
    if (dirty === undefined) {
      dirty = sql.exec<{ n: number }>("SELECT count(*) AS n FROM dirty_rollups WHERE level = ? AND bucket = ?", level, bucket).one().n > 0;
      this.known.set(key, dirty);
    }
    return dirty;
  }

  /** Notes a mark written in this request. */
  mark(level: "h" | "d", bucket: number): void {
    this.known.set(level + bucket, true);
  }
}

/** A bucket level a late delta is merged into directly: its table and its index column and width. */
const LATE_LEVELS = {
  hour: { table: "bucket_1h", column: "hour", widthMinutes: 60 },
  day: { table: "bucket_1d", column: "day", widthMinutes: 1440 },
} as const;

/**
 * Merges late deltas into their hour or day buckets: one read and one write per (series, bucket),
 * however many deltas the request has for it (the fold files a backfill request's records under
 * their hour or day, so there is usually one), and a dirty mark on the day of each hour written,
 * so the day is recomputed from its hours. A day bucket written directly has no hours left to be
 * recomputed from, so nothing is marked. Must run inside the caller's transaction.
 *
 * Cost: 2 rows per (series, hour or day) touched, plus one `dirty_rollups` row per day touched
 * through its hours (docs/backfill.md, docs/operations.md).
 */
export function mergeLate(sql: SqlStorage, items: readonly { seriesId: number; delta: DecodedDelta; path: "hour" | "day" }[], categoriesCap: number, dirty: DirtyCache): number {
  const groups = new Map<string, { seriesId: number; path: "hour" | "day"; bucket: number; deltas: DecodedDelta[] }>();
  for (const { seriesId, delta, path } of items) {
    const bucket = Math.floor(delta.minute / LATE_LEVELS[path].widthMinutes);
    const key = `${path}:${seriesId}:${bucket}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { seriesId, path, bucket, deltas: [delta] });
    else group.deltas.push(delta);
  }
  let rows = 0;
  for (const { seriesId, path, bucket, deltas } of groups.values()) {
    const { table, column } = LATE_LEVELS[path];
    const row = sql.exec<{ value: number; sketch: ArrayBuffer | null }>(`SELECT value, sketch FROM ${table} WHERE series_id = ? AND ${column} = ?`, seriesId, bucket).toArray()[0];
    const aggregator = aggregatorOf(deltas[0].kind);
    // A rollup bucket is at the rollups' compression (empty() is), not the minute's.
    const stored = row === undefined ? null : aggregator.decode(row.value, row.sketch === null ? null : new Uint8Array(row.sketch));
    const merged = aggregator.merge(stored ?? aggregator.empty(categoriesCap), deltas.map((d) => d.sketch));
    sql.exec(`INSERT OR REPLACE INTO ${table} (series_id, ${column}, value, sketch) VALUES (?, ?, ?, ?)`, seriesId, bucket, aggregator.value(merged), aggregator.encode(merged));
    rows += 2;
    if (path === "hour") {
      const day = Math.floor(bucket / 24);
      if (!dirty.isDirty(sql, "d", day)) {
        sql.exec("INSERT OR IGNORE INTO dirty_rollups (level, bucket) VALUES ('d', ?)", day);
        dirty.mark("d", day);
        rows += 1;
      }
    }
  }
  return rows;
}

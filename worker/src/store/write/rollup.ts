import { CategoricalCounts, aggregatorOf, aggregatorOfType } from "@driftline/collector";
import type { Aggregator, BucketSketch, SeriesKind } from "@driftline/collector";
import { RETENTION } from "@driftline/collector/series";

/**
 * Rollups and retention (DESIGN.md, Storage): minute buckets are merged into hour buckets and hour
 * buckets into day buckets, so a query over weeks reads days, not minutes; then each level is cut
 * to its retention. Run by the ModelStore's alarm; every step is idempotent (a rollup recomputes its
 * whole bucket from the level below), so an alarm that runs twice, or is interrupted, does no harm.
 *
 * Late data: a minute bucket written for an hour that was already rolled up marks that hour dirty
 * again (`markDirty`), and the next alarm recomputes it. Data older than the minute retention goes
 * straight to its hour bucket (marking its day dirty), and data older than the hour retention to
 * its day bucket (write/late-buckets.ts, docs/backfill.md): a dirty hour keeps its minutes and a
 * dirty day its hours, so every rollup is recomputed from a complete level below.
 */

/** Most hours (and days) one alarm recomputes: bounds an alarm's CPU time; the rest wait for the next. */
const MAX_BUCKETS_PER_RUN = 48;

/** A bucket level: its table, its index column, and its width in minutes. */
type Level = { table: string; column: string; width: number };
const MINUTE: Level = { table: "bucket_1m", column: "minute", width: 1 };
const HOUR: Level = { table: "bucket_1h", column: "hour", width: 60 };
const DAY: Level = { table: "bucket_1d", column: "day", width: 1440 };

/** Marks the hour of each written minute dirty (and so, later, its day). */
export function markDirty(sql: SqlStorage, minutes: Iterable<number>): void {
  let last = NaN;
  for (const minute of minutes) {
    const hour = Math.floor(minute / 60);
    if (hour === last) continue;
    last = hour;
    sql.exec("INSERT OR IGNORE INTO dirty_rollups (level, bucket) VALUES ('h', ?)", hour);
  }
}

/** What one alarm run did, for logs and tests. */
export type RollupReport = { hours: number; days: number; deleted: number; pending: number };

/**
 * Recomputes dirty hours that have ended (and the days they belong to), then enforces retention.
 * `nowMs` is the clock; `minuteRetention` (minutes) must cover how far back ingest accepts data,
 * so no hour can be recomputed from a partial set of minutes. Returns what was done and how many
 * dirty buckets are left for later.
 */
export function rollUpAndExpire(sql: SqlStorage, nowMs: number, minuteRetention: number = RETENTION.minutes): RollupReport {
  const nowMinute = Math.floor(nowMs / 60_000);
  const currentHour = Math.floor(nowMinute / 60);
  const currentDay = Math.floor(currentHour / 24);
  // The current hour is still being written: roll it up once it has ended.
  const hours = sql
    .exec<{ bucket: number }>("SELECT bucket FROM dirty_rollups WHERE level = 'h' AND bucket < ? ORDER BY bucket LIMIT ?", currentHour, MAX_BUCKETS_PER_RUN)
    .toArray()
    .map((r) => r.bucket);
  for (const hour of hours) {
    rollUp(sql, MINUTE, HOUR, hour);
    sql.exec("DELETE FROM dirty_rollups WHERE level = 'h' AND bucket = ?", hour);
    sql.exec("INSERT OR IGNORE INTO dirty_rollups (level, bucket) VALUES ('d', ?)", Math.floor(hour / 24));
  }
  const days = sql
    .exec<{ bucket: number }>("SELECT bucket FROM dirty_rollups WHERE level = 'd' AND bucket < ? ORDER BY bucket LIMIT ?", currentDay, MAX_BUCKETS_PER_RUN)
    .toArray()
    .map((r) => r.bucket);
  for (const day of days) {
    // A day is complete only when none of its hours waits to be rolled up.
    const pendingHours = sql.exec<{ n: number }>("SELECT count(*) AS n FROM dirty_rollups WHERE level = 'h' AND bucket >= ? AND bucket < ?", day * 24, (day + 1) * 24).one().n;
    if (pendingHours > 0) continue;
    rollUp(sql, HOUR, DAY, day);
    sql.exec("DELETE FROM dirty_rollups WHERE level = 'd' AND bucket = ?", day);
  }
  let deleted = 0;
  // Only minutes whose hour has been rolled up may go: a dirty hour keeps its minutes.
  deleted += sql.exec(
    "DELETE FROM bucket_1m WHERE minute < ? AND minute / 60 NOT IN (SELECT bucket FROM dirty_rollups WHERE level = 'h')",
    nowMinute - minuteRetention,
  ).rowsWritten;
  // Likewise only hours whose day has been rolled up: a day dirtied by a backfill keeps its hours.
  deleted += sql.exec(
    "DELETE FROM bucket_1h WHERE hour < ? AND hour / 24 NOT IN (SELECT bucket FROM dirty_rollups WHERE level = 'd')",
    currentHour - RETENTION.hours,
  ).rowsWritten;
  deleted += sql.exec("DELETE FROM bucket_1d WHERE day < ?", currentDay - RETENTION.days).rowsWritten;
  // Cumulative streams idle past the minute retention are forgotten (docs/semantic-conventions.md).
  deleted += sql.exec("DELETE FROM streams WHERE updated_minute < ?", nowMinute - RETENTION.minutes).rowsWritten;
  const pending = sql.exec<{ n: number }>("SELECT count(*) AS n FROM dirty_rollups").one().n;
  return { hours: hours.length, days: days.length, deleted, pending };
}

/**
 * Recomputes bucket `index` of `to` from the buckets of `from` it covers, for every series that has
 * any: digests merged at the default compression (rollups keep more detail than minutes),
 * categorical counts merged, counters summed.
 */
function rollUp(sql: SqlStorage, from: Level, to: Level, index: number): void {
  const first = index * to.width / from.width;
  const last = first + to.width / from.width - 1;
  const rows = sql.exec<{ series_id: number; kind: string; value: number; sketch: ArrayBuffer | null }>(
    `SELECT b.series_id, s.kind, b.value, b.sketch FROM ${from.table} b JOIN series s ON s.id = b.series_id WHERE b.${from.column} BETWEEN ? AND ? ORDER BY b.series_id`,
    first,
    last,
  );
  let current = -1;
  let aggregator: Aggregator<BucketSketch> = aggregatorOfType("counter");
  let parts: BucketSketch[] = [];
  const flush = () => {
    if (current < 0) return;
    // Counts keep the cap they were stored with (the first part's); digests go to the rollups' compression.
    const first = parts[0];
    const empty = aggregator.empty(first instanceof CategoricalCounts ? first.maxCategories : 0);
    const bucket = aggregator.merge(empty, parts);
    // A series whose buckets held no sketch writes an empty row, as before: value 0, no blob.
    sql.exec(`INSERT OR REPLACE INTO ${to.table} (series_id, ${to.column}, value, sketch) VALUES (?, ?, ?, ?)`, current, index, aggregator.value(bucket), parts.length === 0 ? null : aggregator.encode(bucket));
  };
  for (const row of rows) {
    if (row.series_id !== current) {
      flush();
      current = row.series_id;
      aggregator = aggregatorOf(row.kind as SeriesKind);
      parts = [];
    }
    const part = aggregator.decode(row.value, row.sketch === null ? null : new Uint8Array(row.sketch));
    if (part !== null) parts.push(part);
  }
  flush();
}

/** Whether the store holds any bucket at all (no alarm is needed for an empty store). */
export function hasData(sql: SqlStorage): boolean {
  return sql.exec<{ n: number }>("SELECT (EXISTS (SELECT 1 FROM bucket_1m) OR EXISTS (SELECT 1 FROM bucket_1h) OR EXISTS (SELECT 1 FROM bucket_1d)) AS n").one().n === 1;
}

/** When the next alarm should run: soon while ended hours wait, else just after the current hour ends. */
export function nextAlarmMs(sql: SqlStorage, nowMs: number): number {
  const currentHour = Math.floor(nowMs / 3_600_000);
  const waiting = sql.exec<{ n: number }>("SELECT count(*) AS n FROM dirty_rollups WHERE (level = 'h' AND bucket < ?) OR (level = 'd' AND bucket < ?)", currentHour, Math.floor(currentHour / 24)).one().n;
  return waiting > 0 ? nowMs + 60_000 : (currentHour + 1) * 3_600_000 + 60_000;
}

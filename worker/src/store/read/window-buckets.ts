import { RETENTION } from "@driftline/collector/series";

/** The raw buckets the windows ending at some times hold: minutes, and clean hour rollups. */
export type WindowBuckets = {
  /** Minute bucket bytes by start minute, one entry per series holding one. */
  minutes: Map<number, Uint8Array[]>;
  /**
   * Hour rollup bytes by hour, only for hours not marked dirty (a dirty hour is read from its
   * minutes); past the hour retention, a day's bytes under its first hour (windows of a day or more).
   */
  hours: Map<number, Uint8Array[]>;
};

/**
 * Reads, in one query per level, every bucket of `seriesIds` that a window of `windowMinutes`
 * ending at one of `timesMs` (ascending) can hold: minutes in (⌊first⌋ − window, ⌊last⌋], and,
 * for windows of an hour or more, the clean hour rollups over the same span.
 *
 * Days past the hour retention have no hours left (a backfill writes them straight into their
 * day bucket, docs/backfill.md): for windows of a day or more, such a day's bucket stands in for
 * its first hour, so a window answers at day resolution there, as pieces.ts reads counters. Days
 * are taken before the same cut pieces.ts uses (`nowMs`), hours after it, so nothing counts twice.
 */
export function readWindowBuckets(sql: SqlStorage, seriesIds: readonly number[], windowMinutes: number, timesMs: readonly number[], nowMs = Date.now()): WindowBuckets {
  const out: WindowBuckets = { minutes: new Map(), hours: new Map() };
  if (timesMs.length === 0 || seriesIds.length === 0) return out;
  const maxMinute = Math.floor(timesMs[timesMs.length - 1] / 60_000);
  const lo = Math.floor(timesMs[0] / 60_000) - windowMinutes + 1;
  // Series ids are integers from our own table, so joining them into the SQL is safe.
  const ids = seriesIds.join(",");
  const add = (map: Map<number, Uint8Array[]>, key: number, sketch: ArrayBuffer | null): void => {
    if (sketch === null) return;
    const list = map.get(key);
    if (list === undefined) map.set(key, [new Uint8Array(sketch)]);
    else list.push(new Uint8Array(sketch));
  };
  for (const row of sql.exec<{ b: number; sketch: ArrayBuffer | null }>(`SELECT minute AS b, sketch FROM bucket_1m WHERE series_id IN (${ids}) AND minute >= ? AND minute <= ?`, lo, maxMinute)) {
    add(out.minutes, row.b, row.sketch);
  }
  if (windowMinutes >= 60) {
    const dirty = new Set(sql.exec<{ bucket: number }>("SELECT bucket FROM dirty_rollups WHERE level = 'h'").toArray().map((r) => r.bucket));
    const dayCutHour = Math.ceil((Math.floor(nowMs / 3_600_000) - RETENTION.hours) / 24) * 24;
    for (const row of sql.exec<{ b: number; sketch: ArrayBuffer | null }>(`SELECT hour AS b, sketch FROM bucket_1h WHERE series_id IN (${ids}) AND hour >= ? AND hour <= ?`, Math.max(Math.floor(lo / 60), dayCutHour), Math.floor(maxMinute / 60))) {
      if (!dirty.has(row.b)) add(out.hours, row.b, row.sketch);
    }
    if (windowMinutes >= 1440 && Math.floor(lo / 60) < dayCutHour) {
      for (const row of sql.exec<{ b: number; sketch: ArrayBuffer | null }>(`SELECT day AS b, sketch FROM bucket_1d WHERE series_id IN (${ids}) AND day >= ? AND day < ?`, Math.floor(lo / 1440), dayCutHour / 24)) {
        add(out.hours, row.b * 24, row.sketch);
      }
    }
  }
  return out;
}

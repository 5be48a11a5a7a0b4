import { RETENTION } from "@driftline/collector/series";

/**
 * Which bucket level answers which minutes, so a read never counts a minute twice and never
 * reads a level past its retention (docs/query-api.md, "Resolution").
 *
 * Minutes at or after `minuteCut` come from bucket_1m (all still retained: the rollup deletes
 * minutes older than `now − minuteRetention`), minutes in [dayCut, minuteCut) from bucket_1h
 * (ended hours, rolled up long since), and older ones from bucket_1d. Both cuts fall on hour
 * (and day) boundaries, so no piece straddles one.
 */
export type Cuts = { minuteCut: number; dayCut: number; nowMinute: number; nowMs: number };

/** The cuts at `nowMs` for a store that keeps `minuteRetention` minutes of minute buckets. */
export function cutsAt(nowMs: number, minuteRetention: number): Cuts {
  const nowMinute = Math.floor(nowMs / 60_000);
  const minuteCut = Math.ceil((nowMinute - minuteRetention) / 60) * 60;
  const nowHour = Math.floor(nowMinute / 60);
  const dayCut = Math.ceil((nowHour - RETENTION.hours) / 24) * 24 * 60;
  return { minuteCut, dayCut: Math.min(dayCut, minuteCut), nowMinute, nowMs };
}

/** One bucket read: it covers minutes [startMinute, startMinute + widthMinutes). */
export type Piece = { startMinute: number; widthMinutes: number; value: number; sketch: Uint8Array | null };

/**
 * The buckets of `seriesIds` that start in [fromMinute, toMinute], at the level the cuts assign,
 * ascending by start. `withSketch` false reads only the values (counters, counts).
 */
export function readPieces(sql: SqlStorage, seriesIds: readonly number[], fromMinute: number, toMinute: number, cuts: Cuts, withSketch: boolean): Piece[] {
  const out: Piece[] = [];
  const column = withSketch ? "sketch" : "NULL AS sketch";
  const ids = seriesIds.join(",");
  const read = (table: string, unit: string, width: number, lo: number, hi: number): void => {
    if (hi < lo) return;
    const rows = sql.exec<{ b: number; value: number; sketch: ArrayBuffer | null }>(
      `SELECT ${unit} AS b, value, ${column} FROM ${table} WHERE series_id IN (${ids}) AND ${unit} >= ? AND ${unit} <= ? ORDER BY ${unit}`,
      Math.ceil(lo / width),
      Math.floor(hi / width),
    );
    for (const row of rows) {
      out.push({ startMinute: row.b * width, widthMinutes: width, value: row.value, sketch: row.sketch === null ? null : new Uint8Array(row.sketch) });
    }
  };
  // Series ids are integers from our own table, so joining them into the SQL is safe.
  if (seriesIds.length === 0) return out;
  read("bucket_1d", "day", 1440, fromMinute, Math.min(toMinute, cuts.dayCut - 1));
  read("bucket_1h", "hour", 60, Math.max(fromMinute, cuts.dayCut), Math.min(toMinute, cuts.minuteCut - 1));
  read("bucket_1m", "minute", 1, Math.max(fromMinute, cuts.minuteCut), toMinute);
  out.sort((a, b) => a.startMinute - b.startMinute);
  return out;
}

/**
 * The grid a counter is sampled on, in minutes: 1 while the range is inside the minute retention
 * and the step is under an hour, 60 while it is inside the hour retention, else 1440.
 */
export function resolutionMinutes(startMs: number, stepMs: number, cuts: Cuts): number {
  const startMinute = Math.floor(startMs / 60_000);
  if (stepMs < 3_600_000 && startMinute >= cuts.minuteCut) return 1;
  if (startMinute >= cuts.dayCut) return 60;
  return 1440;
}

/**
 * A counter's increments over the window (t − window, t] of some series, cut as WindowReader
 * cuts windows: whole hours inside the window from their clean hour rollup, every other minute
 * from its minute bucket. What the data-quality ratios divide by (the predictions of a version).
 */
export function windowCount(sql: SqlStorage, seriesIds: readonly number[], windowMinutes: number, tMs: number): number {
  if (seriesIds.length === 0) return 0;
  const hi = Math.floor(tMs / 60_000);
  const lo = hi - windowMinutes + 1;
  // Series ids are integers from our own table, so joining them into the SQL is safe.
  const ids = seriesIds.join(",");
  const minutes = new Map<number, number>();
  for (const row of sql.exec<{ minute: number; value: number }>(`SELECT minute, value FROM bucket_1m WHERE series_id IN (${ids}) AND minute BETWEEN ? AND ?`, lo, hi)) {
    minutes.set(row.minute, (minutes.get(row.minute) ?? 0) + row.value);
  }
  const hours = new Map<number, number>();
  if (windowMinutes >= 60) {
    const dirty = new Set(sql.exec<{ bucket: number }>("SELECT bucket FROM dirty_rollups WHERE level = 'h'").toArray().map((r) => r.bucket));
    for (const row of sql.exec<{ hour: number; value: number }>(`SELECT hour, value FROM bucket_1h WHERE series_id IN (${ids}) AND hour * 60 >= ? AND hour * 60 + 59 <= ?`, lo, hi)) {
      if (!dirty.has(row.hour)) hours.set(row.hour, (hours.get(row.hour) ?? 0) + row.value);
    }
  }
  let total = 0;
  for (const value of hours.values()) total += value;
  for (const [minute, value] of minutes) if (!hours.has(Math.floor(minute / 60))) total += value;
  return total;
}

/**
 * Counter increments over windows (t − window, t] of some series, cut as WindowReader cuts
 * windows: whole hours inside the window from their clean hour rollup, every other minute from
 * its minute bucket. What the data-quality ratios divide by (the predictions of a version) and
 * what they count (type mismatches), so a ratio's two sides are the same window.
 *
 * Cost model: two queries for all the times (the minutes and clean hours of the whole span), then
 * prefix sums, so each time costs three binary searches: a 7d window evaluated at thousands of
 * steps never re-reads or re-adds its 10 080 minutes.
 */
export class WindowCounts {
  private readonly windowMinutes: number;
  /** Minutes holding an increment, ascending, and the prefix sums of their increments (one longer). */
  private readonly minuteKeys: number[] = [];
  private readonly minuteSums: number[] = [0];
  /** Clean hour rollups, ascending, with prefix sums. */
  private readonly hourKeys: number[] = [];
  private readonly hourSums: number[] = [0];
  /** The minutes that fall in a clean hour (they are replaced by the hour when it is inside the window), with prefix sums. */
  private readonly coveredKeys: number[] = [];
  private readonly coveredSums: number[] = [0];

  constructor(sql: SqlStorage, seriesIds: readonly number[], windowMinutes: number, timesMs: readonly number[]) {
    this.windowMinutes = windowMinutes;
    if (seriesIds.length === 0 || timesMs.length === 0) return;
    let first = Infinity;
    let last = -Infinity;
    for (const t of timesMs) {
      first = Math.min(first, t);
      last = Math.max(last, t);
    }
    const hi = Math.floor(last / 60_000);
    const lo = Math.floor(first / 60_000) - windowMinutes + 1;
    // Series ids are integers from our own table, so joining them into the SQL is safe.
    const ids = seriesIds.join(",");
    const minutes = sql.exec<{ minute: number; value: number }>(`SELECT minute, sum(value) AS value FROM bucket_1m WHERE series_id IN (${ids}) AND minute BETWEEN ? AND ? GROUP BY minute ORDER BY minute`, lo, hi).toArray();
    const hours = new Set<number>();
    if (windowMinutes >= 60) {
      const dirty = new Set(sql.exec<{ bucket: number }>("SELECT bucket FROM dirty_rollups WHERE level = 'h'").toArray().map((r) => r.bucket));
      const rows = sql.exec<{ hour: number; value: number }>(`SELECT hour, sum(value) AS value FROM bucket_1h WHERE series_id IN (${ids}) AND hour BETWEEN ? AND ? GROUP BY hour ORDER BY hour`, Math.floor(lo / 60), Math.floor(hi / 60));
      for (const row of rows) {
        if (dirty.has(row.hour)) continue;
        hours.add(row.hour);
        this.hourKeys.push(row.hour);
        this.hourSums.push(this.hourSums[this.hourSums.length - 1] + row.value);
      }
    }
    for (const row of minutes) {
      this.minuteKeys.push(row.minute);
      this.minuteSums.push(this.minuteSums[this.minuteSums.length - 1] + row.value);
      if (hours.has(Math.floor(row.minute / 60))) {
        this.coveredKeys.push(row.minute);
        this.coveredSums.push(this.coveredSums[this.coveredSums.length - 1] + row.value);
      }
    }
  }

  /** The increments in the window ending at `tMs`. */
  at(tMs: number): number {
    const hi = Math.floor(tMs / 60_000);
    const lo = hi - this.windowMinutes + 1;
    let total = rangeSum(this.minuteKeys, this.minuteSums, lo, hi);
    if (this.windowMinutes >= 60 && this.hourKeys.length > 0) {
      // Whole hours inside [lo, hi]: their clean rollups replace their minutes.
      const firstHour = Math.ceil(lo / 60);
      const lastHour = Math.floor((hi + 1) / 60) - 1;
      if (lastHour >= firstHour) {
        total += rangeSum(this.hourKeys, this.hourSums, firstHour, lastHour);
        total -= rangeSum(this.coveredKeys, this.coveredSums, firstHour * 60, lastHour * 60 + 59);
      }
    }
    return total;
  }
}

/** The counter increments of some series in the one window ending at `tMs` (see {@link WindowCounts}). */
export function windowCount(sql: SqlStorage, seriesIds: readonly number[], windowMinutes: number, tMs: number): number {
  return new WindowCounts(sql, seriesIds, windowMinutes, [tMs]).at(tMs);
}

/** Sum of the values whose key is in [from, to], from sorted keys and their prefix sums. */
function rangeSum(keys: readonly number[], sums: readonly number[], from: number, to: number): number {
  return sums[lowerBound(keys, to + 1)] - sums[lowerBound(keys, from)];
}

/** The first index whose key is ≥ `key`. */
function lowerBound(keys: readonly number[], key: number): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (keys[mid] < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

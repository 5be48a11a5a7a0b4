/**
 * The `series` row changes of one ingest RPC (lifetime total, first and last minute), summed per
 * series and written a chunk of series per statement: a request touches dozens of series, and a
 * statement each cost more SQLite calls than the merges themselves. Must be written inside the
 * caller's transaction.
 */
export class SeriesTotals {
  private readonly byId = new Map<number, { total: number; first: number; last: number }>();

  /** Adds `value` to series `id`'s total and widens its minutes to include `minute`. */
  add(id: number, value: number, minute: number): void {
    const found = this.byId.get(id);
    if (found === undefined) this.byId.set(id, { total: value, first: minute, last: minute });
    else {
      found.total += value;
      if (minute < found.first) found.first = minute;
      if (minute > found.last) found.last = minute;
    }
  }

  /** Writes every change: one UPDATE … FROM (VALUES …) per 25 series (four parameters each; at most 100 a statement). */
  write(sql: SqlStorage): void {
    const rows = [...this.byId].map(([id, t]) => [id, t.total, t.first, t.last]);
    for (let at = 0; at < rows.length; at += SERIES_PER_STATEMENT) {
      const chunk = rows.slice(at, at + SERIES_PER_STATEMENT);
      sql.exec(
        `UPDATE series SET total = total + v.column2, first_minute = min(first_minute, v.column3), last_minute = max(last_minute, v.column4)
         FROM (VALUES ${chunk.map(() => "(?, ?, ?, ?)").join(", ")}) AS v WHERE series.id = v.column1`,
        ...chunk.flat(),
      );
    }
    this.byId.clear();
  }
}

const SERIES_PER_STATEMENT = 25;

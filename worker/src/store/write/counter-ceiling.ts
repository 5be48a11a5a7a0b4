import { MAX_COUNT } from "@driftline/collector";

/**
 * Keeps every counter's lifetime total at or under 2^53 (issue 11, item 3): the fold refuses any
 * one point past it, but many valid points could still add up past it, after which a count of one
 * more prediction would no longer change the total. An increment that would cross the ceiling is
 * refused whole, like a point past a cardinality cap.
 *
 * Cost: one indexed read of `series.total` per counter series an ingest touches (a handful), then
 * the running total in memory. One instance per ingest transaction, so it never outlives a rollback.
 */
export class CounterCeiling {
  private readonly totals = new Map<number, number>();
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
  }

  /** Adds `increment` to series `id`'s running total and returns true, or returns false (nothing added) when the total would pass 2^53. */
  admit(id: number, increment: number): boolean {
    let total = this.totals.get(id);
    if (total === undefined) total = this.sql.exec<{ total: number }>("SELECT total FROM series WHERE id = ?", id).toArray()[0]?.total ?? 0;
    if (total + increment > MAX_COUNT) {
      this.totals.set(id, total);
      return false;
    }
    this.totals.set(id, total + increment);
    return true;
  }
}

/** The reason a refused increment is reported with (bounded: it names the rule, not the value). */
export const CEILING_REASON = `counter points that would take a running total past 2^53 (${MAX_COUNT})`;

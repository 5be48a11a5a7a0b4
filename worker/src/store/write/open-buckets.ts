import { aggregatorOf } from "@driftline/collector";
import type { BucketSketch, DecodedDelta, SeriesKind } from "@driftline/collector";

/**
 * A minute bucket as it is merged: the decoded sketch (null until something is merged into a
 * sketch bucket), so each request merges without decoding.
 */
type OpenBucket = { sketch: BucketSketch | null };

/** The open minute buckets kept decoded in memory: at most this many minutes behind the newest. */
const OPEN_MINUTES = 3;
/**
 * And at most this many buckets (a digest is a few KiB decoded): past it, buckets are read, merged
 * and written back without being kept, which costs a decode but keeps the object well inside
 * its 128 MB.
 */
const MAX_OPEN_BUCKETS = 4096;

/**
 * Merges deltas into `bucket_1m` rows. The buckets of the last few minutes stay decoded in memory
 * (DESIGN.md: a ModelStore holds no more than its open minute buckets), so the steady state costs
 * one sketch merge and one row write per series per request, and no decode. Late data for an
 * older minute is read, merged and written back. Must run inside the caller's transaction; on
 * any failure the caller calls `reset()` so memory never runs ahead of what was committed.
 */
export class OpenBuckets {
  private readonly open = new Map<string, OpenBucket>();
  private newestMinute = 0;
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
  }

  /** Merges one delta into series `seriesId`'s bucket for `delta.minute`, and writes the row. */
  merge(seriesId: number, delta: DecodedDelta, categoriesCap: number): void {
    this.mergeAll([{ seriesId, delta }], categoriesCap);
  }

  /**
   * Merges each delta into its series' bucket and writes the rows, a chunk of rows per statement
   * (an ingest RPC brings a delta for each of dozens of series: one statement each cost more
   * than the merges). A bucket merged twice is written with its final state. A delta's sketch
   * may become the bucket (a digest, the first of its minute): the caller hands it over.
   */
  mergeAll(items: readonly { seriesId: number; delta: DecodedDelta }[], categoriesCap: number): void {
    const rows = new Map<string, [number, number, number, Uint8Array | null]>();
    for (const { seriesId, delta } of items) {
      const key = `${seriesId}:${delta.minute}`;
      let bucket = this.open.get(key);
      if (bucket === undefined) {
        // A bucket not kept open may have been merged (and not yet written) earlier in this call.
        if (rows.has(key)) writeRows(this.sql, rows);
        bucket = this.read(seriesId, delta.minute, delta.kind);
        if (delta.minute >= this.newestMinute - OPEN_MINUTES && this.open.size < MAX_OPEN_BUCKETS) this.open.set(key, bucket);
      }
      const aggregator = aggregatorOf(delta.kind);
      const merged = bucket.sketch === null ? aggregator.start(delta.sketch, categoriesCap) : aggregator.merge(bucket.sketch, [delta.sketch]);
      bucket.sketch = merged;
      rows.set(key, [seriesId, delta.minute, aggregator.value(merged), aggregator.encode(merged)]);
      if (delta.minute > this.newestMinute) this.advance(delta.minute);
    }
    writeRows(this.sql, rows);
  }

  /** Forgets every decoded bucket: after a failed transaction, or to free memory. */
  reset(): void {
    this.open.clear();
  }

  private read(seriesId: number, minute: number, kind: SeriesKind): OpenBucket {
    const row = this.sql.exec<{ value: number; sketch: ArrayBuffer | null }>("SELECT value, sketch FROM bucket_1m WHERE series_id = ? AND minute = ?", seriesId, minute).toArray()[0];
    if (row === undefined) return { sketch: null };
    return { sketch: aggregatorOf(kind).decode(row.value, row.sketch === null ? null : new Uint8Array(row.sketch)) };
  }

  private advance(minute: number): void {
    this.newestMinute = minute;
    for (const key of this.open.keys()) {
      const m = Number(key.slice(key.indexOf(":") + 1));
      if (m < minute - OPEN_MINUTES) this.open.delete(key);
    }
  }
}

/** Rows per INSERT: four bound parameters each, and a Durable Object's SQLite takes at most 100. */
const ROWS_PER_STATEMENT = 25;

/** Writes the pending bucket rows and empties the map. */
function writeRows(sql: SqlStorage, rows: Map<string, [number, number, number, Uint8Array | null]>): void {
  const all = [...rows.values()];
  for (let at = 0; at < all.length; at += ROWS_PER_STATEMENT) {
    const chunk = all.slice(at, at + ROWS_PER_STATEMENT);
    sql.exec(`INSERT OR REPLACE INTO bucket_1m (series_id, minute, value, sketch) VALUES ${chunk.map(() => "(?, ?, ?, ?)").join(", ")}`, ...chunk.flat());
  }
  rows.clear();
}

import { SeriesKind } from "@driftline/collector";

/** One series as GET /api/models/:model lists it. */
export type SeriesSummary = {
  kind: string;
  version: string;
  name: string;
  segment: string;
  /** Counter increments, or values folded into the sketch, over the series' life. */
  total: number;
  firstSeen: string;
  lastSeen: string;
};

/** One version of a model. */
export type VersionSummary = {
  version: string;
  predictions: number;
  errors: number;
  actuals: number;
  firstSeen: string;
  lastSeen: string;
};

/** What a ModelStore holds, for GET /api/models/:model. */
export type ModelSummary = {
  versions: VersionSummary[];
  series: SeriesSummary[];
  /** Number of series per kind. */
  seriesPerKind: Record<string, number>;
  /** Values refused by a cap, per reason, over the model's life. */
  rejected: Record<string, number>;
  firstSeen: string | null;
  lastSeen: string | null;
  /**
   * Ended hours and days waiting for the alarm's rollup (late or backfilled data marks them): 0
   * once a backfill's hours and days are all recomputed (docs/backfill.md). The current hour and
   * day, still being written, are not counted.
   */
  pendingRollups: number;
  /** Bytes of the store's SQLite database (every table: buckets, baselines, joins, alerts): what Cloudflare bills as storage. */
  storageBytes: number;
};

/** Minutes since the epoch as an ISO 8601 timestamp (the minute's start). */
export function minuteToIso(minute: number): string {
  return new Date(minute * 60_000).toISOString();
}

/** Reads the summary from the store's tables: O(series), no bucket is read. */
export function summarize(sql: SqlStorage, nowMs = Date.now()): ModelSummary {
  const rows = sql
    .exec<{ kind: string; version: string; name: string; segment: string; total: number; first_minute: number; last_minute: number }>(
      "SELECT kind, version, name, segment, total, first_minute, last_minute FROM series ORDER BY version, kind, name, segment",
    )
    .toArray();
  const series: SeriesSummary[] = [];
  const perKind: Record<string, number> = {};
  const versions = new Map<string, VersionSummary & { first: number; last: number }>();
  let first = Infinity;
  let last = -Infinity;
  for (const row of rows) {
    series.push({ kind: row.kind, version: row.version, name: row.name, segment: row.segment, total: row.total, firstSeen: minuteToIso(row.first_minute), lastSeen: minuteToIso(row.last_minute) });
    perKind[row.kind] = (perKind[row.kind] ?? 0) + 1;
    first = Math.min(first, row.first_minute);
    last = Math.max(last, row.last_minute);
    let v = versions.get(row.version);
    if (v === undefined) {
      v = { version: row.version, predictions: 0, errors: 0, actuals: 0, firstSeen: "", lastSeen: "", first: row.first_minute, last: row.last_minute };
      versions.set(row.version, v);
    }
    v.first = Math.min(v.first, row.first_minute);
    v.last = Math.max(v.last, row.last_minute);
    // Whole-model series only: segment series count the same predictions again.
    if (row.segment !== "") continue;
    if (row.kind === SeriesKind.predictions) v.predictions += row.total;
    else if (row.kind === SeriesKind.errors) v.errors += row.total;
    else if (row.kind === SeriesKind.actualValue || row.kind === SeriesKind.actualLabel) v.actuals += row.total;
  }
  const rejected: Record<string, number> = {};
  for (const row of sql.exec<{ reason: string; count: number }>("SELECT reason, count FROM rejections")) rejected[row.reason] = row.count;
  return {
    versions: [...versions.values()].map(({ first: f, last: l, ...v }) => ({ ...v, firstSeen: minuteToIso(f), lastSeen: minuteToIso(l) })),
    series,
    seriesPerKind: perKind,
    rejected,
    firstSeen: rows.length === 0 ? null : minuteToIso(first),
    lastSeen: rows.length === 0 ? null : minuteToIso(last),
    pendingRollups: sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM dirty_rollups WHERE (level = 'h' AND bucket < ?) OR (level = 'd' AND bucket < ?)", Math.floor(nowMs / 3_600_000), Math.floor(nowMs / 86_400_000))
      .one().n,
    storageBytes: sql.databaseSize,
  };
}

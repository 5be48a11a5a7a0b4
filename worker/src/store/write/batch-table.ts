import { SeriesKind, aggregatorOf } from "@driftline/collector";
import type { DecodedDelta, Rejections } from "@driftline/collector";
import { batchOfSegment } from "@driftline/collector/series";

/** The reason a new batch past the cap is counted under (bounded: it names no batch). */
export function batchCapReason(maxBatchesPerVersion: number): string {
  return `new batches past maxBatchesPerVersion (${maxBatchesPerVersion}) per version`;
}

/**
 * Files the deltas of batch pseudo-segments (series/batches.ts) in the batch tables (migration 8,
 * docs/backfill.md): one `batch_sketches` row per (version, batch, kind, name), merged over the
 * whole batch; the batch's span in `batches` from its predictions' minutes. A batch new to the
 * version when it already holds `maxBatches` is refused: its deltas are dropped and their records
 * counted in `rejections`. Returns the records refused (for the receipt). Must run inside the
 * caller's transaction.
 *
 * Cost: per (batch, kind, name) in the request one read and one write, plus one `batches` row
 * per batch; nothing for a request without `ml.batch.id`.
 */
export function mergeBatchDeltas(sql: SqlStorage, deltas: readonly DecodedDelta[], maxBatches: number, categoriesCap: number, rejections: Rejections, nowMs: number): number {
  const groups = new Map<string, { version: string; batch: string; kind: DecodedDelta["kind"]; name: string; deltas: DecodedDelta[] }>();
  const spans = new Map<string, { version: string; batch: string; first: number; last: number }>();
  for (const delta of deltas) {
    const batch = batchOfSegment(delta.segment)!;
    const key = `${delta.version}\u0000${batch}\u0000${delta.kind}\u0000${delta.name}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { version: delta.version, batch, kind: delta.kind, name: delta.name, deltas: [delta] });
    else group.deltas.push(delta);
    const spanKey = `${delta.version}\u0000${batch}`;
    const span = spans.get(spanKey) ?? { version: delta.version, batch, first: Infinity, last: -Infinity };
    // The span is the predictions' (pairs are filed in their prediction's minute, possibly an hour's).
    if (delta.kind === SeriesKind.predictions) {
      span.first = Math.min(span.first, delta.minute);
      span.last = Math.max(span.last, delta.minute);
    }
    spans.set(spanKey, span);
  }
  const refused = new Set<string>();
  let refusedRecords = 0;
  const counts = new Map<string, number>();
  for (const [key, span] of spans) {
    const known = sql.exec<{ first_minute: number; last_minute: number }>("SELECT first_minute, last_minute FROM batches WHERE version = ? AND batch = ?", span.version, span.batch).toArray()[0];
    if (known === undefined) {
      const held = counts.get(span.version) ?? sql.exec<{ n: number }>("SELECT count(*) AS n FROM batches WHERE version = ?", span.version).one().n;
      if (held >= maxBatches) {
        refused.add(key);
        continue;
      }
      counts.set(span.version, held + 1);
    }
    const first = Math.min(known?.first_minute ?? Infinity, span.first);
    const last = Math.max(known?.last_minute ?? -Infinity, span.last);
    // A batch seen only through pairs so far (its predictions refused elsewhere) has no span: 0, 0.
    sql.exec(
      "INSERT INTO batches (version, batch, first_minute, last_minute, created_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (version, batch) DO UPDATE SET first_minute = excluded.first_minute, last_minute = excluded.last_minute",
      span.version,
      span.batch,
      Number.isFinite(first) ? first : 0,
      Number.isFinite(last) ? last : 0,
      nowMs,
    );
  }
  for (const group of groups.values()) {
    if (refused.has(`${group.version}\u0000${group.batch}`)) {
      // Each prediction adds one to its batch's predictions counter (in its own minute's delta): the records refused.
      const records = group.deltas.reduce((a, d) => a + d.records, 0);
      if (group.kind === SeriesKind.predictions) {
        rejections.add(batchCapReason(maxBatches), records);
        refusedRecords += records;
      }
      continue;
    }
    const aggregator = aggregatorOf(group.kind);
    const row = sql
      .exec<{ value: number; sketch: ArrayBuffer | null }>("SELECT value, sketch FROM batch_sketches WHERE version = ? AND batch = ? AND kind = ? AND name = ?", group.version, group.batch, group.kind, group.name)
      .toArray()[0];
    const stored = row === undefined ? null : aggregator.decode(row.value, row.sketch === null ? null : new Uint8Array(row.sketch));
    const merged = aggregator.merge(stored ?? aggregator.empty(categoriesCap), group.deltas.map((d) => d.sketch));
    sql.exec(
      "INSERT OR REPLACE INTO batch_sketches (version, batch, kind, name, value, sketch) VALUES (?, ?, ?, ?, ?, ?)",
      group.version,
      group.batch,
      group.kind,
      group.name,
      aggregator.value(merged),
      aggregator.encode(merged),
    );
  }
  return refusedRecords;
}

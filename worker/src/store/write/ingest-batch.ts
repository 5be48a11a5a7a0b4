// Runs inside the ModelStore Durable Object: write/ is ingest (open minute buckets, the series
// index, the accuracy join table, cumulative streams) and the alarm's rollups and retention.
import { ModelAccumulator, Rejections, cumulativeDelta, decodeDelta, foldDelta } from "@driftline/collector";
import type { CumulativePoint, DecodedDelta, Limits, ModelBatch, SeriesRef, StreamState } from "@driftline/collector";
import { BATCH_SEGMENT_PREFIX, RETENTION } from "@driftline/collector/series";
import { mergeBatchDeltas } from "./batch-table.ts";
import { CEILING_REASON, CounterCeiling } from "./counter-ceiling.ts";
import { foldJoins } from "./join-deltas.ts";
import type { JoinTable } from "./joins.ts";
import { DirtyCache, mergeLate, writePathOf } from "./late-buckets.ts";
import type { OpenBuckets } from "./open-buckets.ts";
import { markDirty } from "./rollup.ts";
import { isRefusal } from "./series-index.ts";
import type { SeriesIndex } from "./series-index.ts";
import { SeriesTotals } from "./series-totals.ts";
import { parseStreamState, serializeStreamState } from "./stream-state.ts";
import { typeMismatchDelta } from "./type-mismatches.ts";

/** Cumulative streams idle this long are forgotten (their state row deleted by the alarm). */
const STREAM_RETENTION_MS = 48 * 3600 * 1000;

/** Storage and the in-memory mirrors a write updates (model-store.ts resets them when a transaction fails). */
export type WriteState = { sql: SqlStorage; index: SeriesIndex; buckets: OpenBuckets; joins: JoinTable };

/** What one batch's write did, for the work after the commit (gauge cache, rollups, alarm). */
export type WriteOutcome = {
  /** Records that lost a value to the store's caps (before the accumulator's own rejected records). */
  lostRecords: number;
  rejections: Rejections;
  /** Minutes written into minute buckets. */
  minutes: Set<number>;
  /** Series and minutes written (any level). */
  series: { seriesId: number; minute: number }[];
  /** Whether hour or day buckets were written (backfill, late accuracy pairs). */
  wroteLate: boolean;
};

/**
 * Writes one ingest RPC's batch: decodes its deltas once, folds the store's own cumulative points
 * and join pairs into the same accumulator (so per-request caps count them together, as the
 * Worker's fold would), admits each series, and merges every delta at the level its age allows
 * (open minute buckets, or an hour or day: late-buckets.ts), with series totals, rejections and
 * dirty rollups. Must run inside the caller's transaction.
 */
export function writeBatch(state: WriteState, batch: ModelBatch, limits: Limits, minuteRetention: number, nowMs: number): WriteOutcome {
  const rejections = new Rejections();
  let lostRecords = 0;
  const minutes = new Set<number>();
  const series: { seriesId: number; minute: number }[] = [];
  // The RPC's sketches are decoded once here; what the store folds itself stays decoded.
  const deltas = batch.deltas.map(decodeDelta);
  // One accumulator for both, so its per-request caps count them together, as the fold would.
  const own = new ModelAccumulator(batch.modelId, limits, rejections);
  if (batch.cumulative.length > 0) foldCumulative(state.sql, own, batch.cumulative, rejections);
  if (batch.joins !== undefined && batch.joins.length > 0) foldJoins(own, state.joins, batch.joins, limits, nowMs, rejections);
  deltas.push(...own.finishDecoded());
  const nowMinute = Math.floor(nowMs / 60_000);
  const toMerge: { seriesId: number; delta: DecodedDelta }[] = [];
  const late: { seriesId: number; delta: DecodedDelta; path: "hour" | "day" }[] = [];
  const dirty = new DirtyCache();
  const batchDeltas: DecodedDelta[] = [];
  const totals = new SeriesTotals();
  const ceiling = new CounterCeiling(state.sql);
  for (const delta of deltas) {
    // A batch's deltas go to the batch tables, not the time series (write/batch-table.ts).
    if (delta.segment.startsWith(BATCH_SEGMENT_PREFIX)) {
      batchDeltas.push(delta);
      continue;
    }
    const id = seriesIdFor(state, delta, limits, rejections);
    const refused = id === undefined || (typeof delta.sketch === "number" && !ceiling.admit(id, delta.value));
    if (refused) {
      if (id !== undefined) rejections.add(CEILING_REASON, delta.records);
      lostRecords = Math.max(lostRecords, delta.records);
      // A feature's values of the other type are refused, and counted as a data-quality series.
      const mismatch = id === undefined && state.index.typeConflict(delta) !== undefined ? typeMismatchDelta(delta) : undefined;
      if (mismatch !== undefined) deltas.push(mismatch);
      continue;
    }
    // Backfilled records and accuracy pairs of old predictions go to their hour or day (late-buckets.ts).
    const path = writePathOf(state.sql, delta.minute, nowMinute, minuteRetention, dirty);
    if (path === "expired") {
      // Only the store's own folds (a pair whose prediction has aged past every retention) get here: the Worker's fold refuses older records.
      rejections.add(`timestamp older than the day retention (${RETENTION.days} days): nothing older is kept`, delta.records);
      lostRecords = Math.max(lostRecords, delta.records);
      continue;
    }
    if (path === "minute") {
      toMerge.push({ seriesId: id, delta });
      minutes.add(delta.minute);
    } else late.push({ seriesId: id, delta, path });
    totals.add(id, delta.value, delta.minute);
    series.push({ seriesId: id, minute: delta.minute });
  }
  state.buckets.mergeAll(toMerge, limits.maxCategoriesPerSeries);
  if (late.length > 0) mergeLate(state.sql, late, limits.maxCategoriesPerSeries, dirty);
  if (batchDeltas.length > 0) lostRecords = Math.max(lostRecords, mergeBatchDeltas(state.sql, batchDeltas, limits.maxBatchesPerVersion, limits.maxCategoriesPerSeries, rejections, nowMs));
  totals.write(state.sql);
  countRejections(state.sql, rejections);
  // What the Worker's fold refused for this model's caps, counted with the store's own.
  for (const [reason, count] of batch.refused ?? []) countRejection(state.sql, reason, count);
  markDirty(state.sql, [...minutes].sort((a, b) => a - b));
  return { lostRecords, rejections, minutes, series, wroteLate: late.length > 0 };
}

/** The id of a delta's series, admitting (and inserting) a new one; undefined, with the reason noted, when refused. */
export function seriesIdFor(state: WriteState, delta: DecodedDelta, limits: Limits, rejections: Rejections): number | undefined {
  const known = state.index.idOf(delta);
  const conflict = state.index.typeConflict(delta);
  if (known !== undefined && conflict === undefined) return known;
  if (conflict !== undefined) {
    rejections.add(conflict.reason, delta.records);
    return undefined;
  }
  const admitted = state.index.admit(delta, limits);
  if (isRefusal(admitted)) {
    rejections.add(admitted.reason, delta.records);
    return undefined;
  }
  const ref: SeriesRef = { kind: admitted.kind, version: admitted.version, name: admitted.name, segment: admitted.segment };
  const existing = state.index.idOf(ref);
  if (existing !== undefined) return existing;
  const row = state.sql
    .exec<{ id: number }>(
      "INSERT INTO series (kind, version, name, segment, first_minute, last_minute) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
      ref.kind,
      ref.version,
      ref.name,
      ref.segment,
      delta.minute,
      delta.minute,
    )
    .one();
  state.index.add(ref, row.id);
  return row.id;
}

/**
 * Turns cumulative points into deltas against each stream's previous point (kept in `streams`)
 * and folds them into `acc` like any delta; a point that loses a value to a cap counts as one
 * rejected record. A stream unseen since before the streams' retention counts from its next
 * point only, so a forgotten stream is never counted twice.
 */
function foldCumulative(sql: SqlStorage, acc: ModelAccumulator, points: readonly CumulativePoint[], rejections: Rejections): void {
  const trustStartAfterNano = trackingSinceNano();
  for (const point of points) {
    const row = sql.exec<{ state: string }>("SELECT state FROM streams WHERE id = ?", point.stream).toArray()[0];
    const previous: StreamState | undefined = row === undefined ? undefined : parseStreamState(row.state);
    const { delta, state } = cumulativeDelta(previous, { startTimeUnixNano: point.startTimeUnixNano, timeUnixNano: point.timeUnixNano, value: point.value }, trustStartAfterNano);
    if (state !== previous) {
      sql.exec("INSERT OR REPLACE INTO streams (id, state, updated_minute) VALUES (?, ?, ?)", point.stream, serializeStreamState(state), point.minute);
    }
    if (delta === null) continue;
    rejections.beginRecord();
    foldDelta(acc, point.minute, delta, { digest: point.digest, counters: point.counters, valueScale: point.valueScale }, { rejections });
    rejections.endRecord();
  }
}

/**
 * An unknown stream that started after this instant has never been counted: a stream is
 * forgotten only after STREAM_RETENTION_MS without a point, so one that started more recently
 * cannot have been seen and then forgotten.
 */
function trackingSinceNano(): bigint {
  return BigInt(Date.now() - STREAM_RETENTION_MS) * 1_000_000n;
}

/** Adds to the lifetime count of values refused per reason (the reasons name caps: bounded). */
export function countRejections(sql: SqlStorage, rejections: Rejections): void {
  for (const [reason, count] of rejections.entries()) countRejection(sql, reason, count);
}

function countRejection(sql: SqlStorage, reason: string, count: number): void {
  sql.exec("INSERT INTO rejections (reason, count) VALUES (?, ?) ON CONFLICT (reason) DO UPDATE SET count = count + excluded.count", reason, count);
}

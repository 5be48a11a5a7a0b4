// Runs inside the ModelStore Durable Object: write/ is ingest (open minute buckets, the series
// index, the accuracy join table, cumulative streams) and the alarm's rollups and retention.
import { ModelAccumulator, Rejections, SeriesKind, foldPairs } from "@driftline/collector";
import type { JoinEvent, JoinRecord, Limits, SeriesDelta } from "@driftline/collector";
import type { JoinEventCount, JoinTable } from "./joins.ts";

/**
 * Files a batch's join records in the join table and turns what happened into ordinary series
 * deltas (docs/accuracy.md): joined pairs become accuracy series in their prediction's minute,
 * the join bookkeeping (joined, duplicate, refused) counters in the current minute. The caller
 * merges them like any delta, in the same transaction as the table's changes.
 */
export function joinDeltas(table: JoinTable, records: readonly JoinRecord[], limits: Limits, nowMs: number): SeriesDelta[] {
  const retryWindowMs = (limits.maxPastSeconds + limits.maxFutureSeconds) * 1000;
  const outcome = table.accept(records, retryWindowMs);
  const acc = new ModelAccumulator("", limits, new Rejections());
  const nowMinute = Math.floor(nowMs / 60_000);
  foldPairs(acc, outcome.pairs, nowMinute);
  addEvents(acc, outcome.events, nowMinute);
  return acc.finish().deltas;
}

/** The counters of join events, in the minute they happened. */
export function eventDeltas(events: readonly JoinEventCount[], limits: Limits, nowMs: number): SeriesDelta[] {
  const acc = new ModelAccumulator("", limits, new Rejections());
  addEvents(acc, events, Math.floor(nowMs / 60_000));
  return acc.finish().deltas;
}

function addEvents(acc: ModelAccumulator, events: readonly JoinEventCount[], minute: number): void {
  for (const e of events) acc.addCount(SeriesKind.joinEvents, e.version, e.event satisfies JoinEvent, "", minute, e.count);
}

// Runs inside the ModelStore Durable Object: write/ is ingest (open minute buckets, the series
// index, the accuracy join table, cumulative streams) and the alarm's rollups and retention.
import { ModelAccumulator, SeriesKind, foldPairs } from "@driftline/collector";
import type { DecodedDelta, JoinEvent, JoinRecord, Limits, Rejections } from "@driftline/collector";
import type { JoinEventCount, JoinTable } from "./joins.ts";

/**
 * Files a batch's join records in the join table and folds what happened into `acc`
 * (docs/accuracy.md): joined pairs become accuracy series in their prediction's minute, the join
 * bookkeeping (joined, duplicate, refused) counters in the current minute. The caller merges the
 * accumulator's deltas like any delta, in the same transaction as the table's changes. A pair
 * that loses a value to one of `acc`'s caps counts as one rejected record in `rejections` (the
 * accumulator's own).
 */
export function foldJoins(acc: ModelAccumulator, table: JoinTable, records: readonly JoinRecord[], limits: Limits, nowMs: number, rejections: Rejections): void {
  const retryWindowMs = (limits.maxPastSeconds + limits.maxFutureSeconds) * 1000;
  const outcome = table.accept(records, retryWindowMs, nowMs);
  const nowMinute = Math.floor(nowMs / 60_000);
  for (const pair of outcome.pairs) {
    rejections.beginRecord();
    foldPairs(acc, [pair], nowMinute);
    rejections.endRecord();
  }
  addEvents(acc, outcome.events, nowMinute);
}

/**
 * The counters of join events, in the minute they happened, with their sketches decoded (they are
 * merged in this isolate); what a cap refuses is counted in `rejections`.
 */
export function eventDeltas(events: readonly JoinEventCount[], limits: Limits, nowMs: number, rejections: Rejections): DecodedDelta[] {
  const acc = new ModelAccumulator("", limits, rejections);
  addEvents(acc, events, Math.floor(nowMs / 60_000));
  return acc.finishDecoded();
}

function addEvents(acc: ModelAccumulator, events: readonly JoinEventCount[], minute: number): void {
  for (const e of events) acc.addCount(SeriesKind.joinEvents, e.version, e.event satisfies JoinEvent, "", minute, e.count);
}

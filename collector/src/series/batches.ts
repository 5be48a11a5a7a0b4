/**
 * Batches (issue 18, docs/backfill.md): predictions carrying `ml.batch.id` are also folded under
 * the pseudo-segment `=<id>`, which no real segment can be (a segment name is never empty), so
 * they and their accuracy pairs travel to the ModelStore as ordinary deltas; the store files them
 * in its batch table instead of its time series.
 */

/** What a batch's pseudo-segment starts with: `=` and then the batch id. */
export const BATCH_SEGMENT_PREFIX = "=";

/** The pseudo-segment of batch `id`. */
export function batchSegment(id: string): string {
  return BATCH_SEGMENT_PREFIX + id;
}

/** The batch id of a pseudo-segment, or undefined for a real segment (or none). */
export function batchOfSegment(segment: string): string | undefined {
  return segment.startsWith(BATCH_SEGMENT_PREFIX) ? segment.slice(BATCH_SEGMENT_PREFIX.length) : undefined;
}

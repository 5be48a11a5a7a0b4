// Runs inside the ModelStore Durable Object.

/**
 * Longest an ingest RPC may have waited in the object's input queue before the object starts on
 * it. Past this the object answers "overloaded" at once, without touching storage (issue 11, item
 * 4): the Worker then answers 503 with Retry-After, so a burst sheds load where it piles up
 * instead of every request waiting seconds. 1 s leaves room for a normal commit queue (a few
 * ms per request) and for clock skew between the Worker's and the object's machines.
 */
export const MAX_INGEST_QUEUE_MS = 1_000;

/**
 * Milliseconds the RPC sent at `sentAtMs` (the Worker's clock) waited before running now, when that
 * is past {@link MAX_INGEST_QUEUE_MS}; undefined when it may run. No `sentAtMs`: always runs.
 */
export function overloadedAfterMs(sentAtMs: number | undefined, nowMs: number, maxQueueMs = MAX_INGEST_QUEUE_MS): number | undefined {
  if (sentAtMs === undefined) return undefined;
  const queuedMs = nowMs - sentAtMs;
  return queuedMs > maxQueueMs ? queuedMs : undefined;
}

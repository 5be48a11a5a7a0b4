// Runs inside the ModelStore Durable Object.

/**
 * Milliseconds the RPC sent at `sentAtMs` (the Worker's clock) waited before running now, when that
 * is past `maxQueueMs` (`MAX_STORE_QUEUE_MS`, config.ts); undefined when it may run. No `sentAtMs`:
 * always runs.
 *
 * Past the limit the object answers "overloaded" at once, without touching storage (issue 11, item
 * 4): the Worker then answers 503 with Retry-After, so a burst sheds load where it piles up instead
 * of every request waiting seconds. The wait is measured from the Worker's clock, so it includes
 * clock skew between the Worker's and the object's machines (and, on Cloudflare, where a Worker's
 * clock only advances on I/O, the Worker's decode and fold since its body was read): the default
 * 500 ms is still fifty times a normal ingest RPC's 3-10 ms (docs/operations.md).
 */
export function overloadedAfterMs(sentAtMs: number | undefined, nowMs: number, maxQueueMs: number): number | undefined {
  if (sentAtMs === undefined) return undefined;
  const queuedMs = nowMs - sentAtMs;
  return queuedMs > maxQueueMs ? queuedMs : undefined;
}

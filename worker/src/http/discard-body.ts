/**
 * What a route does with the rest of a request body it refused part-way (a 413 at a size limit,
 * a 400 for invalid gzip): read it and throw it away, within a budget, before answering.
 *
 * Why (issue 11, item 1): an HTTP/1.1 connection can carry the next request only once this one's
 * body has been read to its end. A body left untouched is drained by workerd itself; but a body
 * that the Worker started to read and then cancelled or abandoned left `wrangler dev`'s proxy
 * waiting on it, and the next request (on the same connection, and the first one on a fresh
 * connection) went unanswered. Go's net/http and Node's http server drain a refused body the
 * same way, for the same reason.
 *
 * Cost model: discarded bytes are never held (each chunk is dropped as it is read) and never
 * inflated, so draining costs socket reads only, bounded by {@link DISCARD_MAX_BYTES} and
 * {@link DISCARD_MAX_MS}. A body still arriving past the budget is answered with a lingering
 * close (lingering-close.ts), or cancelled where there is none.
 */

/** Most body bytes read and dropped before answering: a sender's batch just over MAX_BODY_BYTES (4 MiB) fits twice. */
export const DISCARD_MAX_BYTES = 8 * 1024 * 1024;
/** Longest time spent draining before answering (workerd's own grace period for an unread upload is 1 s). */
export const DISCARD_MAX_MS = 2_000;

/** A request body's reader, owned by whoever read the body. */
export type BodyReader = ReadableStreamDefaultReader<Uint8Array>;

/**
 * Reads `reader` and drops what it reads until the body ends, `maxBytes` were read or `maxMs`
 * passed. Resolves true when the body ended (or failed: either way nothing more will come), false
 * when it is still arriving; the reader is then left as it is, for the caller to linger or cancel.
 */
export async function discardRest(reader: BodyReader, maxBytes = DISCARD_MAX_BYTES, maxMs = DISCARD_MAX_MS): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), maxMs);
  });
  let bytes = 0;
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), timedOut]);
      if (next === "timeout") return false;
      if (next.done) return true;
      bytes += next.value.byteLength;
      if (bytes > maxBytes) return false;
    }
  } catch {
    return true;
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}

/** Cancels a body that will not be read further; never throws. */
export async function cancelBody(reader: BodyReader, reason: string): Promise<void> {
  await reader.cancel(reason).catch(() => undefined);
}

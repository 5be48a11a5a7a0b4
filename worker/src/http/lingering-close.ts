import { cancelBody, discardRest } from "./discard-body.ts";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.ts";
import type { BodyReader } from "./discard-body.ts";

/** Longest time the connection stays open, reading and dropping, after the answer to a refused body went out. */
export const LINGER_MAX_MS = 5_000;

/**
 * Lingering close, as Apache and nginx do it (`lingering_close`), for a body refused while it was
 * still arriving (a chunked body that never ends, a sender that ignores the answer): the answer is
 * sent at once with its Content-Length, but the response stays open, and the request body is read
 * and dropped, until the sender stops or {@link LINGER_MAX_MS} passes.
 *
 * Why: closing a socket whose peer is still writing makes the kernel send a reset, and a reset
 * can destroy the answer before the sender read it; through `wrangler dev`'s proxy it became a
 * 503 "Your worker restarted mid-request" or a dropped connection instead of our 413 (issue 11,
 * item 6). Workers cannot close a connection themselves, but a response still streaming keeps the
 * request, and so its body, alive; a sender that has read the whole answer (its length is
 * declared) stops writing, and the drain ends with it.
 *
 * Mount first (`app.use("*", lingeringClose)`); readers register an unfinished body through
 * `c.get("lingerOn")`.
 */
export const lingeringClose: MiddlewareHandler<AppEnv> = async (c, next) => {
  let unfinished: BodyReader | undefined;
  c.set("lingerOn", (reader) => {
    unfinished = reader;
  });
  await next();
  if (unfinished !== undefined) c.res = await lingerAfter(c.res, unfinished);
};

async function lingerAfter(response: Response, reader: BodyReader): Promise<Response> {
  const body = new Uint8Array(await response.arrayBuffer());
  const { readable, writable } = new FixedLengthStream(body.byteLength);
  const writer = writable.getWriter();
  // Not awaited: the response must go out first. The writes resolve as the client reads.
  void (async () => {
    try {
      await writer.write(body);
      await discardRest(reader, Number.POSITIVE_INFINITY, LINGER_MAX_MS);
    } finally {
      await cancelBody(reader, "request refused; lingering close over");
      await writer.close().catch(() => undefined);
    }
  })();
  return new Response(readable, { status: response.status, statusText: response.statusText, headers: response.headers });
}

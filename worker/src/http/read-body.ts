import { collect, LimitExceeded, tooLarge } from "./collect.ts";
import { cancelBody, discardRest } from "./discard-body.ts";
import type { BodyReader } from "./discard-body.ts";
import { inflateFrom } from "./inflate.ts";
import type { ContentCoding } from "../otlp/content-negotiation.ts";
import type { BodyLimits } from "../config.ts";

/**
 * Reads a request body under both size limits, inflating gzip/deflate on the way. Every body
 * reader of the Worker goes through here (OTLP exports, JSON API bodies, query forms).
 *
 * Cost model: the compressed bytes are counted as they stream into DecompressionStream (a
 * slice at a time, see inflate.ts), and the inflated bytes are counted as they are read;
 * the moment either count passes its limit reading stops, so a gzip bomb costs at most
 * `maxDecompressedBytes` (plus one chunk) of memory and the work to inflate that much, never
 * its full size. `Content-Length` is checked first when present, before a byte is read, but
 * the counting does not trust it: it may be absent (chunked) or wrong.
 *
 * A body refused part-way is drained, within a budget, before the refusal is answered
 * (discard-body.ts says why): the connection it came on stays usable for the next request. One
 * still arriving past the budget goes to `lingerOn` (lingering-close.ts), or is cancelled.
 */
export async function readBody(request: Request, coding: ContentCoding, limits: BodyLimits, lingerOn?: (reader: BodyReader) => void): Promise<Uint8Array> {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limits.maxBodyBytes) {
    // Not a byte read: workerd drains or closes an untouched body itself.
    throw tooLarge(`body of ${declared.trim()} bytes (Content-Length)`, "MAX_BODY_BYTES", limits.maxBodyBytes);
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  // read() reports the error; workerd would also report the `closed` promise as unhandled.
  reader.closed.catch(() => undefined);
  try {
    if (coding !== "identity") return await inflateFrom(reader, coding, limits.maxDecompressedBytes, limits.maxBodyBytes);
    try {
      return await collect(reader, limits.maxBodyBytes);
    } catch (error) {
      if (error instanceof LimitExceeded) throw tooLarge("body", "MAX_BODY_BYTES", limits.maxBodyBytes);
      throw error;
    }
  } catch (error) {
    if (!(await discardRest(reader))) {
      if (lingerOn !== undefined) lingerOn(reader);
      else await cancelBody(reader, "request refused; the rest of its body exceeds the discard budget");
    }
    throw error;
  }
}

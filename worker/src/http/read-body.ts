import { HttpError } from "./http-error.ts";
import type { ContentCoding } from "../otlp/content-negotiation.ts";
import type { BodyLimits } from "../config.ts";

/**
 * Reads a request body under both size limits, inflating gzip/deflate on the way.
 *
 * Cost model: the compressed bytes are counted as they stream into DecompressionStream (a
 * slice at a time, see LockstepFeed), and the inflated bytes are counted as they are read;
 * the moment either count passes its limit the streams are cancelled, so a gzip bomb costs
 * at most `maxDecompressedBytes` (plus one chunk) of memory and the work to inflate that
 * much, never its full size. `Content-Length` is checked first when present, but the
 * counting does not trust it: it may be absent (chunked) or wrong.
 */
export async function readBody(request: Request, coding: ContentCoding, limits: BodyLimits): Promise<Uint8Array> {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limits.maxBodyBytes) {
    throw tooLarge(`body of ${declared.trim()} bytes (Content-Length)`, "MAX_BODY_BYTES", limits.maxBodyBytes);
  }
  if (request.body === null) return new Uint8Array(0);
  if (coding === "identity") {
    try {
      return await collect(request.body, limits.maxBodyBytes);
    } catch (error) {
      if (error instanceof LimitExceeded) throw tooLarge("body", "MAX_BODY_BYTES", limits.maxBodyBytes);
      throw error;
    }
  }
  return inflate(request.body, coding, limits.maxDecompressedBytes, limits.maxBodyBytes);
}

/**
 * Inflates `source` (gzip or zlib-wrapped deflate) and returns the bytes, reading no more of
 * `source` than it takes to produce `maxBytes + 1` bytes: past the limit it cancels the
 * stream and throws 413. More than `maxSourceBytes` of input is also 413 (MAX_BODY_BYTES).
 * A body that is not valid for its coding is 400.
 */
export async function inflate(
  source: ReadableStream<Uint8Array>,
  coding: Exclude<ContentCoding, "identity">,
  maxBytes: number,
  maxSourceBytes = Number.POSITIVE_INFINITY,
): Promise<Uint8Array> {
  const feed = new LockstepFeed(source, maxSourceBytes);
  try {
    const inflated = await collect(feed.stream.pipeThrough(new DecompressionStream(coding)), maxBytes);
    // The input may have been cut at the limit exactly where a gzip member ended.
    if (feed.exceeded) throw tooLarge("body", "MAX_BODY_BYTES", maxSourceBytes);
    return inflated;
  } catch (error) {
    if (error instanceof LimitExceeded) {
      throw tooLarge("decompressed body", "MAX_DECOMPRESSED_BYTES", maxBytes, ", inflation stopped there");
    }
    // Past the input limit the feed ends the input early and the decompressor then fails on
    // the truncated data: the feed's flag, not the error, says which limit was hit.
    if (feed.exceeded) throw tooLarge("body", "MAX_BODY_BYTES", maxSourceBytes);
    if (error instanceof HttpError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new HttpError(400, `body is not valid ${coding} data (Content-Encoding: ${coding}): ${reason}`, {}, error);
  } finally {
    feed.stop();
  }
}

/** Input slice fed to the decompressor at a time: at zlib's worst ratio (about 1:1032) 16 MiB of output. */
const SLICE_BYTES = 16 * 1024;

/**
 * The compressed input, handed to the decompressor one slice per event-loop turn, so that
 * `collect` drains what a slice produced (and stops at its limit) before the next is read.
 * Without it, a pipe reads the source as fast as the decompressor accepts input, and
 * workerd's DecompressionStream accepts all of it at once: a bomb would be read whole. (A
 * hand-written pump into the decompressor's writer would also do, but workerd then reports a
 * decompression error as an unhandled rejection; pipeThrough does not.)
 */
class LockstepFeed {
  /** The stream to pipe into the decompressor. */
  readonly stream: ReadableStream<Uint8Array>;
  /** Compressed bytes read from the source so far. */
  bytes = 0;
  /** True once `bytes` passed the input limit. */
  exceeded = false;
  private stopped = false;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(source: ReadableStream<Uint8Array>, maxBytes: number) {
    const reader = source.getReader();
    reader.closed.catch(() => undefined);
    this.reader = reader;
    let pending: Uint8Array = new Uint8Array(0);
    this.stream = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          if (this.bytes > 0) await nextTurn();
          if (this.stopped) return;
          while (pending.byteLength === 0) {
            const { done, value } = await reader.read();
            if (done) {
              controller.close();
              return;
            }
            this.bytes += value.byteLength;
            if (this.bytes > maxBytes) {
              this.exceeded = true;
              await reader.cancel("body size limit exceeded").catch(() => undefined);
              // Ending the input (rather than erroring it) leaves a single error in flight, the
              // decompressor's own; `inflate` reads `exceeded` to answer 413 either way.
              controller.close();
              return;
            }
            pending = value;
          }
          controller.enqueue(pending.subarray(0, SLICE_BYTES));
          pending = pending.subarray(SLICE_BYTES);
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    );
  }

  /** Stops feeding and releases the source (the reader is done, by success or error). */
  stop(): void {
    this.stopped = true;
    this.reader.cancel("body reading finished").catch(() => undefined);
  }
}

/** Resolves after pending I/O callbacks and microtasks ran (a macrotask boundary). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Thrown inside `collect` when the stream yields more than allowed; the stream is already cancelled. */
class LimitExceeded extends Error {}

/** Reads a stream into one array; past `maxBytes` cancels the stream and throws LimitExceeded. */
async function collect(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  // read() reports the error; workerd would also report the `closed` promise as unhandled.
  reader.closed.catch(() => undefined);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel("body size limit exceeded").catch(() => undefined);
      throw new LimitExceeded(`more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function tooLarge(what: string, variable: string, limit: number, detail = ""): HttpError {
  return new HttpError(413, `${what} exceeds ${variable} (${limit} bytes)${detail}; send smaller batches`);
}

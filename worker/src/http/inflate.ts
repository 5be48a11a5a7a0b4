import { HttpError } from "./http-error.ts";
import { collect, LimitExceeded, tooLarge } from "./collect.ts";
import type { ContentCoding } from "../otlp/content-negotiation.ts";

/**
 * Inflates `source` (gzip or zlib-wrapped deflate) and returns the bytes, reading no more of
 * `source` than it takes to produce `maxBytes + 1` bytes: past the limit it stops and throws 413.
 * More than `maxSourceBytes` of input is also 413 (MAX_BODY_BYTES). A body that is not valid for
 * its coding is 400. The stream is cancelled once inflation ends, whatever the outcome.
 */
export async function inflate(
  source: ReadableStream<Uint8Array>,
  coding: Exclude<ContentCoding, "identity">,
  maxBytes: number,
  maxSourceBytes = Number.POSITIVE_INFINITY,
): Promise<Uint8Array> {
  const reader = source.getReader();
  reader.closed.catch(() => undefined);
  try {
    return await inflateFrom(reader, coding, maxBytes, maxSourceBytes);
  } finally {
    reader.cancel("body reading finished").catch(() => undefined);
  }
}

/**
 * {@link inflate} from a reader that the caller owns: the reader is left where inflation
 * stopped (not cancelled), so that a refused request body can be drained (discard-body.ts).
 */
export async function inflateFrom(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  coding: Exclude<ContentCoding, "identity">,
  maxBytes: number,
  maxSourceBytes = Number.POSITIVE_INFINITY,
): Promise<Uint8Array> {
  const feed = new LockstepFeed(reader, maxSourceBytes);
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
 * decompression error as an unhandled rejection; pipeThrough does not.) The feed never cancels
 * the source: its owner drains or cancels it.
 */
class LockstepFeed {
  /** The stream to pipe into the decompressor. */
  readonly stream: ReadableStream<Uint8Array>;
  /** Compressed bytes read from the source so far. */
  bytes = 0;
  /** True once `bytes` passed the input limit. */
  exceeded = false;
  private stopped = false;

  constructor(reader: ReadableStreamDefaultReader<Uint8Array>, maxBytes: number) {
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
        cancel: () => {
          this.stopped = true;
        },
      },
      { highWaterMark: 0 },
    );
  }

  /** Stops feeding (inflation is done, by success or error); the source is left to its owner. */
  stop(): void {
    this.stopped = true;
  }
}

/** Resolves after pending I/O callbacks and microtasks ran (a macrotask boundary). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

import { HttpError } from "./http-error.ts";

/** Thrown by `collect` when the stream yields more than allowed. */
export class LimitExceeded extends Error {}

/**
 * Reads a stream (or a reader the caller owns) into one array. Past `maxBytes` it throws
 * LimitExceeded; a stream it opened itself is cancelled first, a caller's reader is left as it is.
 */
export async function collect(source: ReadableStream<Uint8Array> | ReadableStreamDefaultReader<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const owned = source instanceof ReadableStream;
  const reader = owned ? source.getReader() : source;
  // read() reports the error; workerd would also report the `closed` promise as unhandled.
  if (owned) reader.closed.catch(() => undefined);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      if (owned) await reader.cancel("body size limit exceeded").catch(() => undefined);
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

/** The 413 that names the limit hit and the variable that sets it. */
export function tooLarge(what: string, variable: string, limit: number, detail = ""): HttpError {
  return new HttpError(413, `${what} exceeds ${variable} (${limit} bytes)${detail}; send smaller batches`);
}

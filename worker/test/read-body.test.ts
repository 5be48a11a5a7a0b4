import { describe, expect, it } from "vitest";
import { HttpError } from "../src/http/http-error.ts";
import { inflate } from "../src/http/inflate.ts";
import { DISCARD_MAX_BYTES } from "../src/http/discard-body.ts";
import { readBody } from "../src/http/read-body.ts";
import { compress, countingSource } from "./support/compress.ts";

const MiB = 1024 * 1024;
const limits = { maxBodyBytes: 64 * 1024, maxDecompressedBytes: MiB };

function post(body: BodyInit, headers: Record<string, string> = {}): Request {
  return new Request("http://driftline.test/v1/logs", { method: "POST", body, headers });
}

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

describe("inflate", () => {
  it("stops reading a gzip bomb soon after the decompressed limit", async () => {
    // 64 MiB of zeros gzip to about 64 KiB; inflating 1 MiB of it takes about 1 KiB of input.
    const bomb = await compress(new Uint8Array(64 * MiB), "gzip");
    const source = countingSource(bomb, 1024);
    const error = await rejection(inflate(source.stream, "gzip", MiB));
    expect(error.status).toBe(413);
    expect(error.message).toContain(`MAX_DECOMPRESSED_BYTES (${MiB} bytes)`);
    // Reading the whole bomb would pull all of it; stopping at the limit pulls a small fraction.
    expect(source.pulledBytes()).toBeLessThan(bomb.length / 4);
  });

  it("returns a deflate (zlib) body inflated", async () => {
    const text = new TextEncoder().encode("x".repeat(10_000));
    const source = countingSource(await compress(text, "deflate"), 100);
    expect(await inflate(source.stream, "deflate", MiB)).toEqual(text);
  });

  it("answers 400 naming the coding when a gzip body is corrupt", async () => {
    const source = countingSource(new TextEncoder().encode("this is not gzip at all"), 100);
    const error = await rejection(inflate(source.stream, "gzip", MiB));
    expect(error.status).toBe(400);
    expect(error.message).toContain("not valid gzip");
  });

  it("answers 400 when a gzip body is cut short", async () => {
    const gzipped = await compress(new Uint8Array(10_000).fill(7), "gzip");
    const source = countingSource(gzipped.subarray(0, gzipped.length - 10), 100);
    const error = await rejection(inflate(source.stream, "gzip", MiB));
    expect(error.status).toBe(400);
  });
});

describe("readBody", () => {
  it("refuses a declared Content-Length over MAX_BODY_BYTES before reading", async () => {
    // The stream would never end: only the header can have caused the answer.
    const endless = new ReadableStream<Uint8Array>({ pull: (controller) => controller.enqueue(new Uint8Array(1024)) });
    const request = post(endless, { "Content-Length": String(limits.maxBodyBytes + 1) });
    const error = await rejection(readBody(request, "identity", limits));
    expect(error.status).toBe(413);
    expect(error.message).toContain(`body of ${limits.maxBodyBytes + 1} bytes (Content-Length) exceeds MAX_BODY_BYTES (${limits.maxBodyBytes} bytes)`);
  });

  it("counts a body sent without Content-Length and refuses it past MAX_BODY_BYTES", async () => {
    const source = countingSource(new Uint8Array(limits.maxBodyBytes * 4), 4096);
    const request = post(source.stream);
    expect(request.headers.get("Content-Length")).toBeNull();
    const error = await rejection(readBody(request, "identity", limits));
    expect(error.status).toBe(413);
    expect(error.message).toContain(`exceeds MAX_BODY_BYTES (${limits.maxBodyBytes} bytes)`);
    // The rest was read and dropped (the connection can carry the next request), not kept.
    expect(source.pulledBytes()).toBe(limits.maxBodyBytes * 4);
  });

  it("answers a body that never ends at the limit, draining no more than the discard budget", async () => {
    let pulledBytes = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull: (controller) => {
        pulledBytes += 4096;
        controller.enqueue(new Uint8Array(4096));
      },
    }, { highWaterMark: 0 });
    const error = await rejection(readBody(post(endless), "identity", limits));
    expect(error.status).toBe(413);
    expect(pulledBytes).toBeGreaterThan(limits.maxBodyBytes);
    expect(pulledBytes).toBeLessThanOrEqual(limits.maxBodyBytes + DISCARD_MAX_BYTES + 2 * 4096);
  });

  it("applies MAX_BODY_BYTES to the compressed bytes of a gzip body", async () => {
    // Random bytes do not compress, so the gzip body is larger than the limit on the wire.
    const noise = new Uint8Array(limits.maxBodyBytes * 2);
    for (let i = 0; i < noise.length; i += 65536) crypto.getRandomValues(noise.subarray(i, i + 65536));
    const gzipped = await compress(noise, "gzip");
    const error = await rejection(readBody(post(countingSource(gzipped, 4096).stream), "gzip", limits));
    expect(error.status).toBe(413);
    expect(error.message).toContain("MAX_BODY_BYTES");
  });

  it("refuses a gzip body that inflates past MAX_DECOMPRESSED_BYTES", async () => {
    const gzipped = await compress(new Uint8Array(4 * MiB), "gzip");
    const error = await rejection(readBody(post(gzipped), "gzip", limits));
    expect(error.status).toBe(413);
    expect(error.message).toContain(`decompressed body exceeds MAX_DECOMPRESSED_BYTES (${MiB} bytes)`);
  });

  it("returns an identity body unchanged, and an empty one as zero bytes", async () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    expect(await readBody(post(bytes), "identity", limits)).toEqual(bytes);
    expect(await readBody(new Request("http://driftline.test/", { method: "POST" }), "identity", limits)).toEqual(new Uint8Array(0));
  });
});

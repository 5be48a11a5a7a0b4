/**
 * A raw HTTP/1.1 client over one `node:net` socket, for tests that depend on what happens to a
 * connection (keep-alive after a refused body, a chunked body that never ends) rather than on
 * what `fetch` hides: requests are written byte for byte, responses parsed one at a time.
 */
import { connect } from "node:net";
import type { Socket } from "node:net";

/** One parsed response. */
export type RawResponse = { status: number; headers: Record<string, string>; body: Buffer };

/** How a request's body is framed on the wire. */
export type RawBody =
  | { framing: "length"; bytes: Uint8Array }
  | { framing: "chunked"; bytes: Uint8Array; chunkBytes?: number }
  /** Chunks of `chunkBytes` for as long as the connection is open and `maxBytes` not reached. */
  | { framing: "endless"; chunkBytes: number; maxBytes: number };

/** A keep-alive connection to `url`'s host; close it with `close()`. */
export class RawConnection {
  private readonly socket: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private closedFlag = false;
  /** Body bytes written so far by the last request (endless bodies stop when the peer answers or closes). */
  sentBodyBytes = 0;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (data: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, data]);
      this.wake();
    });
    socket.on("close", () => {
      this.closedFlag = true;
      this.wake();
    });
    socket.on("error", () => undefined);
  }

  /** Opens a connection to the host and port of `url`. */
  static async open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new RawConnection(socket);
  }

  /** True once the peer closed the connection. */
  get closed(): boolean {
    return this.closedFlag;
  }

  /** Writes one request; the body is written in the background (an endless one until the peer answers). */
  send(method: string, path: string, headers: Record<string, string>, body?: RawBody): void {
    const lines = [`${method} ${path} HTTP/1.1`, "Host: driftline.test"];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    if (body?.framing === "length") lines.push(`Content-Length: ${body.bytes.byteLength}`);
    else if (body !== undefined) lines.push("Transfer-Encoding: chunked");
    this.socket.write(`${lines.join("\r\n")}\r\n\r\n`);
    this.sentBodyBytes = 0;
    if (body === undefined) return;
    if (body.framing === "length") {
      this.socket.write(body.bytes);
      this.sentBodyBytes = body.bytes.byteLength;
      return;
    }
    if (body.framing === "chunked") {
      const size = body.chunkBytes ?? 64 * 1024;
      for (let offset = 0; offset < body.bytes.byteLength; offset += size) this.writeChunk(body.bytes.subarray(offset, offset + size));
      this.socket.write("0\r\n\r\n");
      return;
    }
    void this.pumpEndless(body.chunkBytes, body.maxBytes);
  }

  /** The next response, or an error when none arrives within `timeoutMs` or the connection closes first. */
  async response(timeoutMs: number): Promise<RawResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = this.parse();
      if (parsed !== undefined) return parsed;
      if (this.closedFlag) throw new Error("connection closed before a complete response");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no response within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Closes the connection. */
  close(): void {
    this.socket.destroy();
  }

  private writeChunk(bytes: Uint8Array): boolean {
    this.socket.write(`${bytes.byteLength.toString(16)}\r\n`);
    this.socket.write(bytes);
    this.sentBodyBytes += bytes.byteLength;
    return this.socket.write("\r\n");
  }

  private async pumpEndless(chunkBytes: number, maxBytes: number): Promise<void> {
    const chunk = new Uint8Array(chunkBytes).fill(0x61);
    const answeredBefore = this.buffer.byteLength;
    while (!this.closedFlag && this.sentBodyBytes < maxBytes && this.buffer.byteLength === answeredBefore) {
      if (!this.writeChunk(chunk)) await new Promise<void>((resolve) => { this.socket.once("drain", resolve); this.waiters.push(resolve); });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Takes one complete response off the buffer, if there is one (Content-Length or chunked). */
  private parse(): RawResponse | undefined {
    const headEnd = this.buffer.indexOf("\r\n\r\n");
    if (headEnd < 0) return undefined;
    const [statusLine, ...headerLines] = this.buffer.subarray(0, headEnd).toString("latin1").split("\r\n");
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? NaN);
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    let offset = headEnd + 4;
    let body: Buffer;
    if (headers["transfer-encoding"]?.toLowerCase() === "chunked") {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = this.buffer.indexOf("\r\n", offset);
        if (lineEnd < 0) return undefined;
        const size = parseInt(this.buffer.subarray(offset, lineEnd).toString("latin1"), 16);
        if (this.buffer.byteLength < lineEnd + 2 + size + 2) return undefined;
        parts.push(this.buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
        offset = lineEnd + 2 + size + 2;
        if (size === 0) break;
      }
      body = Buffer.concat(parts);
    } else {
      const length = Number(headers["content-length"] ?? 0);
      if (this.buffer.byteLength < offset + length) return undefined;
      body = Buffer.from(this.buffer.subarray(offset, offset + length));
      offset += length;
    }
    this.buffer = this.buffer.subarray(offset);
    return { status, headers, body };
  }
}

/**
 * Prometheus remote write (protocol 1.0) from the tests: a `WriteRequest` protobuf written by
 * hand and framed as Snappy's block format with literals only (valid Snappy that any decoder
 * reads; no compression is needed on loopback), POSTed to a Prometheus started with
 * `--web.enable-remote-write-receiver`. Sample values are copied bit for bit, so a stale marker
 * (Prometheus' StaleNaN) arrives as one.
 */
import type { SeriesData } from "@driftline/collector/promql";

class Writer {
  private bytes: number[] = [];

  varint(value: number): void {
    let v = BigInt(value);
    if (v < 0n) v += 1n << 64n;
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  raw(bytes: Uint8Array | number[]): void {
    for (const b of bytes) this.bytes.push(b);
  }

  lengthDelimited(field: number, body: Uint8Array): void {
    this.tag(field, 2);
    this.varint(body.length);
    this.raw(body);
  }

  done(): Uint8Array<ArrayBuffer> {
    return Uint8Array.from(this.bytes);
  }
}

function label(name: string, value: string): Uint8Array {
  const w = new Writer();
  w.lengthDelimited(1, new TextEncoder().encode(name));
  w.lengthDelimited(2, new TextEncoder().encode(value));
  return w.done();
}

function sample(values: Float64Array, i: number, timestampMs: number): Uint8Array {
  const w = new Writer();
  w.tag(1, 1);
  // The value's eight bytes as they are in memory (little-endian, as protobuf's fixed64).
  w.raw(new Uint8Array(values.buffer, values.byteOffset + i * 8, 8));
  w.tag(2, 0);
  w.varint(timestampMs);
  return w.done();
}

/** The protobuf `WriteRequest` for these series. */
export function writeRequest(series: SeriesData[]): Uint8Array<ArrayBuffer> {
  const request = new Writer();
  for (const s of series) {
    const ts = new Writer();
    for (const name of Object.keys(s.labels).sort()) ts.lengthDelimited(1, label(name, s.labels[name]));
    for (let i = 0; i < s.timestamps.length; i++) ts.lengthDelimited(2, sample(s.values, i, s.timestamps[i]));
    request.lengthDelimited(1, ts.done());
  }
  return request.done();
}

/** Snappy block format, one literal: the uncompressed length, then the bytes as they are. */
export function snappyLiteral(data: Uint8Array): Uint8Array<ArrayBuffer> {
  const w = new Writer();
  w.varint(data.length);
  if (data.length > 0) {
    // Tag 63 << 2: a literal whose length − 1 follows in four little-endian bytes.
    const n = data.length - 1;
    w.raw([63 << 2, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]);
    w.raw(data);
  }
  return w.done();
}

/** POSTs the series to Prometheus' remote-write receiver; throws with its answer unless 2xx. */
export async function remoteWrite(prometheusUrl: string, series: SeriesData[]): Promise<void> {
  const response = await fetch(`${prometheusUrl}/api/v1/write`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-protobuf",
      "Content-Encoding": "snappy",
      "X-Prometheus-Remote-Write-Version": "0.1.0",
    },
    body: new Blob([snappyLiteral(writeRequest(series))]),
  });
  if (response.status < 200 || response.status >= 300) throw new Error(`remote write answered ${response.status}: ${await response.text()}`);
}

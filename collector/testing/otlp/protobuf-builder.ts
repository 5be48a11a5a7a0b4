/**
 * Hand-built protobuf for tests: bodies the OpenTelemetry SDK would never produce (unknown
 * fields, unpacked repeated scalars, wrong wire types, hostile lengths). Each function returns
 * the bytes of one field; `message` concatenates fields into a body.
 */

type Part = Uint8Array | readonly number[];

/** Concatenates fields. */
export function message(...parts: Part[]): Uint8Array {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A varint's bytes; negative numbers as 64-bit two's complement (ten bytes), like int64. */
export function varintBytes(value: number | bigint): number[] {
  let rest = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return bytes;
}

/** A field tag. */
export function tag(fieldNumber: number, wireType: number): number[] {
  return varintBytes(fieldNumber * 8 + wireType);
}

/** A varint field (int32, int64, uint64, bool, enum). */
export function varintField(fieldNumber: number, value: number | bigint): number[] {
  return [...tag(fieldNumber, 0), ...varintBytes(value)];
}

/** A sint32 field (zigzag). */
export function sint32Field(fieldNumber: number, value: number): number[] {
  return varintField(fieldNumber, ((value << 1) ^ (value >> 31)) >>> 0);
}

/** A length-delimited field holding the concatenated parts (a message, bytes or a packed run). */
export function lenField(fieldNumber: number, ...parts: Part[]): Uint8Array {
  const payload = message(...parts);
  return message(tag(fieldNumber, 2), varintBytes(payload.length), payload);
}

/** A string field. */
export function stringField(fieldNumber: number, text: string): Uint8Array {
  return lenField(fieldNumber, new TextEncoder().encode(text));
}

/** The eight little-endian bytes of a fixed64. */
export function fixed64Bytes(value: bigint): number[] {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt.asUintN(64, value), true);
  return [...new Uint8Array(view.buffer)];
}

/** The eight little-endian bytes of a double. */
export function doubleBytes(value: number): number[] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value, true);
  return [...new Uint8Array(view.buffer)];
}

/** A fixed64 / sfixed64 field. */
export function fixed64Field(fieldNumber: number, value: bigint): number[] {
  return [...tag(fieldNumber, 1), ...fixed64Bytes(value)];
}

/** A double field. */
export function doubleField(fieldNumber: number, value: number): number[] {
  return [...tag(fieldNumber, 1), ...doubleBytes(value)];
}

/** A fixed32 field. */
export function fixed32Field(fieldNumber: number, value: number): number[] {
  return [...tag(fieldNumber, 5), value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24];
}

/** A KeyValue attribute (as field `fieldNumber` of its parent) whose AnyValue holds `anyValueFields`. */
export function attributeField(fieldNumber: number, key: string, ...anyValueFields: Part[]): Uint8Array {
  return lenField(fieldNumber, stringField(1, key), lenField(2, ...anyValueFields));
}

/** An ExportLogsServiceRequest with one resource, one scope and the given LogRecord bodies. */
export function logsRequest(...logRecords: Part[][]): Uint8Array {
  return lenField(1, lenField(2, ...logRecords.map((fields) => lenField(2, ...fields))));
}

/** An ExportMetricsServiceRequest with one resource, one scope and the given Metric bodies. */
export function metricsRequest(...metrics: Part[][]): Uint8Array {
  return lenField(1, lenField(2, ...metrics.map((fields) => lenField(2, ...fields))));
}

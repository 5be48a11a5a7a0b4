/**
 * Just enough protobuf for the tests: build a small ExportLogsServiceRequest, and read back the
 * two response messages the Worker sends (google.rpc.Status and Export*ServiceResponse).
 */
import { ProtobufWriter } from "@driftline/collector/otlp";

/** An ExportLogsServiceRequest with `count` `ml.prediction` log records and no model id. */
export function logsRequestProtobuf(count: number): Uint8Array {
  const scopeLogs = new ProtobufWriter();
  for (let i = 0; i < count; i++) {
    scopeLogs.message(2, new ProtobufWriter().int64(2, 9).string(3, "INFO").string(12, "ml.prediction"));
  }
  return new ProtobufWriter().message(1, new ProtobufWriter().message(2, scopeLogs)).finish();
}

/** google.rpc.Status as decoded from protobuf: code (field 1) and message (field 2). */
export function readStatus(bytes: Uint8Array): { code: number; message: string } {
  const fields = readFields(bytes);
  return { code: Number(fields.get(1) ?? 0), message: decodeText(fields.get(2)) };
}

/** Export*ServiceResponse.partial_success as decoded from protobuf; undefined when absent. */
export function readPartialSuccess(bytes: Uint8Array): { rejected: number; errorMessage: string } | undefined {
  const partial = readFields(bytes).get(1);
  if (partial === undefined) return undefined;
  if (!(partial instanceof Uint8Array)) throw new Error("partial_success is not a message");
  const fields = readFields(partial);
  return { rejected: Number(fields.get(1) ?? 0), errorMessage: decodeText(fields.get(2)) };
}

function decodeText(value: number | Uint8Array | undefined): string {
  if (value === undefined) return "";
  if (!(value instanceof Uint8Array)) throw new Error("expected a length-delimited field");
  return new TextDecoder().decode(value);
}

/** Top-level fields of a message: varints as numbers, length-delimited fields as bytes. */
function readFields(bytes: Uint8Array): Map<number, number | Uint8Array> {
  const fields = new Map<number, number | Uint8Array>();
  let offset = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (offset >= bytes.length) throw new Error("truncated varint");
      const byte = bytes[offset++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
  };
  while (offset < bytes.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (wireType === 0) fields.set(field, varint());
    else if (wireType === 2) {
      const length = varint();
      if (offset + length > bytes.length) throw new Error("truncated field");
      fields.set(field, bytes.subarray(offset, offset + length));
      offset += length;
    } else throw new Error(`unexpected wire type ${wireType}`);
  }
  return fields;
}

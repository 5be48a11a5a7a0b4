import { encodeExportResponse, encodeStatus, otlpContentTypes } from "@driftline/collector/otlp";
import type { OtlpFormat } from "@driftline/collector/otlp";
import type { Signal } from "@driftline/collector/otlp";

/**
 * google.rpc.Code for each HTTP status Driftline answers on /v1/*, following the mapping in
 * google/rpc/code.proto (the code an OTLP/gRPC server would have sent for the same failure).
 */
const RPC_CODE: Readonly<Record<number, number>> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  405: 12, // UNIMPLEMENTED
  413: 8, // RESOURCE_EXHAUSTED
  415: 3, // INVALID_ARGUMENT
  429: 8, // RESOURCE_EXHAUSTED
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE
};
const UNKNOWN = 2;

/**
 * The 200 answer to an export: an empty Export*ServiceResponse when nothing was rejected
 * (zero bytes for protobuf, `{}` for JSON: an OTel Collector drops data when a 2xx body does
 * not parse), else one carrying partial_success with the rejected count and the message.
 */
export function exportSuccess(signal: Signal, format: OtlpFormat, rejected: number, message: string): Response {
  const body = encodeExportResponse(signal, format, { rejected, errorMessage: message });
  return new Response(body, { status: 200, headers: { "Content-Type": otlpContentTypes[format] } });
}

/** An error answer on /v1/*: a google.rpc.Status in `format`, with `headers` added. */
export function exportFailure(format: OtlpFormat, status: number, message: string, headers: Readonly<Record<string, string>>): Response {
  const body = encodeStatus(format, { code: RPC_CODE[status] ?? UNKNOWN, message });
  return new Response(body, { status, headers: { ...headers, "Content-Type": otlpContentTypes[format] } });
}

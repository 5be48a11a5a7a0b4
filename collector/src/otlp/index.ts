/**
 * OTLP for Driftline: request decoding (protobuf and JSON into the records of types.ts) and
 * response encoding (export responses with partial_success, google.rpc.Status).
 */
export { decodeOtlp, defaultDecodeOptions } from "./decode.ts";
export type { DecodeOptions, OtlpData } from "./decode.ts";
export { OtlpDecodeError } from "./errors.ts";
export type { OtlpFormat } from "./errors.ts";
export { encodeExportResponse, encodeStatus, otlpContentTypes, RpcCode } from "./response.ts";
export type { PartialSuccess, RpcStatus } from "./response.ts";
export { decodeBase64 } from "./base64.ts";
export { ProtobufWriter } from "./protobuf-writer.ts";
export { Signal } from "./types.ts";
export type { LogsData, MetricsData, TracesData } from "./types.ts";

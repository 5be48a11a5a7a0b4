// Runs in the Worker isolate (edge). otlp/ is the OTLP/HTTP receiver (/v1/logs, /v1/metrics,
// /v1/traces): content negotiation, decode and fold, then one RPC per model.
import { HttpError } from "../http/http-error.ts";
import type { OtlpFormat } from "@driftline/collector/otlp";

/** The codings OTLP/HTTP senders use; "identity" means none. `deflate` is zlib (RFC 1950). */
export type ContentCoding = "identity" | "gzip" | "deflate";

/** Media types OTLP/HTTP defines, by the format they carry. */
const MEDIA_TYPES: Readonly<Record<string, OtlpFormat>> = {
  "application/x-protobuf": "protobuf",
  "application/json": "json",
};

/**
 * The body format from `Content-Type`. Parameters are allowed only as `charset=utf-8`
 * (what some JSON senders add); anything else is 415, naming what is accepted.
 */
export function formatOf(contentType: string | undefined): OtlpFormat | undefined {
  if (contentType === undefined) return undefined;
  const [essence, ...parameters] = contentType.split(";").map((part) => part.trim().toLowerCase());
  const format = MEDIA_TYPES[essence];
  if (format === undefined) return undefined;
  for (const parameter of parameters) {
    if (parameter === "") continue;
    if (parameter.replace(/\s*=\s*/, "=").replace(/"/g, "") !== "charset=utf-8") return undefined;
  }
  return format;
}

/** Like formatOf, but a missing or unknown type is a 415 naming the accepted types. */
export function requireFormat(contentType: string | undefined): OtlpFormat {
  const format = formatOf(contentType);
  if (format === undefined) {
    const got = contentType === undefined ? "no Content-Type" : `Content-Type '${contentType}'`;
    throw new HttpError(415, `unsupported media type: got ${got}; send application/x-protobuf or application/json`);
  }
  return format;
}

/**
 * The coding from `Content-Encoding`: none, `identity`, `gzip` (also the legacy `x-gzip`) or
 * `deflate`. Others (zstd, br, stacked codings such as "gzip, gzip") are 415.
 */
export function requireCoding(contentEncoding: string | undefined): ContentCoding {
  const coding = (contentEncoding ?? "").trim().toLowerCase();
  if (coding === "" || coding === "identity") return "identity";
  if (coding === "gzip" || coding === "x-gzip") return "gzip";
  if (coding === "deflate") return "deflate";
  throw new HttpError(
    415,
    `unsupported Content-Encoding '${contentEncoding}': send gzip, deflate or no encoding`,
  );
}

import { requireCoding } from "../otlp/content-negotiation.ts";
import { HttpError } from "./http-error.ts";
import { readBody } from "./read-body.ts";
import type { BodyLimits } from "../config.ts";

/**
 * Reads a JSON request body of the API (a baseline, an alert rule, settings) under `limits`:
 * 415 unless `Content-Type: application/json`, 400 when it is not UTF-8 JSON, 413 past the limit.
 * `what` names the body in the messages ("baseline body is not JSON: …"); `limitName`, when
 * given, is the limit a 413 names instead of MAX_BODY_BYTES.
 */
export async function readJsonBody(request: Request, limits: BodyLimits, what: string, limitName?: string): Promise<unknown> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new HttpError(415, `${what} body must be Content-Type: application/json, got ${JSON.stringify(type)}`);
  let bytes: Uint8Array;
  try {
    bytes = await readBody(request, requireCoding(request.headers.get("Content-Encoding") ?? undefined), limits);
  } catch (error) {
    if (limitName !== undefined && error instanceof HttpError && error.status === 413) throw new HttpError(413, `${what} body exceeds ${limitName} (${limits.maxBodyBytes} bytes)`);
    throw error;
  }
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch (error) {
    throw new HttpError(400, `${what} body is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

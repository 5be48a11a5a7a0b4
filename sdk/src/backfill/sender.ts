import { gzipSync } from "node:zlib";
import { DriftlineHttpError } from "../baseline/upload.ts";

/** Where a backfill goes: the Worker and an ingest token (it writes data, docs/auth.md). */
export type BackfillTarget = {
  /** The Worker's base URL, e.g. `http://127.0.0.1:8787`. */
  endpoint: string;
  /** An ingest token. */
  token: string;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch;
};

/** What the Worker said of one request: records it refused (OTLP partial_success) and why. */
export type SendOutcome = { rejected: number; message: string };

/** Attempts per request when the Worker answers 429 or 503 (or the connection fails): then the backfill stops. */
const MAX_ATTEMPTS = 8;
/** The wait before a retry when the answer names none, doubled per attempt (capped at 30 s). */
const FIRST_BACKOFF_MS = 500;

/**
 * Posts one OTLP/JSON logs request (gzipped) and reads its partial_success. Retries what OTLP
 * says to retry (429, 503 with their Retry-After; a failed connection) with backoff, at most
 * MAX_ATTEMPTS times; any other non-2xx is a DriftlineHttpError carrying the Worker's message.
 */
export async function sendLogs(target: BackfillTarget, json: string): Promise<SendOutcome> {
  const doFetch = target.fetch ?? fetch;
  const body = gzipSync(json);
  let backoffMs = FIRST_BACKOFF_MS;
  for (let attempt = 1; ; attempt++) {
    let response: Response | undefined;
    try {
      response = await doFetch(`${target.endpoint}/v1/logs`, {
        method: "POST",
        headers: { Authorization: `Bearer ${target.token}`, "Content-Type": "application/json", "Content-Encoding": "gzip" },
        body,
      });
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`POST /v1/logs failed ${attempt} times`, { cause: error });
    }
    if (response !== undefined) {
      const text = await response.text();
      if (response.ok) return partialSuccessOf(text);
      if ((response.status !== 429 && response.status !== 503) || attempt >= MAX_ATTEMPTS) {
        throw new DriftlineHttpError(response.status, `POST /v1/logs answered ${response.status}${attempt > 1 ? ` after ${attempt} attempts` : ""}: ${messageOf(text)}`);
      }
      const retryAfterSeconds = Number(response.headers.get("Retry-After"));
      if (Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0) backoffMs = Math.max(backoffMs, retryAfterSeconds * 1000);
    }
    await new Promise((done) => setTimeout(done, backoffMs));
    backoffMs = Math.min(backoffMs * 2, 30_000);
  }
}

/** The rejected count and message of an ExportLogsServiceResponse in JSON (`{}`: none). */
export function partialSuccessOf(text: string): SendOutcome {
  if (text.trim() === "") return { rejected: 0, message: "" };
  const parsed = JSON.parse(text) as { partialSuccess?: { rejectedLogRecords?: number | string; errorMessage?: string } };
  const partial = parsed.partialSuccess;
  return { rejected: Number(partial?.rejectedLogRecords ?? 0), message: partial?.errorMessage ?? "" };
}

function messageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // Not JSON: the text itself.
  }
  return text.slice(0, 500);
}

/**
 * The console's only way out: same-origin fetches of the public JSON APIs (/api/models/… and
 * Prometheus' /api/v1/…, docs/query-api.md) with the session's read token as a bearer header.
 * PromQL goes as a POST form body, as Grafana sends it, so long queries never hit URL limits.
 */
import { readToken, signOut } from "./session.ts";

/** A request that failed: what was asked, the status, and the server's own message. */
export class ApiError extends Error {
  readonly status: number;
  readonly what: string;
  constructor(what: string, status: number, message: string) {
    super(`${what} failed${status > 0 ? ` (HTTP ${status})` : ""}: ${message}`);
    this.name = "ApiError";
    this.what = what;
    this.status = status;
  }
}

/** Raised (and the token forgotten) when the server refuses the token, so the app shows sign-in. */
export const SIGNED_OUT_EVENT = "driftline:signed-out";

async function request<T>(what: string, path: string, init: RequestInit = {}, candidate?: string): Promise<T> {
  const token = candidate ?? readToken();
  if (token === null) throw new ApiError(what, 401, "not signed in");
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { ...init.headers, Authorization: `Bearer ${token}`, Accept: "application/json" }, credentials: "omit", cache: "no-store" });
  } catch (error) {
    throw new ApiError(what, 0, `the Worker did not answer (${(error as Error).message}); is it running?`);
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch {
    // Not JSON: the message below quotes the start of the text.
  }
  // A refused session token signs the tab out (a candidate being checked never was signed in).
  if ((response.status === 401 || response.status === 403) && candidate === undefined) {
    signOut();
    window.dispatchEvent(new CustomEvent(SIGNED_OUT_EVENT, { detail: `the Worker refused the token (HTTP ${response.status}): sign in with a read token` }));
  }
  if (!response.ok) {
    const message = body !== null && typeof body === "object" && "error" in body ? String((body as { error: unknown }).error) : text.slice(0, 200) || response.statusText;
    throw new ApiError(what, response.status, message);
  }
  if (body === null) throw new ApiError(what, response.status, `not JSON: ${text.slice(0, 200)}`);
  return body as T;
}

/** Checks a token before sign-in keeps it: resolves when the Worker accepts it as a read token. */
export async function verifyToken(token: string): Promise<void> {
  await request("sign-in", "/api/models", {}, token);
}

/** GET a JSON API path (already encoded) with optional query parameters. */
export function getJson<T>(what: string, path: string, params: Record<string, string> = {}): Promise<T> {
  const query = new URLSearchParams(params).toString();
  return request<T>(what, query === "" ? path : `${path}?${query}`);
}

/** One series of a PromQL answer. */
export type PromSample = { metric: Record<string, string>; value: [number, string] };
/** One series of a range answer. */
export type PromSeries = { metric: Record<string, string>; values: [number, string][] };

type PromAnswer<T> = { status: string; data: { resultType: string; result: T[] } };

async function promql<T>(what: string, path: string, params: Record<string, string>): Promise<T[]> {
  const answer = await request<PromAnswer<T>>(what, path, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString(),
  });
  return answer.data.result;
}

/** An instant query at `timeSeconds` (POST /api/v1/query). */
export function instantQuery(what: string, query: string, timeSeconds: number): Promise<PromSample[]> {
  return promql<PromSample>(what, "/api/v1/query", { query, time: String(timeSeconds) });
}

/** A range query (POST /api/v1/query_range). */
export function rangeQuery(what: string, query: string, startSeconds: number, endSeconds: number, stepSeconds: number): Promise<PromSeries[]> {
  return promql<PromSeries>(what, "/api/v1/query_range", { query, start: String(startSeconds), end: String(endSeconds), step: String(stepSeconds) });
}

/** Escapes a label value for a PromQL string literal. */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/** A sample's value as a number (Prometheus sends strings: "NaN", "+Inf" included). */
export function sampleValue(sample: PromSample): number {
  return Number(sample.value[1]);
}

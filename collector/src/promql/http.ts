/**
 * Bodies of Prometheus' HTTP API (`{ status: "success", data }`, `{ status: "error", errorType,
 * error }`) and the parameter parsing every /api/v1 route shares, kept free of any HTTP framework
 * so the Worker's routes stay thin.
 */
import type { QueryData } from "./format.ts";
import { ErrorType, PromQLError } from "./errors.ts";
import { parseDurationMs } from "./literals.ts";

/** A successful response body. */
export type SuccessBody<T> = { status: "success"; data: T; warnings?: string[] };

/** An error response body. */
export type ErrorBody = { status: "error"; errorType: string; error: string };

/** `{ status: "success", data }`, with warnings only when there are some. */
export function successBody<T = QueryData>(data: T, warnings: string[] = []): SuccessBody<T> {
  return warnings.length > 0 ? { status: "success", data, warnings } : { status: "success", data };
}

/**
 * The error body and HTTP status for anything a query threw: a {@link PromQLError} keeps its
 * type and message (400 bad_data, 422 execution); anything else is a bug or a storage failure,
 * answered 500 "internal error" without its text, which may carry paths, SQL or stored data
 * (issue 10, defect 4): the caller logs the detail.
 */
export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof PromQLError) {
    const status = error.errorType === ErrorType.badData ? 400 : error.errorType === ErrorType.execution ? 422 : 500;
    return { status, body: { status: "error", errorType: error.errorType, error: error.message } };
  }
  return { status: 500, body: { status: "error", errorType: ErrorType.internal, error: "internal error" } };
}

/**
 * A time parameter (`time`, `start`, `end`) as Prometheus accepts it: float Unix seconds or
 * RFC 3339. Returns milliseconds, or `fallbackMs` when the parameter is absent.
 */
export function parseTimeParam(name: string, value: string | null | undefined, fallbackMs: number): number {
  if (value === null || value === undefined || value === "") return fallbackMs;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.round(seconds * 1000);
  const ms = Date.parse(value);
  if (/^\d{4}-\d\d-\d\dT/.test(value) && Number.isFinite(ms)) return ms;
  throw new PromQLError(ErrorType.badData, `invalid parameter "${name}": cannot parse "${value}" to a valid timestamp`);
}

/** A duration parameter (`step`, `timeout`): float seconds or a duration such as "1m". Returns milliseconds. */
export function parseDurationParam(name: string, value: string | null | undefined): number {
  if (value === null || value === undefined || value === "") {
    throw new PromQLError(ErrorType.badData, `invalid parameter "${name}": missing`);
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.round(seconds * 1000);
  const ms = parseDurationMs(value);
  if (ms !== undefined) return ms;
  throw new PromQLError(ErrorType.badData, `invalid parameter "${name}": cannot parse "${value}" to a valid duration`);
}

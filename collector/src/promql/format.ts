/**
 * Query results in the shapes of Prometheus' HTTP API (`data` of /api/v1/query and
 * /api/v1/query_range). Values are strings formatted as Prometheus' `jsonutil.MarshalFloat`: Go's
 * `strconv.AppendFloat(f, 'f', -1, 64)` (shortest exact digits), but 'e' below 1e-6 and from 1e21
 * on ("NaN", "+Inf", "-Inf"); times are float seconds. JavaScript's shortest form switches to an
 * exponent at the same two bounds, so only the exponent's spelling differs (Go writes at least two
 * digits: 1.5e-07).
 */
import type { Labels } from "./source.ts";

/** `[unix seconds, "value"]`. */
export type SamplePair = [number, string];

/** One series of an instant vector result. */
export type VectorResult = { metric: Labels; value: SamplePair };

/** One series of a matrix result. */
export type MatrixResult = { metric: Labels; values: SamplePair[] };

/** The `data` member of a successful query response. */
export type QueryData =
  | { resultType: "vector"; result: VectorResult[] }
  | { resultType: "matrix"; result: MatrixResult[] }
  | { resultType: "scalar"; result: SamplePair }
  | { resultType: "string"; result: [number, string] };

/** Formats a float as Prometheus does in JSON results. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  const shortest = String(value);
  const e = shortest.indexOf("e");
  if (e < 0) return shortest;
  // 1.5e-7 → 1.5e-07, 1e+21 stays: Go's exponent has a sign and at least two digits.
  const exponent = shortest.slice(e + 1);
  const sign = exponent.startsWith("-") ? "-" : "+";
  const digits = exponent.replace(/^[-+]/, "");
  return `${shortest.slice(0, e)}e${sign}${digits.padStart(2, "0")}`;
}

/**
 * Go's `strconv.FormatFloat(f, 'f', -1, 64)`: the shortest exact digits, never an exponent
 * (1.5e-7 → "0.00000015", 1.718e36 → "1718000…0"). Prometheus writes count_values' label with it,
 * unlike sample values (formatValue).
 */
export function formatFixed(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  if (Object.is(value, -0)) return "-0";
  const shortest = String(value);
  const e = shortest.indexOf("e");
  if (e < 0) return shortest;
  const sign = shortest.startsWith("-") ? "-" : "";
  const [whole, fraction = ""] = shortest.slice(sign.length, e).split(".");
  const digits = whole + fraction;
  // Where the decimal point falls in `digits`.
  const point = whole.length + Number(shortest.slice(e + 1));
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Milliseconds → the float seconds Prometheus writes as a result timestamp. */
export function formatTime(timeMs: number): number {
  return timeMs / 1000;
}

/**
 * Argument and return types of the supported functions, used by the parser to reject a bad call
 * before anything is read. The implementations live in functions-*.ts.
 */
import type { ValueType } from "./ast.ts";

/** A function's signature: required argument types, then optional ones, then a variadic tail. */
export type FunctionSignature = {
  args: ValueType[];
  optional?: ValueType[];
  variadic?: ValueType;
  returns: ValueType;
};

const overTime: FunctionSignature = { args: ["matrix"], returns: "vector" };
const math: FunctionSignature = { args: ["vector"], returns: "vector" };
const date: FunctionSignature = { args: [], optional: ["vector"], returns: "vector" };

/** Every function of the subset, by name. */
export const FUNCTION_SIGNATURES: Readonly<Record<string, FunctionSignature>> = {
  rate: overTime,
  increase: overTime,
  irate: overTime,
  delta: overTime,
  idelta: overTime,
  changes: overTime,
  resets: overTime,
  avg_over_time: overTime,
  min_over_time: overTime,
  max_over_time: overTime,
  sum_over_time: overTime,
  count_over_time: overTime,
  last_over_time: overTime,
  stddev_over_time: overTime,
  stdvar_over_time: overTime,
  present_over_time: overTime,
  absent_over_time: overTime,
  quantile_over_time: { args: ["scalar", "matrix"], returns: "vector" },
  abs: math,
  ceil: math,
  floor: math,
  sqrt: math,
  exp: math,
  ln: math,
  log2: math,
  log10: math,
  sgn: math,
  round: { args: ["vector"], optional: ["scalar"], returns: "vector" },
  clamp: { args: ["vector", "scalar", "scalar"], returns: "vector" },
  clamp_min: { args: ["vector", "scalar"], returns: "vector" },
  clamp_max: { args: ["vector", "scalar"], returns: "vector" },
  label_replace: { args: ["vector", "string", "string", "string", "string"], returns: "vector" },
  label_join: { args: ["vector", "string", "string"], variadic: "string", returns: "vector" },
  histogram_quantile: { args: ["scalar", "vector"], returns: "vector" },
  vector: { args: ["scalar"], returns: "vector" },
  scalar: { args: ["vector"], returns: "scalar" },
  time: { args: [], returns: "scalar" },
  pi: { args: [], returns: "scalar" },
  absent: { args: ["vector"], returns: "vector" },
  sort: math,
  sort_desc: math,
  acos: math,
  acosh: math,
  asin: math,
  asinh: math,
  atan: math,
  atanh: math,
  cos: math,
  cosh: math,
  sin: math,
  sinh: math,
  tan: math,
  tanh: math,
  deg: math,
  rad: math,
  timestamp: math,
  deriv: overTime,
  predict_linear: { args: ["matrix", "scalar"], returns: "vector" },
  // Prometheus 2's holt_winters, under its Prometheus 3 name (lezer's grammar knows only this one).
  double_exponential_smoothing: { args: ["matrix", "scalar", "scalar"], returns: "vector" },
  year: date,
  month: date,
  day_of_month: date,
  day_of_week: date,
  day_of_year: date,
  days_in_month: date,
  hour: date,
  minute: date,
};

/** The names of the supported functions, for error messages. */
export const SUPPORTED_FUNCTIONS: readonly string[] = Object.keys(FUNCTION_SIGNATURES).sort();

/** The type's name as Prometheus prints it in messages ("range vector"). */
export function typeName(type: ValueType): string {
  switch (type) {
    case "vector":
      return "instant vector";
    case "matrix":
      return "range vector";
    default:
      return type;
  }
}

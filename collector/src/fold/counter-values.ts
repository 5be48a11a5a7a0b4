/**
 * Which metric values can be counts (issue 11, item 3). A counter only goes up, by whole steps
 * when it counts things, and its running total must stay exact: a double holds every integer up
 * to 2^53, past which adding 1 no longer changes it (a count of 1e300 "stops counting"). OTLP
 * carries counts as uint64 and as_int as int64, both wider than that, so the limit is ours.
 * A point that breaks one of these rules is rejected whole through `partial_success`, with a
 * reason naming the rule, as NaN is: nothing of it is stored.
 */
import type { CumulativeValue } from "./cumulative.ts";

/** The largest count Driftline stores: 2^53 − 1, the largest integer a double holds exactly with its neighbours. */
export const MAX_COUNT = Number.MAX_SAFE_INTEGER;

/** Reasons, one per rule; bounded (they name the rule, never the value). */
export const CounterRefusal = {
  nonFinite: "metric point with a NaN or infinite value",
  negative: "counter point with a negative value (a monotonic sum only goes up)",
  fractional: "count that is not a whole number (ml.predictions and ml.prediction.errors count predictions)",
  tooLarge: `counter point past 2^53 (${MAX_COUNT}), where a running total stops being exact`,
  histogramCounts: "histogram point whose count or bucket counts are not whole numbers from 0 to 2^53",
} as const;

/**
 * Why `value` cannot be a monotonic sum's value (a delta increment, or a cumulative total), or
 * undefined when it can. `wholeNumber`: the sum counts things (predictions, errors).
 */
export function sumRefusal(value: number, wholeNumber: boolean): string | undefined {
  if (!Number.isFinite(value)) return CounterRefusal.nonFinite;
  if (value < 0) return CounterRefusal.negative;
  if (value > MAX_COUNT) return CounterRefusal.tooLarge;
  if (wholeNumber && !Number.isInteger(value)) return CounterRefusal.fractional;
  return undefined;
}

/** Why a histogram point's counts cannot be counts (count, bucket counts, zero count), or undefined. */
export function histogramRefusal(value: Exclude<CumulativeValue, { type: "sum" }>): string | undefined {
  if (!isCount(value.count)) return CounterRefusal.histogramCounts;
  if (value.type === "histogram") return value.counts.every(isCount) ? undefined : CounterRefusal.histogramCounts;
  const ok = isCount(value.zeroCount) && value.positive.bucketCounts.every(isCount) && value.negative.bucketCounts.every(isCount);
  return ok ? undefined : CounterRefusal.histogramCounts;
}

function isCount(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= MAX_COUNT;
}

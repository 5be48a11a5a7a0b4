import type { DriftMethod } from "../series/drift-methods.ts";
import type { DriftResult, DriftStatus } from "./types.ts";

/**
 * Which method decides a feature's drift status. Every applicable method is still computed and
 * reported; the status is that of one method only, because "the worst of five methods" alarms
 * whenever any one of five noisy statistics crosses its line (docs/drift.md, "Default status").
 *
 * The default follows Evidently's `get_default_stattest`, read with the window's size:
 * - numeric, at most {@link SMALL_WINDOW_VALUES} values in the current window: KS p-value;
 * - numeric, more: normed Wasserstein (0.1), which does not turn a negligible difference into a
 *   tiny p-value at production sizes, as every test does once n is large;
 * - categorical, at most {@link SMALL_WINDOW_VALUES}: the chi-squared p-value (two-sample; with
 *   two categories it is the square of Evidently's two-proportion z-test, so it is that test);
 * - categorical, more: Jensen–Shannon distance (0.1).
 *
 * Evidently decides by the reference's size; we decide by the current window's, because the
 * baseline of a model is usually a large training set while windows range from a few dozen
 * values (5 minutes of a quiet model) to millions (7 days of a busy one), and it is the window's
 * size that makes a p-value over-sensitive.
 */

/** Windows with at most this many values get the p-value tests; larger ones a distance. */
export const SMALL_WINDOW_VALUES = 1000;

/** The method that decides the status of a `type` series whose current window holds `currentCount` values. */
export function defaultStatusMethod(type: "numeric" | "categorical", currentCount: number): DriftMethod {
  const small = currentCount <= SMALL_WINDOW_VALUES;
  if (type === "numeric") return small ? "ks" : "wasserstein";
  return small ? "chisquare" : "js";
}

/**
 * The status of a series from its reported methods: that of `method` (the configured one), or
 * of the default for the type and window size. `no_data` when that method was not computed.
 */
export function statusFrom(results: readonly Pick<DriftResult, "method" | "status">[], method: DriftMethod): DriftStatus {
  return results.find((r) => r.method === method)?.status ?? "no_data";
}

import { CATEGORICAL_DRIFT_METHODS, NUMERIC_DRIFT_METHODS } from "../series/drift-methods.ts";
import type { CategoricalDriftMethod, DriftMethod, NumericDriftMethod } from "../series/drift-methods.ts";
import { categoricalDrift } from "./categorical.ts";
import type { CategoricalDriftOptions } from "./categorical.ts";
import { numericDrift } from "./numeric.ts";
import type { NumericDriftOptions } from "./numeric.ts";
import type { ResolvedFeatureSettings } from "./settings.ts";
import { defaultStatusMethod, statusFrom } from "./status-rule.ts";
import type { CategoricalDistribution, DriftResult, DriftStatus, NumericDistribution } from "./types.ts";

/**
 * One series' drift as every read path reports it (the drift API, `driftline_feature_drift`,
 * `driftline_drift_status`, the dataset share, alert rules): the methods asked for, and the
 * status of the one method that decides (status-rule.ts), with the feature's settings applied.
 */

/** Drift of one series: its methods' results and the deciding method's status. */
export type SeriesDriftVerdict = {
  readonly results: DriftResult[];
  /** The method the status comes from: the configured one, or the default for type and size. */
  readonly statusMethod: DriftMethod;
  /** True when `statusMethod` comes from the settings rather than the default rule. */
  readonly configured: boolean;
  readonly status: DriftStatus;
};

/** The two sides of a series, tagged by type. */
export type DriftPair =
  | { readonly type: "numeric"; readonly baseline: NumericDistribution; readonly current: NumericDistribution }
  | { readonly type: "categorical"; readonly baseline: CategoricalDistribution; readonly current: CategoricalDistribution };

/** The methods that apply to a type. */
export function methodsOf(type: "numeric" | "categorical"): readonly DriftMethod[] {
  return type === "numeric" ? NUMERIC_DRIFT_METHODS : CATEGORICAL_DRIFT_METHODS;
}

function countOf(pair: DriftPair): number {
  if (pair.type === "numeric") return pair.current.count;
  let total = 0;
  for (const [, count] of pair.current.entries()) total += count;
  return total;
}

/**
 * The deciding method of a series: the configured method when it applies to the type (psi and
 * js apply to both; ks, wasserstein and hellinger to numbers; chisquare to categories), else the
 * default rule for the current window's size.
 */
export function statusMethodOf(type: "numeric" | "categorical", currentCount: number, settings: ResolvedFeatureSettings | undefined): { method: DriftMethod; configured: boolean } {
  const configured = settings?.method;
  if (configured !== undefined && methodsOf(type).includes(configured)) return { method: configured, configured: true };
  return { method: defaultStatusMethod(type, currentCount), configured: false };
}

/**
 * Runs `methods` (every applicable method by default; the deciding one is always added) and
 * grades the series by its deciding method, with the configured levels applied to that method.
 */
export function seriesDrift(pair: DriftPair, settings?: ResolvedFeatureSettings, methods?: readonly DriftMethod[]): SeriesDriftVerdict {
  const { method: statusMethod, configured } = statusMethodOf(pair.type, countOf(pair), settings);
  const applicable = methodsOf(pair.type);
  const wanted = methods === undefined ? applicable : applicable.filter((m) => m === statusMethod || methods.includes(m));
  const thresholds = configured ? { thresholds: { warn: settings?.warn, alert: settings?.alert } } : undefined;
  const perMethod = thresholds === undefined ? {} : { [statusMethod]: thresholds };
  const results =
    pair.type === "numeric"
      ? numericDrift(pair.baseline, pair.current, { methods: wanted as NumericDriftMethod[], ...perMethod } as NumericDriftOptions)
      : categoricalDrift(pair.baseline, pair.current, { methods: wanted as CategoricalDriftMethod[], ...perMethod } as CategoricalDriftOptions);
  return { results, statusMethod, configured, status: statusFrom(results, statusMethod) };
}

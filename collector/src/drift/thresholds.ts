import type { DriftOptions, DriftResult, DriftStatus, DriftThresholds, ThresholdSubject } from "./types.ts";
import type { DriftMethod } from "../series/drift-methods.ts";

/**
 * Default warn/alert levels, from Evidently's defaults. Evidently gives one "drift detected"
 * level per method; PSI alone has the customary second band (0.1 moderate, 0.2 significant).
 * For the distances we set warn = alert to Evidently's level rather than invent a warn band.
 * For the two tests Evidently's p ≤ 0.05 is the warn level and alert is p ≤ 0.005: at 0.05 a
 * test alerts on one window in twenty with no drift at all, and a calibrated test alerts on a
 * share of undrifted windows equal to its level, so the level must sit below the 1 % target with
 * room for sampling (p ≤ 0.01 measured 1.1 % over 1 000 windows; `npm run bench:drift`,
 * docs/drift.md). 0.005 is the level Benjamin et al. (2018, "Redefine statistical significance")
 * proposed as the default for new findings.
 */
export const DEFAULT_DRIFT_THRESHOLDS: Readonly<Record<DriftMethod, DriftThresholds>> = {
  psi: { warn: 0.1, alert: 0.2 },
  ks: { warn: 0.05, alert: 0.005 },
  js: { warn: 0.1, alert: 0.1 },
  wasserstein: { warn: 0.1, alert: 0.1 },
  hellinger: { warn: 0.1, alert: 0.1 },
  chisquare: { warn: 0.05, alert: 0.005 },
};

/** Which number each method's thresholds apply to: p-value methods are bad when low. */
export const THRESHOLD_SUBJECT: Readonly<Record<DriftMethod, ThresholdSubject>> = {
  psi: "value",
  ks: "pValue",
  js: "value",
  wasserstein: "value",
  hellinger: "value",
  chisquare: "pValue",
};

/**
 * The method's thresholds with the caller's overrides applied.
 * Throws a RangeError for thresholds that cannot be meant: not finite, a p-value level outside
 * [0, 1], or a warn level past the alert level (warn must be reached first).
 */
export function resolveThresholds(method: DriftMethod, overrides?: Partial<DriftThresholds>): DriftThresholds {
  const defaults = DEFAULT_DRIFT_THRESHOLDS[method];
  const warn = overrides?.warn ?? defaults.warn;
  const alert = overrides?.alert ?? defaults.alert;
  for (const [name, level] of [["warn", warn], ["alert", alert]] as const) {
    if (!Number.isFinite(level)) {
      throw new RangeError(`drift ${method}: ${name} threshold must be a finite number, got ${level}`);
    }
  }
  if (THRESHOLD_SUBJECT[method] === "pValue") {
    if (warn < 0 || warn > 1 || alert < 0 || alert > 1) {
      throw new RangeError(`drift ${method}: p-value thresholds must lie in [0, 1], got warn ${warn}, alert ${alert}`);
    }
    if (warn < alert) {
      throw new RangeError(
        `drift ${method}: a lower p-value is worse, so warn (${warn}) must be at least alert (${alert})`,
      );
    }
  } else if (warn > alert) {
    throw new RangeError(`drift ${method}: warn (${warn}) must not exceed alert (${alert})`);
  }
  return { warn, alert };
}

/**
 * Status of a score against thresholds. A level is reached at equality, as in Evidently
 * (distance ≥ threshold, p-value ≤ threshold). NaN scores are `no_data`.
 */
export function classify(score: number, subject: ThresholdSubject, thresholds: DriftThresholds): DriftStatus {
  if (Number.isNaN(score)) return "no_data";
  if (subject === "pValue") {
    if (score <= thresholds.alert) return "alert";
    return score <= thresholds.warn ? "warn" : "ok";
  }
  if (score >= thresholds.alert) return "alert";
  return score >= thresholds.warn ? "warn" : "ok";
}

/**
 * Assembles a result: resolves the thresholds and classifies the subject score.
 * `pValue` is given for the p-value methods only.
 */
export function driftResult(method: DriftMethod, value: number, pValue: number | undefined, options?: DriftOptions): DriftResult {
  const thresholds = resolveThresholds(method, options?.thresholds);
  const thresholdsApplyTo = THRESHOLD_SUBJECT[method];
  const score = thresholdsApplyTo === "pValue" ? (pValue ?? Number.NaN) : value;
  const status = classify(score, thresholdsApplyTo, thresholds);
  const base = { method, value, thresholdsApplyTo, warn: thresholds.warn, alert: thresholds.alert, status };
  return pValue === undefined ? base : { ...base, pValue };
}

/** The result for an empty baseline or current: NaN statistic, status `no_data`, never a throw. */
export function noDataResult(method: DriftMethod, options?: DriftOptions): DriftResult {
  const pValue = THRESHOLD_SUBJECT[method] === "pValue" ? Number.NaN : undefined;
  return driftResult(method, Number.NaN, pValue, options);
}

import type { DriftStatus } from "./types.ts";

/**
 * Dataset drift: how much of a model's input has drifted, as one number (Evidently's "share of
 * drifted columns", and DataRobot's drift-versus-importance view folded into one figure).
 *
 * - `share`: features in `alert` over features with data (excluded features left out);
 * - `weightedShare`: the same with each feature counted at its importance weight (settings'
 *   `weight`, default 1), so a drifted feature that the model barely uses moves it little.
 *
 * The status follows `weightedShare`: `alert` from {@link DATASET_ALERT_SHARE} (Evidently's
 * default `drift_share`, "dataset drift detected" at half the columns), `warn` from
 * {@link DATASET_WARN_SHARE} (ours: half of Evidently's level), `no_data` when no feature has data.
 */

/** Weighted share at which the dataset is in alert (Evidently's `drift_share` default). */
export const DATASET_ALERT_SHARE = 0.5;
/** Weighted share at which the dataset is in warn. */
export const DATASET_WARN_SHARE = 0.25;

/** One feature as the share counts it. */
export type ShareInput = { readonly status: DriftStatus; readonly excluded: boolean; readonly weight: number };

/** The dataset's drift figures. */
export type DatasetDrift = {
  /** Features with data and not excluded. */
  readonly features: number;
  /** Of those, features in alert. */
  readonly drifted: number;
  /** drifted / features; NaN without features. */
  readonly share: number;
  /** Σ weight of drifted / Σ weight of features; NaN when the weights sum to 0. */
  readonly weightedShare: number;
  readonly status: DriftStatus;
};

/** The dataset figures over some features' verdicts. */
export function datasetDrift(inputs: Iterable<ShareInput>): DatasetDrift {
  let features = 0;
  let drifted = 0;
  let weight = 0;
  let driftedWeight = 0;
  for (const input of inputs) {
    if (input.excluded || input.status === "no_data") continue;
    features++;
    weight += input.weight;
    if (input.status === "alert") {
      drifted++;
      driftedWeight += input.weight;
    }
  }
  const share = features === 0 ? Number.NaN : drifted / features;
  const weightedShare = weight > 0 ? driftedWeight / weight : Number.NaN;
  let status: DriftStatus = "no_data";
  if (!Number.isNaN(weightedShare)) status = weightedShare >= DATASET_ALERT_SHARE ? "alert" : weightedShare >= DATASET_WARN_SHARE ? "warn" : "ok";
  return { features, drifted, share, weightedShare, status };
}

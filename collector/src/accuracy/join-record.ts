/**
 * What the fold hands the ModelStore for the accuracy join (docs/accuracy.md): one record per
 * `ml.prediction` that carries `ml.prediction.id`, and one per `ml.actual`. The store keeps
 * each until its other side arrives (or its TTL passes), then folds the pair.
 * Plain data: records cross the RPC boundary by structured clone.
 */

/** The prediction side of a join. */
export type PredictionJoinRecord = {
  side: "prediction";
  /** `ml.prediction.id`. */
  id: string;
  version: string;
  /** The segments the prediction counts in ("name=value"), so its pair counts in them too. */
  segments: string[];
  /** The prediction's minute: the bucket its pair's accuracy is counted in. */
  minute: number;
  /** The prediction's timestamp in epoch milliseconds: the start of the actual's delay. */
  timeMs: number;
  /** `ml.prediction.value` (regression), else null. */
  value: number | null;
  /** `ml.prediction.label` (classification), else null. */
  label: string | null;
  /** `ml.prediction.score`, the probability of `label`, when it lies in [0, 1]; else null. */
  score: number | null;
};

/** The actual side of a join. */
export type ActualJoinRecord = {
  side: "actual";
  id: string;
  version: string;
  /** The actual's timestamp in epoch milliseconds (its arrival when it carried none). */
  timeMs: number;
  /** `ml.actual.value`, else null. */
  value: number | null;
  /** `ml.actual.label`, else null. */
  label: string | null;
};

/** Either side. */
export type JoinRecord = PredictionJoinRecord | ActualJoinRecord;

/** A prediction and its actual, joined once. */
export type JoinedPair = { prediction: PredictionJoinRecord; actual: ActualJoinRecord };

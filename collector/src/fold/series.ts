/**
 * A series' identity inside one model and its map key; the names of the join bookkeeping series.
 * The kinds themselves are vocabulary (`../series/kinds.ts`).
 */
import { SeriesKind, isFeatureKind } from "../series/kinds.ts";

/** The names of `join_events` series: what happened to a prediction or actual waiting to be joined. */
export const JoinEvent = {
  /** A prediction and its actual met (counted once per pair). */
  joined: "joined",
  /** A prediction whose actual did not come within the TTL. */
  expiredPrediction: "expired_prediction",
  /** An actual whose prediction did not come within the TTL. */
  expiredActual: "expired_actual",
  /** A prediction or actual whose (version, id) was already waiting or joined: ignored. */
  duplicate: "duplicate",
  /** A prediction or actual refused because the model's join table was full. */
  refusedFull: "refused_full",
} as const;
export type JoinEvent = (typeof JoinEvent)[keyof typeof JoinEvent];

/**
 * Kinds that exclude each other within a version: a feature is a number or a string, and a
 * version's prediction is `ml.prediction.value` or `ml.prediction.label`, never both (issue 5
 * and issue 11, item 5; docs/semantic-conventions.md). Returns the slot such kinds share (the
 * first kind stored in it wins, per version), or undefined for any other kind.
 */
export function exclusiveSlot(kind: SeriesKind, name: string): string | undefined {
  if (isFeatureKind(kind)) return `feature\u0000${name}`;
  if (kind === SeriesKind.predictionValue || kind === SeriesKind.predictionLabel) return "prediction";
  return undefined;
}

/** A series' identity inside one model. `segment` is "" for the whole model, else "name=value". */
export type SeriesRef = {
  kind: SeriesKind;
  version: string;
  name: string;
  segment: string;
};

// NUL cannot occur in the parts we key on: the fold rejects names and values containing it.
const SEP = "\u0000";

/** A stable string key for a series, for maps and the store's unique index. */
export function seriesKey(ref: SeriesRef): string {
  return ref.kind + SEP + ref.version + SEP + ref.name + SEP + ref.segment;
}

/** The inverse of seriesKey. */
export function parseSeriesKey(key: string): SeriesRef {
  const [kind, version, name, segment] = key.split(SEP);
  return { kind: kind as SeriesKind, version, name, segment };
}

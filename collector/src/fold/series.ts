/**
 * A series' identity inside one model and its map key; the names of the join bookkeeping series.
 * The kinds themselves are vocabulary (`../series/kinds.ts`).
 */
import type { SeriesKind } from "../series/kinds.ts";

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

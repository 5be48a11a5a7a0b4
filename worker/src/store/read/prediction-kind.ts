import { SeriesKind } from "@driftline/collector";
import { predictionKindOf } from "../baselines.ts";
import type { PredictionKind } from "../baselines.ts";

/**
 * The prediction kind a version is served with (issue 11, item 5) when its baseline has both
 * value and label (a window baseline of a store written before the one-kind rule): the kind of
 * its oldest prediction series, as ingest keeps only that one and the query API serves only that
 * one (catalog.ts). Undefined when the baseline has at most one prediction kind: that one is
 * measured whatever the traffic sends (a mismatch is then reported as such).
 */
export function servedPredictionKind(sql: SqlStorage, version: string, baselines: readonly { kind: string }[]): string | undefined {
  const kinds = baselines.map((b) => b.kind).filter((k) => k === SeriesKind.predictionValue || k === SeriesKind.predictionLabel);
  if (kinds.length <= 1) return undefined;
  const stored = sql
    .exec<{ kind: string }>("SELECT kind FROM series WHERE version = ? AND segment = '' AND kind IN (?, ?) ORDER BY id LIMIT 1", version, SeriesKind.predictionValue, SeriesKind.predictionLabel)
    .toArray()[0];
  return stored?.kind ?? kinds[0];
}

/** The series names traffic uses for each prediction kind, for the mismatch message. */
const KIND_ON_THE_WIRE: Record<PredictionKind, string> = {
  value: "ml.prediction.value",
  label: "ml.prediction.label",
  label_with_score: "ml.prediction.label with ml.prediction.score",
};
const KIND_IN_BASELINE: Record<PredictionKind, string> = {
  value: "prediction_value",
  label: "prediction_label",
  label_with_score: "prediction_label with prediction_score",
};

/**
 * Names the mismatch when the version's traffic sends another prediction kind than the baseline
 * has (`baseline has prediction_value, traffic sends ml.prediction.label`), else null. Issue 15:
 * such a baseline left prediction drift at no_data forever while the status said ok.
 */
export function predictionMismatch(sql: SqlStorage, version: string, baselineKinds: ReadonlySet<string>, notServed: (kind: string) => boolean): string | null {
  const expected = predictionKindOf(baselineKinds);
  if (expected === null) return null;
  const sent = sql
    .exec<{ kind: string }>("SELECT DISTINCT kind FROM series WHERE version = ? AND segment = '' AND kind IN (?, ?, ?)", version, SeriesKind.predictionValue, SeriesKind.predictionLabel, SeriesKind.predictionScore)
    .toArray();
  const actual = predictionKindOf(new Set(sent.map((row) => row.kind).filter((kind) => !notServed(kind))));
  if (actual === null || actual === expected) return null;
  // A label baseline without a score still measures the label of label-with-score traffic.
  if (expected === "label" && actual === "label_with_score") return null;
  return `baseline has ${KIND_IN_BASELINE[expected]}, traffic sends ${KIND_ON_THE_WIRE[actual]}: upload a baseline whose prediction column matches (--prediction <label column> [--score <score column>], or a numeric --prediction for ml.prediction.value)`;
}

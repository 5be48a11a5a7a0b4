import { SeriesKind } from "../series/kinds.ts";
import type { SeriesKind as SeriesKindType } from "../series/kinds.ts";
import type { Baseline } from "./build.ts";
import type { BaselineColumn } from "./column.ts";

/** One sketch of a baseline as it is stored: the series kind fixes whether it is a digest or counts. */
export type BaselineSketchEntry = { kind: SeriesKindType; name: string; sketch: Uint8Array; count: number };

/** A column's sketch bytes (the collector's binary format). */
export function columnBytes(column: BaselineColumn): Uint8Array {
  return column.type === "numeric" ? column.digest.toBytes() : column.counts.toBytes();
}

function entry(column: BaselineColumn, name: string, numericKind: SeriesKindType, categoricalKind: SeriesKindType): BaselineSketchEntry {
  return column.type === "numeric"
    ? { kind: numericKind, name, sketch: column.digest.toBytes(), count: column.digest.count }
    : { kind: categoricalKind, name, sketch: column.counts.toBytes(), count: column.counts.total };
}

/**
 * The stored entries of a baseline: one per feature (`numeric_feature` / `categorical_feature`),
 * the prediction as `prediction_value` or `prediction_label`, and a score as `prediction_score`
 * (name "" for both), the target as `actual_value` or `actual_label` (name ""), each sketch
 * serialised once.
 */
export function baselineEntries(baseline: Baseline): BaselineSketchEntry[] {
  const entries: BaselineSketchEntry[] = [];
  for (const [name, column] of baseline.features) entries.push(entry(column, name, SeriesKind.numericFeature, SeriesKind.categoricalFeature));
  if (baseline.prediction !== undefined) entries.push(entry(baseline.prediction, "", SeriesKind.predictionValue, SeriesKind.predictionLabel));
  if (baseline.score !== undefined) entries.push(entry(baseline.score, "", SeriesKind.predictionScore, SeriesKind.predictionScore));
  if (baseline.target !== undefined) entries.push(entry(baseline.target, "", SeriesKind.actualValue, SeriesKind.actualLabel));
  return entries;
}

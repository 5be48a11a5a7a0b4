import { SeriesKind, TDigest, isFeatureKind } from "@driftline/collector";
import type { DecodedDelta } from "@driftline/collector";

/**
 * The counter delta that records a feature delta refused for its type (a string where the
 * version's feature was first a number, or the other way round; docs/semantic-conventions.md):
 * the refused values, in the same version, segment and minute, under the feature's name.
 * `driftline_feature_type_mismatch_ratio` divides it by the predictions (docs/drift.md, "Data
 * quality"). Undefined for any delta that is not a feature's. The values counted are every value
 * the sketch took, NaN included for a digest (a number where a string was expected, whatever the
 * number).
 */
export function typeMismatchDelta(refused: DecodedDelta): DecodedDelta | undefined {
  if (!isFeatureKind(refused.kind)) return undefined;
  const sketch = refused.sketch;
  const values = sketch instanceof TDigest ? sketch.count + sketch.missing : typeof sketch === "number" ? sketch : sketch.total;
  if (!(values > 0)) return undefined;
  return { kind: SeriesKind.typeMismatches, version: refused.version, name: refused.name, segment: refused.segment, minute: refused.minute, records: refused.records, value: values, sketch: values };
}

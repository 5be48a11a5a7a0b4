/**
 * How a series' segment shows as labels (issue 6, docs/segments.md). The store keeps a segment as
 * "name=value" (collector/src/fold/logs.ts); the query layer splits it into `segment="name"` and
 * `segment_value="value"`. Whole-model series carry neither label, so `{segment=""}` selects them
 * (an absent label matches the empty string in PromQL).
 */
import type { Labels } from "@driftline/collector/promql";

/** The labels of a stored segment: none for the whole model (""). */
export function segmentLabels(segment: string): Labels {
  if (segment === "") return {};
  const eq = segment.indexOf("=");
  return { segment: segment.slice(0, eq), segment_value: segment.slice(eq + 1) };
}

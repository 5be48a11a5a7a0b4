/**
 * What every section of the model page shares: the model, the chosen version and segment,
 * and the time range turned into query parameters. The range picks three things (docs/console.md):
 * the charts' span and step, the `[w]` of rate(), and the window of drift, accuracy and the
 * champion table, which must be one of the APIs' fixed windows (5m, 1h, 1d, 7d).
 */
import { promString } from "../api.ts";
import { RANGES } from "../router.ts";
import type { RangeName } from "../router.ts";
import type { ModelSummary } from "../types.ts";

/** Chart step per range, seconds: 60 to 84 points a chart, never under the 1-minute buckets. */
const STEP_SECONDS: Record<RangeName, number> = { "1h": 60, "6h": 300, "24h": 900, "7d": 7200 };
/** The drift / accuracy window per range: the longest fixed window that fits in the range. */
const WINDOW: Record<RangeName, "1h" | "1d" | "7d"> = { "1h": "1h", "6h": "1h", "24h": "1d", "7d": "7d" };

/** One model page's parameters. */
export type ModelContext = {
  model: string;
  summary: ModelSummary;
  range: RangeName;
  version: string;
  segment: { name: string; value: string } | null;
  feature: string | null;
  startSeconds: number;
  endSeconds: number;
  stepSeconds: number;
  /** rate()'s range: at least 5 minutes, at least a step, so no step falls between windows. */
  rateWindow: string;
  /** Window label of drift, accuracy and compare. */
  window: "1h" | "1d" | "7d";
};

/** The version shown when none is chosen: the one that served the most predictions (the champion). */
export function championOf(summary: ModelSummary): string | null {
  let best: { version: string; predictions: number } | null = null;
  for (const v of summary.versions) if (best === null || v.predictions > best.predictions) best = v;
  return best?.version ?? null;
}

/** Builds the context at `nowMs`. */
export function modelContext(summary: ModelSummary, route: { range: RangeName; version: string; segment: ModelContext["segment"]; feature: string | null }, nowMs: number): ModelContext {
  const stepSeconds = STEP_SECONDS[route.range];
  // Ends now, not on a step boundary as Grafana aligns it: the last step then holds the newest
  // minute (an aligned end hides up to a step of data; a later one reads a future window).
  const endSeconds = Math.floor(nowMs / 1000);
  return {
    model: summary.model,
    summary,
    range: route.range,
    version: route.version,
    segment: route.segment,
    feature: route.feature,
    startSeconds: endSeconds - RANGES[route.range],
    endSeconds,
    stepSeconds,
    rateWindow: `${Math.max(300, stepSeconds)}s`,
    window: WINDOW[route.range],
  };
}

/**
 * The label matchers of the chosen model, version and segment: `segment=""` selects the
 * whole-model series (docs/query-api.md: a prediction counts in both), a segment selects its
 * own. `extra` adds equality matchers such as `window="1h"`, `raw` any others (`class!=""`).
 */
export function selector(ctx: ModelContext, extra: Record<string, string> = {}, raw: readonly string[] = []): string {
  const labels: Record<string, string> = { model: ctx.model, version: ctx.version, segment: ctx.segment?.name ?? "" };
  if (ctx.segment !== null) labels.segment_value = ctx.segment.value;
  Object.assign(labels, extra);
  const matchers = Object.entries(labels).map(([k, v]) => `${k}=${promString(v)}`);
  return `{${[...matchers, ...raw].join(", ")}}`;
}

/** Feature names and types of the chosen version, from the model summary's series kinds. */
export function featureTypes(ctx: ModelContext): Map<string, "numeric" | "categorical"> {
  const types = new Map<string, "numeric" | "categorical">();
  for (const s of ctx.summary.series) {
    if (s.version !== ctx.version || s.segment !== "") continue;
    if (s.kind === "numeric_feature") types.set(s.name, "numeric");
    else if (s.kind === "categorical_feature") types.set(s.name, "categorical");
  }
  return types;
}

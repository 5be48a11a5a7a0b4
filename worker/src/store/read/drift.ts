import { CategoricalCounts, SeriesKind, TDigest, categoricalDrift, numericDrift, sketchTypeOf } from "@driftline/collector";
import { DRIFT_WINDOWS } from "@driftline/collector/series";
import type { DriftWindow } from "@driftline/collector/series";
import type { DriftResult, DriftStatus, SeriesKind as SeriesKindType } from "@driftline/collector";
import { WindowReader, newBudget } from "./window-reader.ts";
import { predictionKindOf, typeOfKind } from "../baselines.ts";
import type { PredictionKind } from "../baselines.ts";


/** One method's outcome, JSON-safe: NaN (no data) becomes null. */
export type MethodDrift = {
  method: string;
  value: number | null;
  pValue?: number | null;
  thresholdsApplyTo: "value" | "pValue";
  warn: number;
  alert: number;
  status: DriftStatus;
};

/** One feature's (or the prediction's) drift: every applicable method and the worst status. */
export type SeriesDrift = {
  name: string;
  type: "numeric" | "categorical";
  baselineCount: number;
  currentCount: number;
  status: DriftStatus;
  methods: MethodDrift[];
  /** Set when the baseline's prediction kind is not what traffic sends; the status is then no_data. */
  mismatch?: string;
  /**
   * Counts per category of both sides: the baseline's categories, most frequent first, then the
   * new ones, most frequent first (ties by name); only for the one
   * categorical feature a request names (`?feature=`): the console's bars.
   */
  categories?: CategoryCounts[];
};

/** One category of a categorical feature: its count in the baseline and in the window. */
export type CategoryCounts = { category: string; baseline: number; current: number };

/** What GET /api/models/:model/drift returns (beside the model id). */
export type DriftReport = {
  version: string;
  window: DriftWindow;
  /** The window is (from, to]: the minute buckets whose start lies in it, the current minute included. */
  from: string;
  to: string;
  baselineUploadedAt: string;
  /** Worst status over features and prediction. */
  status: DriftStatus;
  features: SeriesDrift[];
  prediction: SeriesDrift | null;
  /** The score's drift, when the baseline is a label with score. */
  score?: SeriesDrift | null;
  /** What makes part of the answer unmeasurable (a prediction-kind mismatch), by name. */
  problems?: string[];
};

/** Severity order for "worst": no_data only when nothing has data. */
const RANK: Record<DriftStatus, number> = { no_data: 0, ok: 1, warn: 2, alert: 3 };

/** The worst of some statuses; no_data when there are none or all are no_data. */
export function worstStatus(statuses: Iterable<DriftStatus>): DriftStatus {
  let worst: DriftStatus = "no_data";
  for (const status of statuses) if (RANK[status] > RANK[worst]) worst = status;
  return worst;
}

/**
 * Drift of every baselined series of `version` over the window ending at `nowMs`: the baseline
 * sketch against the merge of the series' buckets in the window (WindowReader), per series.
 * Null when the version has no baseline. Cost: one decode per bucket in the window plus the
 * methods (a few ms per numeric feature, docs/drift.md).
 */
export function computeDrift(sql: SqlStorage, version: string, window: DriftWindow, nowMs: number, categoriesCap: number, feature?: string): DriftReport | null {
  const all = sql
    .exec<{ kind: string; name: string; sketch: ArrayBuffer; uploaded_ms: number }>("SELECT kind, name, sketch, uploaded_ms FROM baselines WHERE version = ? ORDER BY name", version)
    .toArray();
  if (all.length === 0) return null;
  // One feature (with its categories) when the request names it; an unknown name gives no feature.
  const baselines = feature === undefined ? all : all.filter((row) => row.name === feature && (row.kind === SeriesKind.numericFeature || row.kind === SeriesKind.categoricalFeature));
  const toMinute = Math.floor(nowMs / 60_000);
  const fromMinute = toMinute - DRIFT_WINDOWS[window];
  const features: SeriesDrift[] = [];
  let prediction: SeriesDrift | null = null;
  let score: SeriesDrift | null = null;
  for (const row of baselines) {
    const kind = row.kind as SeriesKindType;
    const drift = seriesDrift(sql, version, kind, row.name, new Uint8Array(row.sketch), nowMs, DRIFT_WINDOWS[window], categoriesCap, feature !== undefined);
    if (kind === SeriesKind.predictionValue || kind === SeriesKind.predictionLabel) prediction = drift;
    else if (kind === SeriesKind.predictionScore) score = drift;
    else features.push(drift);
  }
  const problems: string[] = [];
  const mismatch = predictionMismatch(sql, version, new Set(all.map((row) => row.kind)));
  if (mismatch !== null) {
    problems.push(mismatch);
    for (const drift of [prediction, score]) {
      if (drift === null) continue;
      drift.mismatch = mismatch;
      drift.status = "no_data";
    }
  }
  const measured = [...features, ...(prediction === null ? [] : [prediction]), ...(score === null ? [] : [score])];
  let status = worstStatus(measured.map((d) => d.status));
  // A part that cannot be measured must not read as healthy: never "ok" beside a mismatch.
  if (mismatch !== null && status === "ok") status = "no_data";
  return {
    version,
    window,
    from: new Date((fromMinute + 1) * 60_000).toISOString(),
    to: new Date(nowMs).toISOString(),
    baselineUploadedAt: new Date(all[0].uploaded_ms).toISOString(),
    status,
    features,
    prediction,
    ...(score === null ? {} : { score }),
    ...(problems.length === 0 ? {} : { problems }),
  };
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
function predictionMismatch(sql: SqlStorage, version: string, baselineKinds: ReadonlySet<string>): string | null {
  const expected = predictionKindOf(baselineKinds);
  if (expected === null) return null;
  const sent = sql
    .exec<{ kind: string }>("SELECT DISTINCT kind FROM series WHERE version = ? AND segment = '' AND kind IN (?, ?, ?)", version, SeriesKind.predictionValue, SeriesKind.predictionLabel, SeriesKind.predictionScore)
    .toArray();
  const actual = predictionKindOf(new Set(sent.map((row) => row.kind)));
  if (actual === null || actual === expected) return null;
  // A label baseline without a score still measures the label of label-with-score traffic.
  if (expected === "label" && actual === "label_with_score") return null;
  return `baseline has ${KIND_IN_BASELINE[expected]}, traffic sends ${KIND_ON_THE_WIRE[actual]}: upload a baseline whose prediction column matches (--prediction <label column> [--score <score column>], or a numeric --prediction for ml.prediction.value)`;
}

function seriesDrift(sql: SqlStorage, version: string, kind: SeriesKindType, name: string, baselineBytes: Uint8Array, nowMs: number, windowMinutes: number, categoriesCap: number, withCategories: boolean): SeriesDrift {
  const ids = sql
    .exec<{ id: number }>("SELECT id FROM series WHERE kind = ? AND version = ? AND name = ? AND segment = ''", kind, version, name)
    .toArray()
    .map((row) => row.id);
  // The same window read as driftline_feature_drift in the query API: clean hour rollups where
  // they cover the window, minutes elsewhere, so a 7d window is whole, not only the 48 h of minutes.
  const type = sketchTypeOf(kind) === "digest" ? "digest" : "counts";
  const window = new WindowReader(sql, { seriesIds: ids, type, windowMinutes, timesMs: [nowMs], categoriesCap, budget: newBudget(), what: `drift of ${name}` });
  const current = window.at(nowMs);
  let results: DriftResult[];
  let categories: CategoryCounts[] | undefined;
  let baselineCount: number;
  let currentCount: number;
  if (current instanceof TDigest) {
    const baseline = TDigest.fromBytes(baselineBytes);
    results = numericDrift(baseline, current);
    baselineCount = baseline.count;
    currentCount = current.count;
  } else {
    const baseline = CategoricalCounts.fromBytes(baselineBytes);
    results = categoricalDrift(baseline, current);
    baselineCount = baseline.total;
    currentCount = current.total;
    if (withCategories) categories = categoryCounts(baseline, current);
  }
  const methods = results.map(toJsonSafe);
  const drift: SeriesDrift = { name, type: typeOfKind(kind), baselineCount, currentCount, status: worstStatus(methods.map((m) => m.status)), methods };
  if (categories !== undefined) drift.categories = categories;
  return drift;
}

/** Every category of either side with both counts (bounded by the two sketches' caps). */
function categoryCounts(baseline: CategoricalCounts, current: CategoricalCounts): CategoryCounts[] {
  const out: CategoryCounts[] = [];
  const seen = new Set<string>();
  for (const [category, count] of baseline.entries()) {
    seen.add(category);
    out.push({ category, baseline: count, current: current.get(category) });
  }
  const added: CategoryCounts[] = [];
  for (const [category, count] of current.entries()) if (!seen.has(category)) added.push({ category, baseline: 0, current: count });
  out.sort((a, b) => b.baseline - a.baseline || a.category.localeCompare(b.category));
  added.sort((a, b) => b.current - a.current || a.category.localeCompare(b.category));
  return [...out, ...added];
}

function toJsonSafe(result: DriftResult): MethodDrift {
  const out: MethodDrift = {
    method: result.method,
    value: Number.isFinite(result.value) ? result.value : null,
    thresholdsApplyTo: result.thresholdsApplyTo,
    warn: result.warn,
    alert: result.alert,
    status: result.status,
  };
  if (result.pValue !== undefined) out.pValue = Number.isFinite(result.pValue) ? result.pValue : null;
  return out;
}

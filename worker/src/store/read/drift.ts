import { SeriesKind, TDigest, aggregatorOf, datasetDrift, missingRatio, newCategoryRatio, outOfRangeRatio, resolveFeatureSettings, seriesDrift } from "@driftline/collector";
import type { CategoricalCounts } from "@driftline/collector";
import { PREDICTION_FEATURE, SCORE_FEATURE, TARGET_FEATURE, WINDOW_MINUTES } from "@driftline/collector/series";
import type { WindowName } from "@driftline/collector/series";
import type { DriftMethod, DriftResult, DriftSettings, DriftStatus, SeriesKind as SeriesKindType } from "@driftline/collector";
import { WindowReader, newBudget } from "./window-reader.ts";
import { isTargetKind, typeOfKind } from "../baselines.ts";
import { predictionMismatch, servedPredictionKind } from "./prediction-kind.ts";
import { readDriftSettings } from "../drift-settings.ts";
import { windowCount } from "./window-count.ts";


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

/**
 * One feature's (or the prediction's) drift: every applicable method, and the status of the one
 * method that decides (`statusMethod`: configured in the settings, or the default by type and
 * window size; docs/drift.md, "Default status").
 */
export type SeriesDrift = {
  name: string;
  type: "numeric" | "categorical";
  baselineCount: number;
  currentCount: number;
  status: DriftStatus;
  statusMethod: DriftMethod;
  statusMethodFrom: "settings" | "default";
  /** Left out of the version's status and the dataset share by the settings. */
  excluded: boolean;
  /** Importance weight in the weighted dataset share. */
  weight: number;
  /** Data quality of the window (docs/drift.md, "Data quality"); null ratios where nothing divides. */
  quality: QualityJson;
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

/**
 * Ratios of data quality: `missing` (null, NaN or absent, of the version's predictions in the
 * window), `baselineMissing` (the same of the baseline's rows), `outOfRange` (numeric: outside
 * the baseline's [min, max]), `newCategories` (categorical: not among the baseline's categories),
 * `typeMismatch` (features: values refused for the other type, of the predictions; part of `missing`).
 */
export type QualityJson = { missing: number | null; baselineMissing: number | null; outOfRange?: number | null; newCategories?: number | null; typeMismatch?: number | null };

/** The dataset figures (collector/src/drift/dataset-share.ts), NaN shares as null. */
export type DatasetDriftJson = { features: number; drifted: number; share: number | null; weightedShare: number | null; status: DriftStatus };

/** What GET /api/models/:model/drift returns (beside the model id). */
export type DriftReport = {
  version: string;
  window: WindowName;
  /** The window is (from, to]: the minute buckets whose start lies in it, the current minute included. */
  from: string;
  to: string;
  baselineUploadedAt: string;
  /** Worst status over the features and the prediction that are not excluded. */
  status: DriftStatus;
  /** Share of the (not excluded) features in alert, plain and importance-weighted. */
  dataset: DatasetDriftJson;
  features: SeriesDrift[];
  prediction: SeriesDrift | null;
  /** The score's drift, when the baseline is a label with score. */
  score?: SeriesDrift | null;
  /**
   * Target drift: the actual values or labels that arrived in the window (`ml.actual.value`,
   * `ml.actual.label`, by their arrival) against the baseline's target column, when it has one.
   */
  target?: SeriesDrift | null;
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
export function computeDrift(sql: SqlStorage, version: string, window: WindowName, nowMs: number, categoriesCap: number, feature?: string, segment = ""): DriftReport | null {
  const all = sql
    .exec<{ kind: string; name: string; sketch: ArrayBuffer; uploaded_ms: number; rows: number; count: number }>("SELECT kind, name, sketch, uploaded_ms, rows, count FROM baselines WHERE version = ? ORDER BY name", version)
    .toArray();
  if (all.length === 0) return null;
  // One feature (with its categories) when the request names it; an unknown name gives no feature.
  const baselines = feature === undefined ? all : all.filter((row) => row.name === feature && (row.kind === SeriesKind.numericFeature || row.kind === SeriesKind.categoricalFeature));
  const toMinute = Math.floor(nowMs / 60_000);
  const fromMinute = toMinute - WINDOW_MINUTES[window];
  const features: SeriesDrift[] = [];
  let prediction: SeriesDrift | null = null;
  let score: SeriesDrift | null = null;
  let target: SeriesDrift | null = null;
  const settings = readDriftSettings(sql);
  const predictionIds = sql.exec<{ id: number }>("SELECT id FROM series WHERE kind = ? AND version = ? AND segment = ?", SeriesKind.predictions, version, segment).toArray().map((r) => r.id);
  const predictions = windowCount(sql, predictionIds, WINDOW_MINUTES[window], nowMs);
  // A window baseline of a store that holds both prediction kinds from before the one-kind rule
  // has both: only the kind the version is served with counts (issue 11, item 5).
  const served = servedPredictionKind(sql, version, all);
  const notServed = (kind: string) => served !== undefined && (kind === SeriesKind.predictionValue || kind === SeriesKind.predictionLabel) && kind !== served;
  for (const row of baselines) {
    const kind = row.kind as SeriesKindType;
    if (notServed(kind)) continue;
    const drift = driftOfSeries(sql, { version, segment }, kind, row.name, new Uint8Array(row.sketch), nowMs, WINDOW_MINUTES[window], categoriesCap, settings, feature !== undefined);
    drift.quality.baselineMissing = finiteOrNull(missingRatio(row.count, row.rows));
    if (isTargetKind(kind)) {
      // Actuals arrive later and for some predictions only: the predictions are no denominator.
      target = drift;
      continue;
    }
    drift.quality.missing = finiteOrNull(missingRatio(drift.currentCount, predictions));
    if (kind === SeriesKind.numericFeature || kind === SeriesKind.categoricalFeature) {
      const mismatchIds = sql.exec<{ id: number }>("SELECT id FROM series WHERE kind = ? AND version = ? AND name = ? AND segment = ?", SeriesKind.typeMismatches, version, row.name, segment).toArray().map((r) => r.id);
      drift.quality.typeMismatch = predictions > 0 ? Math.min(1, windowCount(sql, mismatchIds, WINDOW_MINUTES[window], nowMs) / predictions) : null;
    }
    if (kind === SeriesKind.predictionValue || kind === SeriesKind.predictionLabel) prediction = drift;
    else if (kind === SeriesKind.predictionScore) score = drift;
    else features.push(drift);
  }
  const problems: string[] = [];
  const mismatch = predictionMismatch(sql, version, new Set(all.map((row) => row.kind).filter((kind) => !notServed(kind))), notServed);
  if (mismatch !== null) {
    problems.push(mismatch);
    for (const drift of [prediction, score]) {
      if (drift === null) continue;
      drift.mismatch = mismatch;
      drift.status = "no_data";
    }
  }
  const measured = [...features, ...[prediction, score, target].filter((d): d is SeriesDrift => d !== null)].filter((d) => !d.excluded);
  let status = worstStatus(measured.map((d) => d.status));
  // A part that cannot be measured must not read as healthy: never "ok" beside a mismatch.
  if (mismatch !== null && status === "ok") status = "no_data";
  const dataset = datasetDrift(features);
  return {
    version,
    window,
    from: new Date((fromMinute + 1) * 60_000).toISOString(),
    to: new Date(nowMs).toISOString(),
    baselineUploadedAt: new Date(all[0].uploaded_ms).toISOString(),
    status,
    dataset: { features: dataset.features, drifted: dataset.drifted, share: finiteOrNull(dataset.share), weightedShare: finiteOrNull(dataset.weightedShare), status: dataset.status },
    features,
    prediction,
    ...(score === null ? {} : { score }),
    ...(target === null ? {} : { target }),
    ...(problems.length === 0 ? {} : { problems }),
  };
}

/** The score's key in the settings and `driftline_drift_status`'s `feature` label (it has no feature name of its own). */
export const SCORE_SETTINGS_KEY = SCORE_FEATURE;
/** The target's key, likewise. */
export const TARGET_SETTINGS_KEY = TARGET_FEATURE;

/** The key of a series in the settings and in `driftline_drift_status`'s `feature` label. */
export function settingsKey(kind: SeriesKindType, name: string): string {
  if (kind === SeriesKind.predictionScore) return SCORE_SETTINGS_KEY;
  if (isTargetKind(kind)) return TARGET_SETTINGS_KEY;
  return kind === SeriesKind.predictionValue || kind === SeriesKind.predictionLabel ? PREDICTION_FEATURE : name;
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function driftOfSeries(sql: SqlStorage, { version, segment }: { version: string; segment: string }, kind: SeriesKindType, name: string, baselineBytes: Uint8Array, nowMs: number, windowMinutes: number, categoriesCap: number, stored: DriftSettings | null, withCategories: boolean): SeriesDrift {
  const ids = sql
    .exec<{ id: number }>("SELECT id FROM series WHERE kind = ? AND version = ? AND name = ? AND segment = ?", kind, version, name, segment)
    .toArray()
    .map((row) => row.id);
  // The same window read as driftline_feature_drift in the query API: clean hour rollups where
  // they cover the window, minutes elsewhere, so a 7d window is whole, not only the 48 h of minutes.
  const aggregator = aggregatorOf(kind);
  const type = aggregator.type === "digest" ? "digest" : "counts";
  const window = new WindowReader(sql, { seriesIds: ids, type, windowMinutes, timesMs: [nowMs], categoriesCap, budget: newBudget(), what: `drift of ${name}` });
  const current = window.at(nowMs);
  const settings = resolveFeatureSettings(stored, version, settingsKey(kind, name));
  let categories: CategoryCounts[] | undefined;
  let baselineCount: number;
  let currentCount: number;
  let verdict;
  const quality: QualityJson = { missing: null, baselineMissing: null };
  if (current instanceof TDigest) {
    const baseline = aggregator.decode(0, baselineBytes) as TDigest;
    verdict = seriesDrift({ type: "numeric", baseline, current }, settings);
    baselineCount = baseline.count;
    currentCount = current.count;
    quality.outOfRange = finiteOrNull(outOfRangeRatio(baseline, current));
  } else {
    const baseline = aggregator.decode(0, baselineBytes) as CategoricalCounts;
    verdict = seriesDrift({ type: "categorical", baseline, current }, settings);
    baselineCount = baseline.total;
    currentCount = current.total;
    quality.newCategories = finiteOrNull(newCategoryRatio(baseline, current));
    if (withCategories) categories = categoryCounts(baseline, current);
  }
  const drift: SeriesDrift = {
    name,
    type: typeOfKind(kind),
    baselineCount,
    currentCount,
    status: verdict.status,
    statusMethod: verdict.statusMethod,
    statusMethodFrom: verdict.configured ? "settings" : "default",
    excluded: settings.exclude,
    weight: settings.weight,
    quality,
    methods: verdict.results.map(toJsonSafe),
  };
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

/** A drift method's result as JSON: NaN (no data) becomes null. */
export function toJsonSafe(result: DriftResult): MethodDrift {
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

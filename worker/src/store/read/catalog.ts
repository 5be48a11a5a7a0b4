import { DRIFT_METHODS_OF, SeriesKind, aggregatorOf, exclusiveSlot } from "@driftline/collector";
import type { SeriesKind as SeriesKindType } from "@driftline/collector";
import { matchesAll } from "@driftline/collector/promql";
import type { Labels, Matcher } from "@driftline/collector/promql";
import type { WindowName } from "@driftline/collector/series";
import { DURATION_BUCKETS_SECONDS, FEATURE_QUANTILES, Family, PREDICTION_FEATURE, SCORE_FEATURE, SERIES_NAMES, TARGET_FEATURE, WINDOW_NAMES, leLabel, numberLabel } from "@driftline/collector/series";
import { CUSTOM_QUANTILES, customSeriesLabels } from "@driftline/collector/series";
import { segmentLabels } from "./segment-labels.ts";
import { ACCURACY_KINDS, accuracyCatalog } from "./accuracy-series.ts";
import type { AccuracyEntry } from "./accuracy-series.ts";

/**
 * A stored series, as the catalog reads it from the `series` table; `segment` is "" for the whole
 * model, else "name=value" (served as the `segment` and `segment_value` labels).
 */
export type StoredSeries = { id: number; kind: SeriesKindType; version: string; name: string; segment: string; total: number; firstMinute: number; lastMinute: number };

/** A series the query layer can serve, with what computes it; labels include `__name__`. */
export type CatalogEntry =
  | { type: "counter"; labels: Labels; ids: number[]; total: number; firstMinute: number; lastMinute: number }
  | { type: "bucket"; labels: Labels; series: StoredSeries; boundSeconds: number }
  | { type: "sum"; labels: Labels; series: StoredSeries }
  | { type: "gauge"; labels: Labels; series: StoredSeries; family: Family; window: WindowName; method?: string; quantile?: number }
  | { type: "baseline"; labels: Labels; version: string; kind: SeriesKindType; name: string; quantile: number }
  | DatasetEntry
  | AccuracyEntry;

/** A dataset drift figure of one version and segment over one window, from its baselined features' statuses (dataset-series.ts). */
export type DatasetEntry = { type: "dataset"; labels: Labels; family: Family; window: WindowName; features: StoredSeries[] };

const DATASET_FAMILIES: readonly Family[] = [Family.datasetDriftShare, Family.datasetDriftWeightedShare, Family.datasetDriftStatus];

const FEATURE_KINDS: readonly string[] = [SeriesKind.numericFeature, SeriesKind.categoricalFeature];
/** Labels that a feature's gauges take from the series itself, the same for each of its gauges. */
const SERIES_LEVEL_LABELS: ReadonlySet<string> = new Set(["model", "version", "feature", "segment", "segment_value"]);
const PREDICTION_KINDS: readonly string[] = [SeriesKind.predictionValue, SeriesKind.predictionLabel];

/**
 * Every series of one model that `matchers` select, without computing any value: the names are
 * matched first, so a query for one family never enumerates the others, and the full label set
 * is matched before anything is read or computed. `baselined` holds "version\0kind\0name" of
 * the series that have a baseline (drift needs one). `rows` must be in id order: a feature seen
 * both as a number and as a string keeps the type it had first (docs/semantic-conventions.md).
 */
export function catalog(model: string, rows: readonly StoredSeries[], baselined: ReadonlySet<string>, matchers: readonly Matcher[]): CatalogEntry[] {
  const nameMatchers = matchers.filter((m) => m.name === "__name__");
  const names = new Set(SERIES_NAMES.filter((n) => matchesAll({ __name__: n }, nameMatchers)));
  const out: CatalogEntry[] = [];
  const push = (entry: CatalogEntry): void => {
    if (matchesAll(entry.labels, matchers)) out.push(entry);
  };
  const base = (name: string, s: { version: string; segment: string }): Labels => ({ __name__: name, model, version: s.version, ...segmentLabels(s.segment) });
  const actuals = new Map<string, StoredSeries[]>();
  const accuracyRows: StoredSeries[] = [];
  const slotKinds = new Map<string, SeriesKindType>();
  const customCounters = new Set(rows.filter((s) => s.kind === SeriesKind.customSum).map((s) => `${s.version}\u0000${s.name}`));
  const datasets = new Map<string, StoredSeries[]>();
  for (const s of rows) {
    const hasBaseline = baselined.has(`${s.version}\u0000${s.kind}\u0000${s.name}`);
    const slot = exclusiveSlot(s.kind, s.name);
    if (slot !== undefined) {
      // Stores written before the type rules may hold both types of a feature, or both kinds of
      // prediction in a version: serve the first (lowest id), as ingest keeps only it.
      const key = `${s.version}\u0000${s.segment}\u0000${slot}`;
      if ((slotKinds.get(key) ?? s.kind) !== s.kind) continue;
      slotKinds.set(key, s.kind);
    }
    if (ACCURACY_KINDS.has(s.kind)) {
      accuracyRows.push(s);
    } else if (s.kind === SeriesKind.customSum || s.kind === SeriesKind.customValues) {
      customEntries(s, customCounters.has(`${s.version}\u0000${s.name}`), nameMatchers, (extra) => ({ ...extra, model, version: s.version }), push);
    } else if (s.kind === SeriesKind.genAiTokens) {
      if (names.has(Family.genAiTokens)) push({ type: "sum", labels: { ...base(Family.genAiTokens, s), type: s.name }, series: s });
    } else if (s.kind === SeriesKind.predictions && names.has(Family.predictions)) {
      push({ type: "counter", labels: base(Family.predictions, s), ids: [s.id], total: s.total, firstMinute: s.firstMinute, lastMinute: s.lastMinute });
    } else if (s.kind === SeriesKind.errors && names.has(Family.errors)) {
      push({ type: "counter", labels: base(Family.errors, s), ids: [s.id], total: s.total, firstMinute: s.firstMinute, lastMinute: s.lastMinute });
    } else if (s.kind === SeriesKind.actualValue || s.kind === SeriesKind.actualLabel) {
      const key = `${s.version}\u0000${s.segment}`;
      actuals.set(key, [...(actuals.get(key) ?? []), s]);
      // Target drift, against the baseline's target column.
      if (hasBaseline) gaugesOf(s, true, names, (labels) => ({ ...base(labels.__name__, s), ...labels }), push);
    } else if (s.kind === SeriesKind.predictionScore) {
      if (hasBaseline) gaugesOf(s, true, names, (labels) => ({ ...base(labels.__name__, s), ...labels }), push);
    } else if (s.kind === SeriesKind.latency) {
      const bucketName = `${Family.duration}_bucket`;
      if (names.has(bucketName)) {
        for (const bound of DURATION_BUCKETS_SECONDS) {
          const labels = { ...base(bucketName, s), le: leLabel(bound) };
          if (bound === Infinity) push({ type: "counter", labels, ids: [s.id], total: s.total, firstMinute: s.firstMinute, lastMinute: s.lastMinute });
          else push({ type: "bucket", labels, series: s, boundSeconds: bound });
        }
      }
      if (names.has(`${Family.duration}_count`)) push({ type: "counter", labels: base(`${Family.duration}_count`, s), ids: [s.id], total: s.total, firstMinute: s.firstMinute, lastMinute: s.lastMinute });
      if (names.has(`${Family.duration}_sum`)) push({ type: "sum", labels: base(`${Family.duration}_sum`, s), series: s });
    } else if (FEATURE_KINDS.includes(s.kind) || PREDICTION_KINDS.includes(s.kind)) {
      // Every gauge of a feature carries these labels: a selector for one feature (an alert
      // rule's, a dashboard row's) skips the other features without building their entries.
      if (FEATURE_KINDS.includes(s.kind) && !matchesAll({ model, version: s.version, feature: s.name, ...segmentLabels(s.segment) }, matchers.filter((m) => SERIES_LEVEL_LABELS.has(m.name)))) continue;
      gaugesOf(s, hasBaseline, names, (labels) => ({ ...base(labels.__name__, s), ...labels }), push);
      if (hasBaseline && FEATURE_KINDS.includes(s.kind)) {
        const key = `${s.version}\u0000${s.segment}`;
        datasets.set(key, [...(datasets.get(key) ?? []), s]);
      }
    }
  }
  for (const features of datasets.values()) {
    for (const family of DATASET_FAMILIES) {
      if (!names.has(family)) continue;
      for (const window of WINDOW_NAMES) push({ type: "dataset", labels: { ...base(family, features[0]), window }, family, window, features });
    }
  }
  if (names.has(Family.actuals)) {
    for (const series of actuals.values()) {
      const total = series.reduce((a, s) => a + s.total, 0);
      const firstMinute = Math.min(...series.map((s) => s.firstMinute));
      const lastMinute = Math.max(...series.map((s) => s.lastMinute));
      push({ type: "counter", labels: base(Family.actuals, series[0]), ids: series.map((s) => s.id), total, firstMinute, lastMinute });
    }
  }
  if (names.has(Family.missingRatio) || names.has(Family.typeMismatchRatio)) {
    for (const s of absentFeatures(rows, baselined, slotKinds)) qualityGauges(s, names, (labels) => ({ ...base(labels.__name__, s), ...labels }), push);
  }
  accuracyCatalog(accuracyRows, names, base, push);
  if (names.has(Family.baselineQuantile)) {
    for (const key of baselined) {
      const [version, kind, name] = key.split("\u0000") as [string, SeriesKindType, string];
      if (kind !== SeriesKind.numericFeature) continue;
      for (const q of FEATURE_QUANTILES) {
        push({ type: "baseline", labels: { __name__: Family.baselineQuantile, model, version, feature: name, quantile: numberLabel(q) }, version, kind, name, quantile: q });
      }
    }
  }
  return out;
}

/**
 * A custom metric's series: a sum's running total as a counter, or, for gauges and histograms
 * (no sum of that name), a windowed summary of the values, computed like a feature's quantiles.
 */
function customEntries(s: StoredSeries, hasCounter: boolean, nameMatchers: readonly Matcher[], labelsOf: (extra: Labels) => Labels, push: (entry: CatalogEntry) => void): void {
  if (s.kind === SeriesKind.customSum) {
    const labels = labelsOf(customSeriesLabels(s.name, true));
    if (matchesAll(labels, nameMatchers)) push({ type: "counter", labels, ids: [s.id], total: s.total, firstMinute: s.firstMinute, lastMinute: s.lastMinute });
    return;
  }
  if (hasCounter) return;
  const own = labelsOf(customSeriesLabels(s.name, false));
  if (!matchesAll(own, nameMatchers)) return;
  for (const window of WINDOW_NAMES) {
    for (const q of CUSTOM_QUANTILES) {
      push({ type: "gauge", labels: { ...own, quantile: numberLabel(q), window }, series: s, family: Family.featureQuantile, window, quantile: q });
    }
  }
}

/**
 * The drift family of each baselined kind that is not a feature, and its `feature` label in
 * driftline_drift_status: the prediction, a classifier's score, the target (actuals).
 */
const OUTPUT_DRIFT: Partial<Record<SeriesKindType, { family: Family; statusFeature: string }>> = {
  [SeriesKind.predictionValue]: { family: Family.predictionDrift, statusFeature: PREDICTION_FEATURE },
  [SeriesKind.predictionLabel]: { family: Family.predictionDrift, statusFeature: PREDICTION_FEATURE },
  [SeriesKind.predictionScore]: { family: Family.scoreDrift, statusFeature: SCORE_FEATURE },
  [SeriesKind.actualValue]: { family: Family.targetDrift, statusFeature: TARGET_FEATURE },
  [SeriesKind.actualLabel]: { family: Family.targetDrift, statusFeature: TARGET_FEATURE },
};

function gaugesOf(s: StoredSeries, hasBaseline: boolean, names: ReadonlySet<string>, labelsOf: (extra: Labels) => Labels, push: (entry: CatalogEntry) => void): void {
  const output = OUTPUT_DRIFT[s.kind];
  const numeric = aggregatorOf(s.kind).type === "digest";
  const methodList = DRIFT_METHODS_OF[numeric ? "digest" : "counts"];
  for (const window of WINDOW_NAMES) {
    const gauge = (family: Family, extra: Labels, more: { method?: string; quantile?: number } = {}): void => {
      if (names.has(family)) push({ type: "gauge", labels: labelsOf({ __name__: family, ...extra, window }), series: s, family, window, ...more });
    };
    if (hasBaseline) {
      for (const method of methodList) {
        if (output !== undefined) gauge(output.family, { method }, { method });
        else gauge(Family.featureDrift, { feature: s.name, method }, { method });
      }
      gauge(Family.driftStatus, { feature: output?.statusFeature ?? s.name });
      if (s.kind === SeriesKind.numericFeature) gauge(Family.outOfRangeRatio, { feature: s.name });
      if (s.kind === SeriesKind.categoricalFeature) gauge(Family.newCategoryRatio, { feature: s.name });
    }
    if (s.kind === SeriesKind.numericFeature) {
      for (const q of FEATURE_QUANTILES) gauge(Family.featureQuantile, { feature: s.name, quantile: numberLabel(q) }, { quantile: q });
    }
  }
  if (FEATURE_KINDS.includes(s.kind)) qualityGauges(s, names, labelsOf, push);
}

/** A feature's missing and type-mismatch ratios, per window (docs/drift.md, "Data quality"). */
function qualityGauges(s: StoredSeries, names: ReadonlySet<string>, labelsOf: (extra: Labels) => Labels, push: (entry: CatalogEntry) => void): void {
  for (const window of WINDOW_NAMES) {
    for (const family of [Family.missingRatio, Family.typeMismatchRatio]) {
      if (names.has(family)) push({ type: "gauge", labels: labelsOf({ __name__: family, feature: s.name, window }), series: s, family, window });
    }
  }
}

/**
 * Features a version's predictions in some segment never carried although the version has them
 * (in its baseline, or in traffic of another segment): the commonest production incident, a
 * feature that stops being sent, must read missing = 1, not no series at all. Each is a stand-in
 * series with a negative id (no buckets: an empty window), spanning its predictions' minutes, of
 * the type the version's traffic gave the feature first, else the baseline's.
 */
function absentFeatures(rows: readonly StoredSeries[], baselined: ReadonlySet<string>, slotKinds: ReadonlyMap<string, SeriesKindType>): StoredSeries[] {
  const features = new Map<string, Map<string, SeriesKindType>>();
  const known = (version: string): Map<string, SeriesKindType> => {
    let byName = features.get(version);
    if (byName === undefined) features.set(version, (byName = new Map()));
    return byName;
  };
  for (const key of baselined) {
    const [version, kind, name] = key.split("\u0000") as [string, SeriesKindType, string];
    if (FEATURE_KINDS.includes(kind)) known(version).set(name, kind);
  }
  // Traffic's type wins over the baseline's (the store keeps the first type traffic gave): rows are in id order.
  const firstTyped = new Set<string>();
  for (const s of rows) {
    if (!FEATURE_KINDS.includes(s.kind) || firstTyped.has(`${s.version}\u0000${s.name}`)) continue;
    firstTyped.add(`${s.version}\u0000${s.name}`);
    known(s.version).set(s.name, s.kind);
  }
  const out: StoredSeries[] = [];
  for (const p of rows) {
    if (p.kind !== SeriesKind.predictions) continue;
    for (const [name, kind] of features.get(p.version) ?? []) {
      if (slotKinds.has(`${p.version}\u0000${p.segment}\u0000${exclusiveSlot(kind, name)}`)) continue;
      out.push({ id: -(out.length + 1), kind, version: p.version, name, segment: p.segment, total: 0, firstMinute: p.firstMinute, lastMinute: p.lastMinute });
    }
  }
  return out;
}

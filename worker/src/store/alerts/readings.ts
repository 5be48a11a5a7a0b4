/**
 * What each rule kind reads from the ModelStore's own SQLite at an evaluation: one number over
 * the window (t − window, t], read the way the query API reads it (WindowReader: clean hour
 * rollups where they cover the window, minute buckets elsewhere). Pluggable: a kind is evaluated
 * only when {@link READERS} has a reader for it, and the rules API refuses the others.
 */
import { CategoricalCounts, DRIFT_METHODS_OF, SeriesKind, TDigest, aggregatorOf, categoricalDrift, missingRatio, newCategoryRatio, numericDrift, outOfRangeRatio, resolveFeatureSettings, seriesDrift } from "@driftline/collector";
import type { CategoricalDriftMethod, DriftPair, DriftResult, NumericDriftMethod, SeriesKind as SeriesKindType } from "@driftline/collector";
import type { AlertRule, Reading, RuleKind } from "@driftline/collector/alerts";
import { WindowReader, newBudget } from "../read/window-reader.ts";
import { ReadLimitError } from "../read/read-limit.ts";
import { accuracyMetricAt } from "../read/accuracy.ts";
import { settingsKey } from "../read/drift.ts";
import { servedPredictionKind } from "../read/prediction-kind.ts";
import { windowCount } from "../read/window-count.ts";
import { readDriftSettings } from "../drift-settings.ts";
import { windowOfMinutes } from "@driftline/collector/series";

/** What a reader may need beside the rule and the clock. */
export type ReadingContext = { categoriesCap: number };

/** Reads one rule's value at `nowMs`. Must not throw on data; a missing input is `{ error }`. */
export type Reader = (sql: SqlStorage, rule: AlertRule, nowMs: number, context: ReadingContext) => Reading;

/** The readers per kind: a new kind is one entry here (and its parsing in rule.ts). */
export const READERS: Partial<Record<RuleKind, Reader>> = {
  drift: driftReading,
  latency: latencyReading,
  error_rate: errorRateReading,
  accuracy: accuracyReading,
  no_data: noDataReading,
  data_quality: dataQualityReading,
};

/** Reads a rule's value; a read past a store limit is an error reading, not an exception. */
export function readRule(sql: SqlStorage, rule: AlertRule, nowMs: number, context: ReadingContext): Reading {
  const reader = READERS[rule.kind];
  if (reader === undefined) return { error: `kind ${rule.kind} is not evaluated by this version of Driftline` };
  try {
    return reader(sql, rule, nowMs, context);
  } catch (error) {
    if (error instanceof ReadLimitError) return { error: error.message };
    throw error;
  }
}

/**
 * The ids of a rule's series of some kinds: one version or all, the rule's segment or the whole
 * model (the store keeps a segment as "name=value", collector/src/fold/logs.ts).
 */
function seriesIds(sql: SqlStorage, kinds: readonly string[], rule: Pick<AlertRule, "version" | "segment">, name = ""): number[] {
  const placeholders = kinds.map(() => "?").join(", ");
  const segment = rule.segment === undefined ? "" : `${rule.segment.name}=${rule.segment.value}`;
  const rows = rule.version === undefined
    ? sql.exec<{ id: number }>(`SELECT id FROM series WHERE kind IN (${placeholders}) AND name = ? AND segment = ?`, ...kinds, name, segment)
    : sql.exec<{ id: number }>(`SELECT id FROM series WHERE kind IN (${placeholders}) AND name = ? AND segment = ? AND version = ?`, ...kinds, name, segment, rule.version);
  return rows.toArray().map((r) => r.id);
}

function driftReading(sql: SqlStorage, rule: AlertRule, nowMs: number, context: ReadingContext): Reading {
  const what = rule.feature === undefined ? "the prediction" : `feature ${JSON.stringify(rule.feature)}`;
  const kinds = rule.feature === undefined ? [SeriesKind.predictionValue, SeriesKind.predictionLabel] : [SeriesKind.numericFeature, SeriesKind.categoricalFeature];
  const baselines = sql
    .exec<{ kind: string; sketch: ArrayBuffer }>("SELECT kind, sketch FROM baselines WHERE version = ? AND name = ? AND kind IN (?, ?)", rule.version!, rule.feature ?? "", ...kinds)
    .toArray();
  // A version is served with one prediction kind (read/drift.ts): its baseline, if it has both.
  const served = rule.feature === undefined ? servedPredictionKind(sql, rule.version!, baselines) : undefined;
  const baseline = baselines.find((b) => served === undefined || b.kind === served);
  if (baseline === undefined) return { error: `no baseline of ${what} for version ${JSON.stringify(rule.version)}: PUT /api/models/${rule.model}/versions/${rule.version}/baseline` };
  const numeric = baseline.kind === SeriesKind.numericFeature || baseline.kind === SeriesKind.predictionValue;
  const method = rule.method!;
  const methods: readonly string[] = DRIFT_METHODS_OF[numeric ? "digest" : "counts"];
  if (method !== undefined && !methods.includes(method)) {
    return { error: `method ${method} does not apply to ${what}, which is ${numeric ? "numeric" : "categorical"} (methods: ${methods.join(", ")})` };
  }
  const ids = seriesIds(sql, [baseline.kind], rule, rule.feature ?? "");
  const reader = new WindowReader(sql, { seriesIds: ids, type: numeric ? "digest" : "counts", windowMinutes: rule.windowMs / 60_000, timesMs: [nowMs], categoriesCap: context.categoriesCap, budget: newBudget(), what: `alert ${rule.name}` });
  const current = reader.at(nowMs);
  let result: DriftResult;
  const reference = aggregatorOf(baseline.kind as SeriesKindType).decode(0, new Uint8Array(baseline.sketch));
  if (rule.fromSettings === true) return settingsStatusReading(sql, rule, baseline.kind as SeriesKindType, numeric ? { type: "numeric", baseline: reference as TDigest, current: current as TDigest } : { type: "categorical", baseline: reference as CategoricalCounts, current: current as CategoricalCounts });
  if (numeric) result = numericDrift(reference as TDigest, current as TDigest, { methods: [method as NumericDriftMethod] })[0];
  else result = categoricalDrift(reference as CategoricalCounts, current as CategoricalCounts, { methods: [method as CategoricalDriftMethod] })[0];
  return { value: result.status === "no_data" || !Number.isFinite(result.value) ? null : result.value };
}

const STATUS_LEVEL = { ok: 0, warn: 1, alert: 2 } as const;

/**
 * A drift rule without a threshold: the status driftline_drift_status reports for the same window
 * (series-drift.ts, with the model's settings), or, when the rule names a method the settings do
 * not, that method's status at its default levels. 0 ok, 1 warn, 2 alert; no value without data.
 */
function settingsStatusReading(sql: SqlStorage, rule: AlertRule, kind: SeriesKindType, pair: DriftPair): Reading {
  const settings = resolveFeatureSettings(readDriftSettings(sql), rule.version!, settingsKey(kind, rule.feature ?? ""));
  const own = rule.method !== undefined && rule.method !== settings.method ? { exclude: settings.exclude, weight: settings.weight, method: rule.method } : settings;
  const verdict = seriesDrift(pair, own, []);
  return { value: verdict.status === "no_data" ? null : STATUS_LEVEL[verdict.status] };
}

/** A data-quality ratio of one feature over the window, as the drift API and its Prometheus series read it. */
function dataQualityReading(sql: SqlStorage, rule: AlertRule, nowMs: number, context: ReadingContext): Reading {
  if (rule.quality === "missing" || rule.quality === "type_mismatch") return perPredictionReading(sql, rule, nowMs, context);
  const numeric = rule.quality === "out_of_range";
  const kind = numeric ? SeriesKind.numericFeature : SeriesKind.categoricalFeature;
  const baseline = sql.exec<{ sketch: ArrayBuffer }>("SELECT sketch FROM baselines WHERE version = ? AND name = ? AND kind = ?", rule.version!, rule.feature!, kind).toArray()[0];
  if (baseline === undefined) {
    return { error: `no ${numeric ? "numeric" : "categorical"} baseline of feature ${JSON.stringify(rule.feature)} for version ${JSON.stringify(rule.version)} (${rule.quality} applies to ${numeric ? "numeric" : "categorical"} features)` };
  }
  const ids = seriesIds(sql, [kind], rule, rule.feature!);
  const reader = new WindowReader(sql, { seriesIds: ids, type: numeric ? "digest" : "counts", windowMinutes: rule.windowMs / 60_000, timesMs: [nowMs], categoriesCap: context.categoriesCap, budget: newBudget(), what: `alert ${rule.name}` });
  const current = reader.at(nowMs);
  const ratio = numeric
    ? outOfRangeRatio(TDigest.fromBytes(new Uint8Array(baseline.sketch)), current as TDigest)
    : newCategoryRatio(CategoricalCounts.fromBytes(new Uint8Array(baseline.sketch)), current as CategoricalCounts);
  return { value: Number.isFinite(ratio) ? ratio : null };
}

/**
 * The missing or type-mismatch ratio of one feature over the window: of the version's
 * predictions (whole model), those without a finite value of the feature, or with a value of the
 * other type (docs/drift.md, "Data quality"). The feature's type is traffic's first, else the
 * baseline's; a feature neither sent nor baselined is an error reading.
 */
function perPredictionReading(sql: SqlStorage, rule: AlertRule, nowMs: number, context: ReadingContext): Reading {
  const windowMinutes = rule.windowMs / 60_000;
  const predictions = windowCount(sql, seriesIds(sql, [SeriesKind.predictions], rule), windowMinutes, nowMs);
  if (predictions === 0) return { value: null };
  if (rule.quality === "type_mismatch") return { value: Math.min(1, windowCount(sql, seriesIds(sql, [SeriesKind.typeMismatches], rule, rule.feature!), windowMinutes, nowMs) / predictions) };
  const kinds = [SeriesKind.numericFeature, SeriesKind.categoricalFeature];
  const typed =
    sql.exec<{ kind: string }>("SELECT kind FROM series WHERE version = ? AND name = ? AND kind IN (?, ?) ORDER BY id LIMIT 1", rule.version!, rule.feature!, ...kinds).toArray()[0]?.kind ??
    sql.exec<{ kind: string }>("SELECT kind FROM baselines WHERE version = ? AND name = ? AND kind IN (?, ?)", rule.version!, rule.feature!, ...kinds).toArray()[0]?.kind;
  if (typed === undefined) return { error: `version ${JSON.stringify(rule.version)} has no feature ${JSON.stringify(rule.feature)}, in its baseline or in traffic` };
  const numeric = typed === SeriesKind.numericFeature;
  const ids = seriesIds(sql, [typed], rule, rule.feature!);
  const reader = new WindowReader(sql, { seriesIds: ids, type: numeric ? "digest" : "counts", windowMinutes, timesMs: [nowMs], categoriesCap: context.categoriesCap, budget: newBudget(), what: `alert ${rule.name}` });
  const current = reader.at(nowMs);
  const ratio = missingRatio(numeric ? (current as TDigest).count : (current as CategoricalCounts).total, predictions);
  return { value: Number.isFinite(ratio) ? ratio : null };
}

function latencyReading(sql: SqlStorage, rule: AlertRule, nowMs: number, context: ReadingContext): Reading {
  const ids = seriesIds(sql, [SeriesKind.latency], rule);
  const reader = new WindowReader(sql, { seriesIds: ids, type: "digest", windowMinutes: rule.windowMs / 60_000, timesMs: [nowMs], categoriesCap: context.categoriesCap, budget: newBudget(), what: `alert ${rule.name}` });
  const digest = reader.at(nowMs) as TDigest;
  return { value: digest.count === 0 ? null : digest.quantile(rule.quantile!) };
}

/** Counter increments over the window's minutes: windows are at most a day, inside the 48 h of minutes. */
function counterSum(sql: SqlStorage, ids: readonly number[], nowMs: number, windowMs: number): number {
  if (ids.length === 0) return 0;
  const hi = Math.floor(nowMs / 60_000);
  const lo = hi - windowMs / 60_000 + 1;
  // Series ids are integers from our own table, so joining them into the SQL is safe.
  return sql.exec<{ n: number | null }>(`SELECT sum(value) AS n FROM bucket_1m WHERE series_id IN (${ids.join(",")}) AND minute BETWEEN ? AND ?`, lo, hi).one().n ?? 0;
}

function errorRateReading(sql: SqlStorage, rule: AlertRule, nowMs: number): Reading {
  const predictions = counterSum(sql, seriesIds(sql, [SeriesKind.predictions], rule), nowMs, rule.windowMs);
  if (predictions === 0) return { value: null };
  const errors = counterSum(sql, seriesIds(sql, [SeriesKind.errors], rule), nowMs, rule.windowMs);
  return { value: errors / predictions };
}

/**
 * Seconds since the end of the last minute that holds a prediction (buckets are minutes, so this
 * is up to a minute short of the true silence). A model that never sent anything counts from
 * when the rule was stored, so a rule for a silent model fires after its duration, not at once.
 */
function noDataReading(sql: SqlStorage, rule: AlertRule, nowMs: number): Reading {
  const ids = seriesIds(sql, [SeriesKind.predictions], rule);
  const last = ids.length === 0 ? null : sql.exec<{ m: number | null }>(`SELECT max(last_minute) AS m FROM series WHERE id IN (${ids.join(",")})`).one().m;
  const createdMs = sql.exec<{ updated_ms: number }>("SELECT updated_ms FROM alert_rules WHERE name = ?", rule.name).toArray()[0]?.updated_ms ?? nowMs;
  const sinceMs = last === null ? createdMs : (last + 1) * 60_000;
  return { value: Math.max(0, (nowMs - sinceMs) / 1000) };
}

/** An accuracy metric of the version's joined pairs over the window (store/accuracy.ts); no value without pairs. */
function accuracyReading(sql: SqlStorage, rule: AlertRule, nowMs: number, context: ReadingContext): Reading {
  // parseRule admits only the vocabulary's windows for accuracy rules.
  const window = windowOfMinutes(rule.windowMs / 60_000);
  if (window === undefined) return { error: `window of ${rule.windowMs / 60_000} minutes is not one the accuracy store reads` };
  return { value: accuracyMetricAt(sql, rule.version!, rule.metric!, window, nowMs, context.categoriesCap, rule.className) };
}

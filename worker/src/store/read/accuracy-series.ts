// Runs inside the ModelStore Durable Object: read/ is the object's read engine (windows over
// minute and hour buckets, drift, accuracy, the series catalog) behind its query RPCs.
import { JoinEvent, SeriesKind } from "@driftline/collector";
import type { Labels } from "@driftline/collector/promql";
import { AccuracyReader, DELAY_QUANTILES, ERROR_QUANTILES, accuracySeriesRows } from "./accuracy.ts";
import { gaugeKey } from "./gauge-cache.ts";
import { cachedColumns, presentSamples } from "./cached-gauges.ts";
import type { GaugeCache } from "./gauge-cache.ts";
import type { AccuracyFigures } from "./accuracy.ts";
import type { AccuracyMetric, WindowName } from "@driftline/collector/series";
import type { StoredSeries } from "./catalog.ts";
import { ACCURACY_METRICS, Family, PER_CLASS_METRICS, WINDOW_NAMES, accuracyMetricSources, numberLabel } from "@driftline/collector/series";
import type { Samples } from "./counters.ts";
import type { MergeBudget } from "./window-reader.ts";

/** The windowed accuracy families (docs/accuracy.md), computed from a version's accuracy series. */
type AccuracyFamily = typeof Family.accuracy | typeof Family.predictionError | typeof Family.actualsJoinedRatio | typeof Family.actualDelay;

/** A catalog entry of a windowed accuracy series: which figure of which (version, segment, window). */
export type AccuracyEntry = {
  type: "accuracy";
  labels: Labels;
  /** The version's accuracy series spanned as one: first and last minute, for /api/v1/series ranges. */
  series: StoredSeries;
  segment: string;
  window: WindowName;
  family: AccuracyFamily;
  metric?: AccuracyMetric;
  className?: string;
  quantile?: number;
};

/** A counter entry, as the catalog's `counter` entries are. */
type CounterEntry = { type: "counter"; labels: Labels; ids: number[]; total: number; firstMinute: number; lastMinute: number };

/** The series kinds the catalog hands to {@link accuracyCatalog}. */
export const ACCURACY_KINDS: ReadonlySet<string> = new Set([
  SeriesKind.identifiedPredictions,
  SeriesKind.confusion,
  SeriesKind.scoreHit,
  SeriesKind.scoreMiss,
  SeriesKind.logLoss,
  SeriesKind.predictionError,
  SeriesKind.absoluteError,
  SeriesKind.absolutePercentageError,
  SeriesKind.actualDelay,
  SeriesKind.joinEvents,
]);

/** Labels of each join event's counter. */
const EVENT_SERIES: Record<JoinEvent, { family: string; labels: Labels }> = {
  [JoinEvent.joined]: { family: Family.actualsJoined, labels: {} },
  [JoinEvent.expiredPrediction]: { family: Family.joinExpired, labels: { side: "prediction" } },
  [JoinEvent.expiredActual]: { family: Family.joinExpired, labels: { side: "actual" } },
  [JoinEvent.duplicate]: { family: Family.joinRefused, labels: { reason: "duplicate" } },
  [JoinEvent.refusedFull]: { family: Family.joinRefused, labels: { reason: "full" } },
};

/**
 * The accuracy families' entries of one model, from its accuracy series (`rows`, kinds in
 * ACCURACY_KINDS): counters of join events, and per (version, segment) and window the
 * `driftline_accuracy` metrics the series can answer (classification or regression), per class
 * where they exist per class, the error's and the delay's quantiles and the joined ratio.
 */
export function accuracyCatalog(rows: readonly StoredSeries[], names: ReadonlySet<string>, base: (name: string, s: StoredSeries) => Labels, push: (entry: AccuracyEntry | CounterEntry) => void): void {
  const groups = new Map<string, StoredSeries[]>();
  for (const s of rows) {
    if (s.kind === SeriesKind.joinEvents) {
      const event = EVENT_SERIES[s.name as JoinEvent];
      if (event !== undefined && names.has(event.family)) push({ type: "counter", labels: { ...base(event.family, s), ...event.labels }, ids: [s.id], total: s.total, firstMinute: s.firstMinute, lastMinute: s.lastMinute });
      continue;
    }
    const key = `${s.version}\u0000${s.segment}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  for (const series of groups.values()) {
    const has = (kind: string): boolean => series.some((s) => s.kind === kind);
    const span: StoredSeries = { ...series[0], firstMinute: Math.min(...series.map((s) => s.firstMinute)), lastMinute: Math.max(...series.map((s) => s.lastMinute)) };
    const classes = [...new Set(series.filter((s) => s.kind === SeriesKind.confusion || s.kind === SeriesKind.scoreHit || s.kind === SeriesKind.scoreMiss).map((s) => s.name))].sort();
    const metrics = ACCURACY_METRICS.filter((metric) => accuracyMetricSources(metric).some(has));
    for (const window of WINDOW_NAMES) {
      const entry = (family: AccuracyFamily, extra: Labels, more: Partial<AccuracyEntry> = {}): void => {
        if (names.has(family)) push({ type: "accuracy", labels: { ...base(family, span), ...extra, window }, series: span, segment: span.segment, window, family, ...more });
      };
      for (const metric of metrics) {
        entry(Family.accuracy, { metric }, { metric });
        if (PER_CLASS_METRICS.includes(metric)) for (const c of classes) entry(Family.accuracy, { metric, class: c }, { metric, className: c });
      }
      if (has(SeriesKind.predictionError)) for (const q of ERROR_QUANTILES) entry(Family.predictionError, { quantile: numberLabel(q) }, { quantile: q });
      if (has(SeriesKind.identifiedPredictions) && metrics.length > 0) entry(Family.actualsJoinedRatio, {});
      if (has(SeriesKind.actualDelay)) for (const q of DELAY_QUANTILES) entry(Family.actualDelay, { quantile: numberLabel(q) }, { quantile: q });
    }
  }
}

/**
 * Samples of accuracy entries at `timesMs`: one AccuracyReader per (version, segment, window),
 * one computation of the figures per time, AUC only when asked for.
 *
 * With a cache, the figures of closed minutes come from it (as the drift gauges', cached-gauges.ts):
 * each group's values are kept under its lowest series id, every other series of the group is an
 * alias (a late pair, actual or expiry written to any of them forgets the values from its minute
 * on), and the key names every series id, so a series that appears later (a new class) starts
 * fresh values instead of reusing ones computed without it.
 */
export function accuracySamples(
  sql: SqlStorage,
  entries: readonly AccuracyEntry[],
  timesMs: readonly number[],
  context: { categoriesCap: number; nowMs: number; cache?: GaugeCache },
  budget: MergeBudget,
): { labels: Labels; samples: Samples }[] {
  const groups = new Map<string, AccuracyEntry[]>();
  for (const e of entries) {
    const key = `${e.series.version}\u0000${e.segment}\u0000${e.window}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const { cache } = context;
  const openMinute = Math.floor(context.nowMs / 60_000);
  const out: { labels: Labels; samples: Samples }[] = [];
  for (const group of groups.values()) {
    const { series, segment, window } = group[0];
    const rows = accuracySeriesRows(sql, series.version, segment);
    const ids = rows.map((r) => r.id);
    // The classes the catalog names (as accuracyCatalog finds them): a window without one still has its null.
    const classes = [...new Set(rows.filter((r) => r.kind === SeriesKind.confusion || r.kind === SeriesKind.scoreHit || r.kind === SeriesKind.scoreMiss).map((r) => r.name))];
    const owner = Math.min(...ids);
    const idList = ids.join(",");
    const keyOf = (f: FigureKey): string => gaugeKey(window, `${f.family}\u0000${idList}`, `${f.metric ?? ""}\u0000${f.className ?? ""}`, f.quantile);
    const keys = group.map(keyOf);
    if (cache !== undefined) for (const id of ids) cache.alias(id, owner);
    const { values, missing } = cachedColumns(ids.length > 0 ? cache : undefined, owner, keys, timesMs, openMinute);
    if (missing.length > 0) {
      const missingTimes = missing.map((i) => timesMs[i]);
      const reader = new AccuracyReader(sql, { version: series.version, segment, window, timesMs: missingTimes, categoriesCap: context.categoriesCap, budget, rows });
      const wantAuc = group.some((e) => e.metric === "auc");
      for (const i of missing) {
        const figures = reader.at(timesMs[i], wantAuc);
        const minute = Math.floor(timesMs[i] / 60_000);
        group.forEach((e, k) => {
          const value = valueOf(e, figures);
          values[k][i] = value !== null && Number.isFinite(value) ? value : null;
        });
        // Every figure the window has is kept, not only those asked for: a dashboard asks for
        // the same window's figures in several panels at once, and the first computes them all.
        if (cache !== undefined && ids.length > 0 && minute < openMinute) {
          for (const [figure, value] of figureValues(figures, wantAuc, classes)) cache.store(owner, keyOf(figure), minute, value !== null && Number.isFinite(value) ? value : null);
        }
      }
    }
    group.forEach((e, k) => {
      const samples = presentSamples(timesMs, values[k]);
      if (samples !== null) out.push({ labels: e.labels, samples });
    });
  }
  return out;
}

/** Which figure of a window: a family and its metric, class or quantile. */
type FigureKey = Pick<AccuracyEntry, "family" | "metric" | "className" | "quantile">;

/**
 * Every figure of a window that an entry can ask for, with its value (as {@link valueOf} reads
 * it): AUC only when it was computed, and the per-class figures of every class the series name
 * (null where the window lacks the class).
 */
function* figureValues(f: AccuracyFigures, withAuc: boolean, classes: readonly string[]): Generator<[FigureKey, number | null]> {
  for (const metric of ACCURACY_METRICS) if (metric !== "auc" || withAuc) yield [{ family: Family.accuracy, metric }, f.metrics[metric]];
  for (const label of new Set([...classes, ...f.classes.map((c) => c.label)])) {
    const c = f.classes.find((x) => x.label === label);
    for (const metric of PER_CLASS_METRICS) yield [{ family: Family.accuracy, metric, className: label }, c === undefined ? null : c[metric as "precision" | "recall" | "f1"]];
  }
  for (const quantile of ERROR_QUANTILES) yield [{ family: Family.predictionError, quantile }, f.errorQuantiles.find((x) => x.quantile === quantile)?.value ?? null];
  yield [{ family: Family.actualsJoinedRatio }, f.coverage];
  for (const quantile of DELAY_QUANTILES) yield [{ family: Family.actualDelay, quantile }, f.delay.quantiles.find((x) => x.quantile === quantile)?.seconds ?? null];
}

function valueOf(e: AccuracyEntry, f: AccuracyFigures): number | null {
  switch (e.family) {
    case Family.accuracy: {
      if (e.className === undefined) return f.metrics[e.metric!];
      const c = f.classes.find((x) => x.label === e.className);
      return c === undefined ? null : c[e.metric as "precision" | "recall" | "f1"];
    }
    case Family.predictionError:
      return f.errorQuantiles.find((x) => x.quantile === e.quantile)?.value ?? null;
    case Family.actualsJoinedRatio:
      return f.coverage;
    case Family.actualDelay:
      return f.delay.quantiles.find((x) => x.quantile === e.quantile)?.seconds ?? null;
    default:
      return null;
  }
}

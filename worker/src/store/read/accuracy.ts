import { SeriesKind, TDigest, binaryAucFromLabelDigests, classificationMetrics, regressionMetrics } from "@driftline/collector";
import type { CategoricalCounts } from "@driftline/collector";
import { WindowReader, newBudget } from "./window-reader.ts";
import type { MergeBudget } from "./window-reader.ts";
import { cutsAt, readPieces } from "./pieces.ts";
import { PER_CLASS_METRICS, WINDOW_MINUTES } from "@driftline/collector/series";
import type { AccuracyMetric, WindowName } from "@driftline/collector/series";
import { RETENTION } from "@driftline/collector/series";


/** Quantiles of the prediction error (predicted − actual) served as `driftline_prediction_error`. */
export const ERROR_QUANTILES: readonly number[] = [0.05, 0.25, 0.5, 0.75, 0.95];
/** Quantiles of the actuals' delay served as `driftline_actual_delay_seconds`. */
export const DELAY_QUANTILES: readonly number[] = [0.5, 0.9, 0.99];

/** Every accuracy figure of one window; null where the window has nothing to compute it from. */
export type AccuracyFigures = {
  /** Joined pairs whose prediction lies in the window. */
  pairs: number;
  /** Predictions in the window that carried an id. */
  identifiedPredictions: number;
  /** pairs / identifiedPredictions: the share of predictions that received an actual so far. */
  coverage: number | null;
  /** Classification and regression figures, `precision`, `recall` and `f1` macro. */
  metrics: Record<AccuracyMetric, number | null>;
  /** Regression pairs left out of MAPE because their actual was 0 (docs/accuracy.md). */
  mapeExcluded: number;
  /** Per-class precision, recall and F1, with the class's actual count. */
  classes: { label: string; support: number; precision: number; recall: number; f1: number }[];
  /** Quantiles of predicted − actual (regression), by quantile. */
  errorQuantiles: { quantile: number; value: number }[];
  /** Actuals joined in the window (by join time) and quantiles of their delay in seconds. */
  delay: { joined: number; quantiles: { quantile: number; seconds: number }[] };
};

/** What `ModelStore.accuracy` returns: a version's figures over one window. */
export type AccuracyReport = AccuracyFigures & { version: string; window: WindowName; from: string; to: string };

const CLASSIFICATION_KINDS = [SeriesKind.confusion, SeriesKind.scoreHit, SeriesKind.scoreMiss, SeriesKind.logLoss] as const;
const REGRESSION_KINDS = [SeriesKind.predictionError, SeriesKind.absoluteError, SeriesKind.absolutePercentageError] as const;

type Readers = Map<string, WindowReader>;

/** One stored series an accuracy figure is computed from. */
export type AccuracySeriesRow = { id: number; kind: string; name: string };

/** The series a version's (and segment's) accuracy figures read: pairs, errors, delays, identified predictions. */
export function accuracySeriesRows(sql: SqlStorage, version: string, segment: string): AccuracySeriesRow[] {
  return sql
    .exec<AccuracySeriesRow>(
      `SELECT id, kind, name FROM series WHERE version = ? AND segment = ? AND kind IN (${[...CLASSIFICATION_KINDS, ...REGRESSION_KINDS, SeriesKind.actualDelay, SeriesKind.identifiedPredictions].map((k) => `'${k}'`).join(",")}) ORDER BY id`,
      version,
      segment,
    )
    .toArray();
}

/**
 * The accuracy figures of one version (and segment) over sliding windows: one WindowReader per
 * accuracy series, so each bucket is read and decoded once however many times are asked.
 */
export class AccuracyReader {
  private readonly readers: Readers = new Map();
  private readonly identifiedIds: number[] = [];
  private readonly windowMinutes: number;
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage, options: { version: string; segment: string; window: WindowName; timesMs: readonly number[]; categoriesCap: number; budget: MergeBudget; rows?: readonly AccuracySeriesRow[] }) {
    this.sql = sql;
    this.windowMinutes = WINDOW_MINUTES[options.window];
    for (const row of options.rows ?? accuracySeriesRows(sql, options.version, options.segment)) {
      if (row.kind === SeriesKind.identifiedPredictions) {
        this.identifiedIds.push(row.id);
        continue;
      }
      const type = row.kind === SeriesKind.confusion ? "counts" : "digest";
      this.readers.set(`${row.kind}\u0000${row.name}`, new WindowReader(sql, { seriesIds: [row.id], type, windowMinutes: this.windowMinutes, timesMs: options.timesMs, categoriesCap: options.categoriesCap, budget: options.budget, what: `accuracy over window=${options.window}` }));
    }
  }

  /** Whether the version has any accuracy series at all. */
  get empty(): boolean {
    return this.readers.size === 0;
  }

  /** The figures of the window ending at `timeMs`; AUC (the costly one) only when `withAuc`. */
  at(timeMs: number, withAuc = true): AccuracyFigures {
    const byActual = new Map<string, CategoricalCounts>();
    const hit = new Map<string, TDigest>();
    const miss = new Map<string, TDigest>();
    const digest = (kind: string, name = ""): TDigest => (this.readers.get(`${kind}\u0000${name}`)?.at(timeMs) as TDigest | undefined) ?? new TDigest();
    for (const [key, reader] of this.readers) {
      const [kind, name] = key.split("\u0000");
      if (kind === SeriesKind.confusion) byActual.set(name, reader.at(timeMs) as CategoricalCounts);
      else if (kind === SeriesKind.scoreHit) hit.set(name, reader.at(timeMs) as TDigest);
      else if (kind === SeriesKind.scoreMiss) miss.set(name, reader.at(timeMs) as TDigest);
    }
    const classification = classificationMetrics(byActual);
    const error = digest(SeriesKind.predictionError);
    const regression = regressionMetrics(error, digest(SeriesKind.absoluteError), digest(SeriesKind.absolutePercentageError));
    const logLoss = digest(SeriesKind.logLoss);
    const delay = digest(SeriesKind.actualDelay);
    const labels = classification.classes.map((c) => c.label);
    const pairs = classification.pairs + regression.pairs;
    const identified = this.identifiedAt(timeMs);
    const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
    return {
      pairs,
      identifiedPredictions: identified,
      coverage: identified > 0 ? Math.min(1, pairs / identified) : null,
      metrics: {
        accuracy: orNull(classification.accuracy),
        precision: orNull(classification.macro.precision),
        recall: orNull(classification.macro.recall),
        f1: orNull(classification.macro.f1),
        log_loss: logLoss.count > 0 ? logLoss.sum / logLoss.count : null,
        auc: withAuc ? orNull(binaryAucFromLabelDigests(labels, hit, miss)) : null,
        mae: orNull(regression.mae),
        rmse: orNull(regression.rmse),
        mape: orNull(regression.mape),
      },
      mapeExcluded: regression.mapeExcluded,
      classes: classification.classes.map(({ label, support, precision, recall, f1 }) => ({ label, support, precision, recall, f1 })),
      errorQuantiles: error.count > 0 ? ERROR_QUANTILES.map((q) => ({ quantile: q, value: error.quantile(q) })) : [],
      delay: { joined: delay.count, quantiles: delay.count > 0 ? DELAY_QUANTILES.map((q) => ({ quantile: q, seconds: delay.quantile(q) })) : [] },
    };
  }

  /** Identified predictions whose minute lies in the window ending at `timeMs` (counters: summed, minutes or hours). */
  private identifiedAt(timeMs: number): number {
    if (this.identifiedIds.length === 0) return 0;
    const hi = Math.floor(timeMs / 60_000);
    const pieces = readPieces(this.sql, this.identifiedIds, hi - this.windowMinutes + 1, hi, cutsAt(Date.now(), RETENTION.minutes), false);
    return pieces.reduce((a, p) => a + p.value, 0);
  }
}

/** A version's accuracy over the window ending at `atMs` (ModelStore.accuracy). */
export function accuracyReport(sql: SqlStorage, request: { version: string; window: WindowName; atMs: number; categoriesCap: number; segment?: string }): AccuracyReport {
  const reader = new AccuracyReader(sql, { version: request.version, segment: request.segment ?? "", window: request.window, timesMs: [request.atMs], categoriesCap: request.categoriesCap, budget: newBudget() });
  const toMinute = Math.floor(request.atMs / 60_000);
  return {
    version: request.version,
    window: request.window,
    from: new Date((toMinute - WINDOW_MINUTES[request.window] + 1) * 60_000).toISOString(),
    to: new Date(request.atMs).toISOString(),
    ...reader.at(request.atMs),
  };
}

/**
 * One accuracy metric of a version over the window ending at `atMs`: macro when `className` is
 * absent, else that class's (precision, recall and f1 only). Null without pairs to compute it
 * from. For alert rules ("accuracy below a bound").
 */
export function accuracyMetricAt(sql: SqlStorage, version: string, metric: AccuracyMetric, window: WindowName, atMs: number, categoriesCap: number, className?: string): number | null {
  const figures = accuracyReport(sql, { version, window, atMs, categoriesCap });
  if (className === undefined) return figures.metrics[metric];
  if (!PER_CLASS_METRICS.includes(metric)) return null;
  const found = figures.classes.find((c) => c.label === className);
  return found === undefined ? null : found[metric as "precision" | "recall" | "f1"];
}

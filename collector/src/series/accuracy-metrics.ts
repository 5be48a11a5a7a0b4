/**
 * The accuracy metrics (docs/accuracy.md): the `metric` label values of `driftline_accuracy`, the
 * keys of the accuracy API's `metrics`, and what an accuracy alert rule may name. One row each: a
 * new metric is one line here (and its formula in `../accuracy/`; the accuracy reader's
 * `Record<AccuracyMetric, …>` does not compile until it has one).
 */
import { SeriesKind } from "./kinds.ts";

const METRICS = {
  accuracy: { task: "classification", perClass: false, badWhen: "low", from: [SeriesKind.confusion] },
  precision: { task: "classification", perClass: true, badWhen: "low", from: [SeriesKind.confusion] },
  recall: { task: "classification", perClass: true, badWhen: "low", from: [SeriesKind.confusion] },
  f1: { task: "classification", perClass: true, badWhen: "low", from: [SeriesKind.confusion] },
  auc: { task: "classification", perClass: false, badWhen: "low", from: [SeriesKind.scoreHit, SeriesKind.scoreMiss] },
  log_loss: { task: "classification", perClass: false, badWhen: "high", from: [SeriesKind.logLoss] },
  mae: { task: "regression", perClass: false, badWhen: "high", from: [SeriesKind.predictionError] },
  rmse: { task: "regression", perClass: false, badWhen: "high", from: [SeriesKind.predictionError] },
  mape: { task: "regression", perClass: false, badWhen: "high", from: [SeriesKind.predictionError] },
} as const satisfies Record<string, MetricInfo>;

/**
 * What the vocabulary knows of a metric: the models it applies to, whether it exists per class,
 * which way is bad, and the series it is computed from (any of them).
 */
type MetricInfo = { task: "classification" | "regression"; perClass: boolean; badWhen: "low" | "high"; from: readonly SeriesKind[] };

/** One accuracy metric's name. */
export type AccuracyMetric = keyof typeof METRICS;

/** Every accuracy metric: scores (bad when low) first, then errors (bad when high). */
export const ACCURACY_METRICS: readonly AccuracyMetric[] = Object.keys(METRICS) as AccuracyMetric[];

/** The metrics that exist per class (`class` label) as well as macro-averaged. */
export const PER_CLASS_METRICS: readonly AccuracyMetric[] = ACCURACY_METRICS.filter((m) => METRICS[m].perClass);

/** The metrics of classifiers that are scores (bad when low), and the metrics of regressors. */
export function accuracyMetricsOf(task: "classification" | "regression", badWhen?: "low" | "high"): AccuracyMetric[] {
  return ACCURACY_METRICS.filter((m) => METRICS[m].task === task && (badWhen === undefined || METRICS[m].badWhen === badWhen));
}

/** True when `name` is an accuracy metric of the vocabulary. */
export function isAccuracyMetric(name: string): name is AccuracyMetric {
  return Object.hasOwn(METRICS, name);
}

/** The series kinds a metric is computed from: a version has the metric when it has a series of any of them. */
export function accuracyMetricSources(metric: AccuracyMetric): readonly SeriesKind[] {
  return METRICS[metric].from;
}

/** True for the error metrics (log_loss, mae, rmse, mape): worse when higher, so a rule on them fires above its bound. */
export function isErrorMetric(name: string): boolean {
  return isAccuracyMetric(name) && METRICS[name].badWhen === "high";
}

import { CategoricalCounts, TDigest, aggregatorOf, categoricalDrift, missingRatio, newCategoryRatio, numericDrift, outOfRangeRatio, seriesDrift } from "@driftline/collector";
import type { CategoricalDriftMethod, DriftMethod, DriftResult, DriftStatus, NumericDriftMethod, ResolvedFeatureSettings, SeriesKind } from "@driftline/collector";
import { WINDOW_MINUTES } from "@driftline/collector/series";
import type { WindowName } from "@driftline/collector/series";
import { Family } from "@driftline/collector/series";
import type { Labels } from "@driftline/collector/promql";
import type { Samples } from "./counters.ts";
import { BINNED_METHODS, binnedDrift } from "./binned-window.ts";
import { WindowReader } from "./window-reader.ts";
import { WindowCounts } from "./window-count.ts";
import type { MergeBudget } from "./window-reader.ts";

/** One windowed gauge series to compute: its labels and which number of the window it reports. */
export type GaugeWant = { labels: Labels; family: Family; method?: string; quantile?: number };

/** One stored series (a feature or the prediction) over one window, and the gauges wanted from it. */
export type GaugeTarget = {
  seriesId: number;
  kind: SeriesKind;
  window: WindowName;
  /** The version's baseline sketch of this series, when it has one (drift needs it). */
  baseline: Uint8Array | null;
  /** The series' drift settings (method, levels, exclusion); defaults when absent. */
  settings?: ResolvedFeatureSettings;
  /**
   * What the data-quality ratios divide and count (docs/drift.md, "Data quality"): the counter
   * series of the predictions of the series' version and segment, and of the feature's refused
   * values of the other type. Absent: no ratio is wanted.
   */
  counters?: { predictionIds: readonly number[]; mismatchIds: readonly number[] };
  wants: GaugeWant[];
};

const STATUS_VALUE = { ok: 0, warn: 1, alert: 2 } as const;

/** The families of one method's drift value: of a feature, the prediction, the score, the target. */
const DRIFT_FAMILIES: ReadonlySet<string> = new Set([Family.featureDrift, Family.predictionDrift, Family.scoreDrift, Family.targetDrift]);

/**
 * Computes each wanted gauge at each time t in `timesMs` (ascending) over the window ending at t
 * (see {@link WindowReader}). Drift reuses the methods and thresholds of GET
 * /api/models/:model/drift (docs/drift.md). Returns the wants that have a value at some time.
 */
export function computeGauges(sql: SqlStorage, target: GaugeTarget, timesMs: readonly number[], categoriesCap: number, budget: MergeBudget): { labels: Labels; samples: Samples }[] {
  const aggregator = aggregatorOf(target.kind);
  const type = aggregator.type === "digest" ? "digest" : "counts";
  const reader = new WindowReader(sql, {
    // A negative id is a feature this version and segment never sent (catalog.ts): an empty window.
    seriesIds: target.seriesId < 0 ? [] : [target.seriesId],
    type,
    windowMinutes: WINDOW_MINUTES[target.window],
    timesMs,
    categoriesCap,
    budget,
    what: `window=${target.window}`,
  });
  const baseline = target.baseline === null ? null : (aggregator.decode(0, target.baseline) as TDigest | CategoricalCounts);
  const binned = baseline instanceof TDigest ? binnedGauges(sql, target, baseline, timesMs) : null;
  if (binned !== null) return binned;
  // Only the methods asked for are computed (PSI alone costs tens of µs, KS and Wasserstein
  // milliseconds, docs/drift.md); the status adds its deciding method (series-drift.ts), with the
  // settings' levels, exactly as the drift API grades it.
  const withStatus = target.wants.some((w) => w.family === Family.driftStatus);
  const methods = [...new Set(target.wants.flatMap((w) => (w.method === undefined ? [] : [w.method as DriftMethod])))];
  const out = target.wants.map((want) => ({ labels: want.labels, timestamps: [] as number[], values: [] as number[] }));
  const windowMinutes = WINDOW_MINUTES[target.window];
  const predictions = new WindowCounts(sql, target.counters?.predictionIds ?? [], windowMinutes, timesMs);
  const mismatches = new WindowCounts(sql, target.counters?.mismatchIds ?? [], windowMinutes, timesMs);
  for (const t of timesMs) {
    const current = reader.at(t);
    const counts = { predictions: () => predictions.at(t), mismatches: () => mismatches.at(t) };
    let drift: Drift | undefined;
    const driftOf = (): Drift => {
      if (drift === undefined) {
        if (baseline === null) drift = { results: [], status: "no_data" };
        else if (withStatus) {
          const pair = type === "digest" ? { type: "numeric" as const, baseline: baseline as TDigest, current: current as TDigest } : { type: "categorical" as const, baseline: baseline as CategoricalCounts, current: current as CategoricalCounts };
          const verdict = seriesDrift(pair, target.settings, methods);
          drift = { results: verdict.results, status: target.settings?.exclude === true ? "no_data" : verdict.status };
        } else if (type === "digest") drift = { results: numericDrift(baseline as TDigest, current as TDigest, { methods: methods as NumericDriftMethod[] }), status: "no_data" };
        else drift = { results: categoricalDrift(baseline as CategoricalCounts, current as CategoricalCounts, { methods: methods as CategoricalDriftMethod[] }), status: "no_data" };
      }
      return drift;
    };
    target.wants.forEach((want, k) => {
      const value = gaugeValue(want, current, driftOf, baseline, counts);
      if (value === undefined) return;
      out[k].timestamps.push(t);
      out[k].values.push(value);
    });
  }
  return out
    .filter((s) => s.timestamps.length > 0)
    .map((s) => ({ labels: s.labels, samples: { timestamps: Float64Array.from(s.timestamps), values: Float64Array.from(s.values) } }));
}

/**
 * PSI, JS and Hellinger alone need no merged digest (binned-window.ts): answered from prefix sums
 * of the buckets' CDFs at the bin edges. Null when a want needs more (quantiles, status, KS,
 * Wasserstein), and the window is merged instead.
 */
function binnedGauges(sql: SqlStorage, target: GaugeTarget, baseline: TDigest, timesMs: readonly number[]): { labels: Labels; samples: Samples }[] | null {
  const drift = (w: GaugeWant): boolean => DRIFT_FAMILIES.has(w.family) && w.method !== undefined && BINNED_METHODS.includes(w.method);
  if (target.wants.length === 0 || !target.wants.every(drift)) return null;
  const methods = [...new Set(target.wants.map((w) => w.method!))];
  const series = binnedDrift(sql, { seriesIds: [target.seriesId], windowMinutes: WINDOW_MINUTES[target.window], timesMs, baseline, methods });
  if (series === null) return null;
  return target.wants.flatMap((want) => {
    const s = series.get(want.method!)!;
    return s.timestamps.length === 0 ? [] : [{ labels: want.labels, samples: { timestamps: Float64Array.from(s.timestamps), values: Float64Array.from(s.values) } }];
  });
}

/** The methods computed at one time, and the series' status (no_data when not asked for, or excluded). */
type Drift = { results: DriftResult[]; status: DriftStatus };

/** The window's counter totals the quality ratios need, read only when asked. */
type WindowTotals = { predictions: () => number; mismatches: () => number };

function gaugeValue(want: GaugeWant, current: TDigest | CategoricalCounts, driftOf: () => Drift, baseline: TDigest | CategoricalCounts | null, counts: WindowTotals): number | undefined {
  switch (want.family) {
    case Family.featureDrift:
    case Family.predictionDrift:
    case Family.scoreDrift:
    case Family.targetDrift: {
      const result = driftOf().results.find((r) => r.method === want.method);
      return result !== undefined && result.status !== "no_data" && Number.isFinite(result.value) ? result.value : undefined;
    }
    case Family.driftStatus: {
      const status = driftOf().status;
      return status === "no_data" ? undefined : STATUS_VALUE[status];
    }
    case Family.featureQuantile: {
      const digest = current as TDigest;
      return digest.count > 0 ? digest.quantile(want.quantile!) : undefined;
    }
    // The drift API's quality ratios, from the same window (collector/src/drift/quality.ts).
    case Family.outOfRangeRatio: {
      const ratio = baseline instanceof TDigest ? outOfRangeRatio(baseline, current as TDigest) : Number.NaN;
      return Number.isFinite(ratio) ? ratio : undefined;
    }
    case Family.newCategoryRatio: {
      const ratio = baseline instanceof CategoricalCounts ? newCategoryRatio(baseline, current as CategoricalCounts) : Number.NaN;
      return Number.isFinite(ratio) ? ratio : undefined;
    }
    // Of the version's predictions in the window (the drift API's `missing`): null, NaN, absent and
    // wrongly typed values all leave a prediction without a finite value of the feature.
    case Family.missingRatio: {
      const present = current instanceof TDigest ? current.count : current.total;
      const ratio = missingRatio(present, counts.predictions());
      return Number.isFinite(ratio) ? ratio : undefined;
    }
    case Family.typeMismatchRatio: {
      const predictions = counts.predictions();
      return predictions > 0 ? Math.min(1, counts.mismatches() / predictions) : undefined;
    }
    default:
      return undefined;
  }
}

import { SeriesKind, TDigest, aggregatorOf, categoricalDrift, numericDrift } from "@driftline/collector";
import type { CategoricalCounts } from "@driftline/collector";
import { WINDOW_MINUTES } from "@driftline/collector/series";
import type { WindowName } from "@driftline/collector/series";
import type { DriftResult, DriftStatus, SeriesKind as SeriesKindType } from "@driftline/collector";
import { WindowReader, newBudget } from "./window-reader.ts";
import { typeOfKind } from "../baselines.ts";


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
};

/** What GET /api/models/:model/drift returns (beside the model id). */
export type DriftReport = {
  version: string;
  window: WindowName;
  /** The window is (from, to]: the minute buckets whose start lies in it, the current minute included. */
  from: string;
  to: string;
  baselineUploadedAt: string;
  /** Worst status over features and prediction. */
  status: DriftStatus;
  features: SeriesDrift[];
  prediction: SeriesDrift | null;
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
export function computeDrift(sql: SqlStorage, version: string, window: WindowName, nowMs: number, categoriesCap: number): DriftReport | null {
  const baselines = sql
    .exec<{ kind: string; name: string; sketch: ArrayBuffer; uploaded_ms: number }>("SELECT kind, name, sketch, uploaded_ms FROM baselines WHERE version = ? ORDER BY name", version)
    .toArray();
  if (baselines.length === 0) return null;
  const toMinute = Math.floor(nowMs / 60_000);
  const fromMinute = toMinute - WINDOW_MINUTES[window];
  const features: SeriesDrift[] = [];
  let prediction: SeriesDrift | null = null;
  for (const row of baselines) {
    const kind = row.kind as SeriesKindType;
    const drift = seriesDrift(sql, version, kind, row.name, new Uint8Array(row.sketch), nowMs, WINDOW_MINUTES[window], categoriesCap);
    if (kind === SeriesKind.predictionValue || kind === SeriesKind.predictionLabel) prediction = drift;
    else features.push(drift);
  }
  const all = prediction === null ? features : [...features, prediction];
  return {
    version,
    window,
    from: new Date((fromMinute + 1) * 60_000).toISOString(),
    to: new Date(nowMs).toISOString(),
    baselineUploadedAt: new Date(baselines[0].uploaded_ms).toISOString(),
    status: worstStatus(all.map((d) => d.status)),
    features,
    prediction,
  };
}

function seriesDrift(sql: SqlStorage, version: string, kind: SeriesKindType, name: string, baselineBytes: Uint8Array, nowMs: number, windowMinutes: number, categoriesCap: number): SeriesDrift {
  const ids = sql
    .exec<{ id: number }>("SELECT id FROM series WHERE kind = ? AND version = ? AND name = ? AND segment = ''", kind, version, name)
    .toArray()
    .map((row) => row.id);
  // The same window read as driftline_feature_drift in the query API: clean hour rollups where
  // they cover the window, minutes elsewhere, so a 7d window is whole, not only the 48 h of minutes.
  const aggregator = aggregatorOf(kind);
  const type = aggregator.type === "digest" ? "digest" : "counts";
  const window = new WindowReader(sql, { seriesIds: ids, type, windowMinutes, timesMs: [nowMs], categoriesCap, budget: newBudget(), what: `drift of ${name}` });
  const current = window.at(nowMs);
  let results: DriftResult[];
  let baselineCount: number;
  let currentCount: number;
  if (current instanceof TDigest) {
    const baseline = aggregator.decode(0, baselineBytes) as TDigest;
    results = numericDrift(baseline, current);
    baselineCount = baseline.count;
    currentCount = current.count;
  } else {
    const baseline = aggregator.decode(0, baselineBytes) as CategoricalCounts;
    results = categoricalDrift(baseline, current);
    baselineCount = baseline.total;
    currentCount = current.total;
  }
  const methods = results.map(toJsonSafe);
  return { name, type: typeOfKind(kind), baselineCount, currentCount, status: worstStatus(methods.map((m) => m.status)), methods };
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

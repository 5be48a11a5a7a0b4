import { datasetDrift, resolveFeatureSettings } from "@driftline/collector";
import type { DriftStatus, ShareInput } from "@driftline/collector";
import { Family } from "@driftline/collector/series";
import type { Labels } from "@driftline/collector/promql";
import type { Samples } from "./counters.ts";
import { cachedGauges } from "./cached-gauges.ts";
import type { GaugeCache } from "./gauge-cache.ts";
import type { GaugeTarget } from "./gauges.ts";
import type { DatasetEntry } from "./catalog.ts";
import type { MergeBudget } from "./window-reader.ts";
import { readDriftSettings } from "../drift-settings.ts";
import { settingsKey } from "./drift.ts";

const STATUS_BY_VALUE: readonly DriftStatus[] = ["ok", "warn", "alert"];
const STATUS_VALUE = { ok: 0, warn: 1, alert: 2 } as const;

/**
 * The dataset drift series (docs/drift.md, "Dataset drift"): per version, segment and window, the
 * share of the baselined features whose status is alert, the importance-weighted share, and the
 * status from the weighted share, at each time, exactly as the drift API's `dataset` combines
 * its features (collector/src/drift/dataset-share.ts). Each feature's status is the
 * driftline_drift_status gauge of the same window, read through the gauge cache, so a dashboard
 * showing both computes each feature's drift once.
 */
export function datasetSamples(
  sql: SqlStorage,
  entries: readonly DatasetEntry[],
  timesMs: readonly number[],
  context: { categoriesCap: number; nowMs: number; cache?: GaugeCache },
  budget: MergeBudget,
): { labels: Labels; samples: Samples }[] {
  const settings = readDriftSettings(sql);
  // Entries of one version, segment and window share their features' statuses.
  const groups = new Map<string, DatasetEntry[]>();
  for (const entry of entries) {
    const first = entry.features[0];
    const key = `${first.version}\u0000${first.segment}\u0000${entry.window}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const out: { labels: Labels; samples: Samples }[] = [];
  for (const group of groups.values()) {
    const { features, window } = group[0];
    const inputs = features.map((s) => {
      const resolved = resolveFeatureSettings(settings, s.version, settingsKey(s.kind, s.name));
      const row = sql.exec<{ sketch: ArrayBuffer }>("SELECT sketch FROM baselines WHERE version = ? AND kind = ? AND name = ?", s.version, s.kind, s.name).toArray()[0];
      const target: GaugeTarget = {
        seriesId: s.id,
        kind: s.kind,
        window,
        baseline: row === undefined ? null : new Uint8Array(row.sketch),
        settings: resolved,
        wants: [{ labels: { feature: s.name }, family: Family.driftStatus }],
      };
      const status = new Map<number, DriftStatus>();
      for (const g of cachedGauges(sql, target, timesMs, context, budget)) {
        g.samples.timestamps.forEach((t, i) => status.set(t, STATUS_BY_VALUE[g.samples.values[i]] ?? "no_data"));
      }
      return { status, excluded: resolved.exclude, weight: resolved.weight };
    });
    const series = group.map((entry) => ({ entry, timestamps: [] as number[], values: [] as number[] }));
    for (const t of timesMs) {
      const figures = datasetDrift(inputs.map((f): ShareInput => ({ status: f.status.get(t) ?? "no_data", excluded: f.excluded, weight: f.weight })));
      for (const s of series) {
        const value =
          s.entry.family === Family.datasetDriftShare ? figures.share : s.entry.family === Family.datasetDriftWeightedShare ? figures.weightedShare : figures.status === "no_data" ? Number.NaN : STATUS_VALUE[figures.status];
        if (!Number.isFinite(value)) continue;
        s.timestamps.push(t);
        s.values.push(value);
      }
    }
    for (const s of series) {
      if (s.timestamps.length > 0) out.push({ labels: s.entry.labels, samples: { timestamps: Float64Array.from(s.timestamps), values: Float64Array.from(s.values) } });
    }
  }
  return out;
}

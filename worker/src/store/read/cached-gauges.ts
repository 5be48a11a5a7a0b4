import type { Labels } from "@driftline/collector/promql";
import type { Samples } from "./counters.ts";
import { computeGauges } from "./gauges.ts";
import type { GaugeTarget } from "./gauges.ts";
import { gaugeKey } from "./gauge-cache.ts";
import type { GaugeCache } from "./gauge-cache.ts";
import type { MergeBudget } from "./window-reader.ts";

/**
 * {@link computeGauges} through a {@link GaugeCache}: the values of closed minutes (before
 * `nowMs`'s minute) come from the cache where it has them; only the times missing for some
 * wanted gauge are computed (in one pass, sharing the window merges), and their closed minutes
 * are kept. Without a cache, computes everything.
 */
export function cachedGauges(
  sql: SqlStorage,
  target: GaugeTarget,
  timesMs: readonly number[],
  context: { categoriesCap: number; nowMs: number; cache?: GaugeCache },
  budget: MergeBudget,
): { labels: Labels; samples: Samples }[] {
  const { cache, categoriesCap } = context;
  // A stand-in for a feature never sent (negative id, catalog.ts) has no series to invalidate it.
  if (cache === undefined || target.seriesId < 0) return computeGauges(sql, target, timesMs, categoriesCap, budget);
  // The quality ratios read the predictions and mismatch counters too: a late write to them
  // forgets this series' values as a write to the series itself does.
  for (const id of [...(target.counters?.predictionIds ?? []), ...(target.counters?.mismatchIds ?? [])]) cache.alias(id, target.seriesId);
  const openMinute = Math.floor(context.nowMs / 60_000);
  const keys = target.wants.map((w) => gaugeKey(target.window, w.family, w.method, w.quantile));
  const { values, missing } = cachedColumns(cache, target.seriesId, keys, timesMs, openMinute);
  if (missing.length > 0) {
    const computed = new Map<Labels, Samples>();
    for (const s of computeGauges(sql, target, missing.map((i) => timesMs[i]), categoriesCap, budget)) computed.set(s.labels, s.samples);
    target.wants.forEach((want, k) => {
      const samples = computed.get(want.labels);
      let j = 0;
      for (const i of missing) {
        const t = timesMs[i];
        while (samples !== undefined && j < samples.timestamps.length && samples.timestamps[j] < t) j++;
        const value = samples !== undefined && j < samples.timestamps.length && samples.timestamps[j] === t ? samples.values[j] : null;
        values[k][i] = value;
        const minute = Math.floor(t / 60_000);
        if (minute < openMinute) cache.store(target.seriesId, keys[k], minute, value);
      }
    });
  }
  return target.wants.flatMap((want, k) => {
    const samples = presentSamples(timesMs, values[k]);
    return samples === null ? [] : [{ labels: want.labels, samples }];
  });
}

/**
 * The cached values of `keys` (stored under `owner`) at each of `timesMs`: `values[k][i]` is the
 * k-th key at the i-th time (null: no value there; undefined: not known), and `missing` the
 * indices of the times some key lacks, which the caller computes. Times in the open minute, and
 * every time without a cache, are missing.
 */
export function cachedColumns(
  cache: GaugeCache | undefined,
  owner: number,
  keys: readonly string[],
  timesMs: readonly number[],
  openMinute: number,
): { values: (number | null | undefined)[][]; missing: number[] } {
  const values: (number | null | undefined)[][] = keys.map(() => new Array<number | null | undefined>(timesMs.length));
  const missing: number[] = [];
  timesMs.forEach((t, i) => {
    const minute = Math.floor(t / 60_000);
    let complete = cache !== undefined && minute < openMinute;
    if (complete) {
      keys.forEach((key, k) => {
        const value = cache!.lookup(owner, key, minute);
        values[k][i] = value;
        if (value === undefined) complete = false;
      });
    }
    if (!complete) missing.push(i);
  });
  return { values, missing };
}

/** One column of {@link cachedColumns}, its values known and not null, as samples; null when none is. */
export function presentSamples(timesMs: readonly number[], column: readonly (number | null | undefined)[]): Samples | null {
  const timestamps: number[] = [];
  const values: number[] = [];
  column.forEach((value, i) => {
    if (value === null || value === undefined) return;
    timestamps.push(timesMs[i]);
    values.push(value);
  });
  return timestamps.length === 0 ? null : { timestamps: Float64Array.from(timestamps), values: Float64Array.from(values) };
}

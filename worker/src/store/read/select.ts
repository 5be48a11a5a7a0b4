import { SeriesKind as SeriesKindValue, TDigest, resolveFeatureSettings } from "@driftline/collector";
import type { SeriesKind } from "@driftline/collector";
import { readDriftSettings } from "../drift-settings.ts";
import { settingsKey } from "./drift.ts";
import { matchesAll } from "@driftline/collector/promql";
import type { Labels, Matcher } from "@driftline/collector/promql";
import { catalog } from "./catalog.ts";
import type { CatalogEntry, DatasetEntry, StoredSeries } from "./catalog.ts";
import { datasetSamples } from "./dataset-series.ts";
import { DURATION_BUCKETS_SECONDS, Family } from "@driftline/collector/series";
import { cumulativeCounter, histogramParts, lifetimeHistogram } from "./counters.ts";
import type { Samples, Span } from "./counters.ts";
import { cachedGauges } from "./cached-gauges.ts";
import { gaugeKey } from "./gauge-cache.ts";
import type { GaugeCache } from "./gauge-cache.ts";
import type { GaugeTarget } from "./gauges.ts";
import { WindowReader, newBudget } from "./window-reader.ts";
import { cutsAt } from "./pieces.ts";
import { LONGEST_WINDOW_MINUTES, WINDOW_MINUTES } from "@driftline/collector/series";
import { segmentLabels } from "./segment-labels.ts";
import { accuracySamples } from "./accuracy-series.ts";
import type { AccuracyEntry } from "./accuracy-series.ts";

/**
 * The ModelStore's read side for the query API (docs/query-api.md): plain functions over its
 * SQLite that the store's RPC methods delegate to. Requests and answers are structured-clone
 * data (typed arrays included), so they cross the RPC boundary as they are.
 */

/** What a `select` asks one store for: a PromQL selector over a span, with the engine's hints. */
export type StoreSelect = {
  model: string;
  matchers: Matcher[];
  startMs: number;
  endMs: number;
  stepMs: number;
  rangeMs: number;
  lookbackMs: number;
};

/** One series' samples, as the engine's SeriesData. */
export type StoreSeries = { labels: Labels; timestamps: Float64Array; values: Float64Array };

/**
 * A histogram-quantile pushdown for one store: groups keep `model` and the labels of `groupBy`
 * among `version`, `segment` and `segment_value` (the latency series' other labels).
 */
export type StoreQuantile = { model: string; q: number; matchers: Matcher[]; groupBy: string[]; rangeMs: number; timesMs: Float64Array };

/** A pushdown answer per group. */
export type StoreQuantileSeries = { labels: Labels; values: Float64Array; present: Uint8Array };

/** The store's clock and settings a read needs. */
export type ReadContext = { nowMs: number; minuteRetention: number; categoriesCap: number; gaugeCache?: GaugeCache };

function storedSeries(sql: SqlStorage): StoredSeries[] {
  return sql
    .exec<{ id: number; kind: string; version: string; name: string; segment: string; total: number; first_minute: number; last_minute: number }>(
      "SELECT id, kind, version, name, segment, total, first_minute, last_minute FROM series ORDER BY id",
    )
    .toArray()
    .map((r) => ({ id: r.id, kind: r.kind as SeriesKind, version: r.version, name: r.name, segment: r.segment, total: r.total, firstMinute: r.first_minute, lastMinute: r.last_minute }));
}

function baselinedKeys(sql: SqlStorage): Set<string> {
  const keys = new Set<string>();
  for (const r of sql.exec<{ version: string; kind: string; name: string }>("SELECT version, kind, name FROM baselines")) keys.add(`${r.version}\u0000${r.kind}\u0000${r.name}`);
  return keys;
}

/**
 * The rows a catalog is built from. Read once per select by default; alert evaluation reads them
 * once per alarm and shares them across its rules' selects (store/alerts/promql-source.ts).
 */
export type CatalogRows = { series: StoredSeries[]; baselined: Set<string> };

/** The store's series and baselined keys, now. */
export function catalogRows(sql: SqlStorage): CatalogRows {
  return { series: storedSeries(sql), baselined: baselinedKeys(sql) };
}

function entriesFor(sql: SqlStorage, model: string, matchers: readonly Matcher[], rows: CatalogRows = catalogRows(sql)): CatalogEntry[] {
  return catalog(model, rows.series, rows.baselined, matchers);
}

/**
 * Label sets of every series the matchers select (for /api/v1/series, /labels, /label/…/values)
 * that has samples in [startMs, endMs] (docs/query-api.md, "Metadata"): a stored series from its
 * first to its last minute, a windowed gauge until its window has slid past the last minute, a
 * baseline's quantiles wherever its version has a series.
 */
export function listSeries(sql: SqlStorage, model: string, selectors: readonly Matcher[][], startMs = -Infinity, endMs = Infinity): Labels[] {
  const startMinute = Math.floor(startMs / 60_000);
  const endMinute = Math.floor(endMs / 60_000);
  const inRange = (first: number, last: number): boolean => first <= endMinute && last >= startMinute;
  const rows = storedSeries(sql).filter((s) => inRange(s.firstMinute, s.lastMinute + LONGEST_WINDOW_MINUTES));
  const versions = new Set(rows.map((s) => s.version));
  const baselined = new Set([...baselinedKeys(sql)].filter((key) => versions.has(key.slice(0, key.indexOf("\u0000")))));
  const seen = new Map<string, Labels>();
  for (const matchers of selectors.length === 0 ? [[]] : selectors) {
    for (const entry of catalog(model, rows, baselined, matchers)) {
      if (entry.type === "gauge" && !inRange(entry.series.firstMinute, entry.series.lastMinute + WINDOW_MINUTES[entry.window] - 1)) continue;
      if (entry.type !== "gauge" && entry.type !== "baseline" && !rowsInRange(entry, inRange)) continue;
      seen.set(JSON.stringify(entry.labels), entry.labels);
    }
  }
  return [...seen.values()];
}

function rowsInRange(entry: Exclude<CatalogEntry, { type: "gauge" | "baseline" }>, inRange: (first: number, last: number) => boolean): boolean {
  if (entry.type === "counter") return inRange(entry.firstMinute, entry.lastMinute);
  if (entry.type === "dataset") return entry.features.some((s) => inRange(s.firstMinute, s.lastMinute + WINDOW_MINUTES[entry.window] - 1));
  return inRange(entry.series.firstMinute, entry.series.lastMinute);
}

/** The evaluation times a gauge is computed at, from the span the engine read (docs/query-api.md). */
export function gaugeTimes(request: Pick<StoreSelect, "startMs" | "endMs" | "stepMs" | "rangeMs" | "lookbackMs">): number[] {
  const { startMs, endMs, stepMs, rangeMs, lookbackMs } = request;
  if (stepMs === 0 && rangeMs === 0) return [endMs];
  const spacing = stepMs > 0 ? stepMs : 60_000;
  const earliest = rangeMs > 0 ? startMs + 1 : startMs + lookbackMs;
  const times: number[] = [];
  for (let t = endMs; t >= earliest; t -= spacing) times.push(t);
  return times.reverse();
}

/** Samples of every series a selector selects in this store, computing only those. */
export function selectSeries(sql: SqlStorage, request: StoreSelect, context: ReadContext, rows?: CatalogRows): StoreSeries[] {
  return samplesOf(sql, entriesFor(sql, request.model, request.matchers, rows), request, context);
}

/** Samples of catalog entries over the span of `request`. */
function samplesOf(sql: SqlStorage, entries: readonly CatalogEntry[], request: StoreSelect, context: ReadContext): StoreSeries[] {
  const cuts = cutsAt(context.nowMs, context.minuteRetention);
  const span: Span = { startMs: request.startMs, endMs: request.endMs, stepMs: request.stepMs };
  const out: StoreSeries[] = [];
  const buckets = new Map<number, { series: StoredSeries; entries: CatalogEntry[] }>();
  const targets = new Map<string, GaugeTarget>();
  const qualityOf = new Map<GaugeTarget, StoredSeries>();
  const baselines: Extract<CatalogEntry, { type: "baseline" }>[] = [];
  const accuracy: AccuracyEntry[] = [];
  const datasets: DatasetEntry[] = [];
  let stored: ReturnType<typeof readDriftSettings> | undefined;
  const settings = (): ReturnType<typeof readDriftSettings> => (stored === undefined ? (stored = readDriftSettings(sql)) : stored);
  for (const entry of entries) {
    if (entry.type === "baseline") {
      baselines.push(entry);
    } else if (entry.type === "accuracy") {
      accuracy.push(entry);
    } else if (entry.type === "dataset") {
      datasets.push(entry);
    } else if (entry.type === "counter") {
      out.push({ labels: entry.labels, ...cumulativeCounter(sql, entry.ids, entry.total, entry.firstMinute, span, cuts) });
    } else if (entry.type === "bucket" || entry.type === "sum") {
      const group = buckets.get(entry.series.id) ?? { series: entry.series, entries: [] };
      group.entries.push(entry);
      buckets.set(entry.series.id, group);
    } else {
      const key = `${entry.series.id}\u0000${entry.window}`;
      let target = targets.get(key);
      if (target === undefined) {
        target = { seriesId: entry.series.id, kind: entry.series.kind, window: entry.window, baseline: null, wants: [], settings: resolveFeatureSettings(settings(), entry.series.version, settingsKey(entry.series.kind, entry.series.name)) };
        targets.set(key, target);
        qualityOf.set(target, entry.series);
      }
      target.wants.push({ labels: entry.labels, family: entry.family, ...(entry.method !== undefined ? { method: entry.method } : {}), ...(entry.quantile !== undefined ? { quantile: entry.quantile } : {}) });
    }
  }
  for (const { series, entries: parts } of buckets.values()) {
    const bounds = parts.flatMap((e) => (e.type === "bucket" ? [e.boundSeconds] : []));
    const computed = histogramParts(sql, series.id, series.firstMinute, span, cuts, { bounds, sum: parts.some((e) => e.type === "sum") });
    for (const e of parts) out.push({ labels: e.labels, ...(computed.get(e.type === "bucket" ? e.boundSeconds : "sum") as Samples) });
  }
  const cacheContext = { categoriesCap: context.categoriesCap, nowMs: context.nowMs, ...(context.gaugeCache !== undefined ? { cache: context.gaugeCache } : {}) };
  if (targets.size > 0) {
    const times = gaugeTimes(request);
    const budget = newBudget();
    for (const target of targets.values()) {
      const row = sql
        .exec<{ sketch: ArrayBuffer }>(
          "SELECT b.sketch AS sketch FROM baselines b JOIN series s ON s.version = b.version AND s.kind = b.kind AND s.name = b.name WHERE s.id = ?",
          target.seriesId,
        )
        .toArray()[0];
      target.baseline = row === undefined ? null : new Uint8Array(row.sketch);
      if (target.wants.some((w) => w.family === Family.missingRatio || w.family === Family.typeMismatchRatio)) target.counters = qualityCounters(sql, qualityOf.get(target)!);
      const gauges = cachedGauges(sql, target, times, cacheContext, budget);
      for (const s of gauges) out.push({ labels: s.labels, ...s.samples });
    }
  }
  if (datasets.length > 0) {
    for (const s of datasetSamples(sql, datasets, gaugeTimes(request), cacheContext, newBudget())) out.push({ labels: s.labels, ...s.samples });
  }
  if (baselines.length > 0) out.push(...baselineQuantiles(sql, baselines, gaugeTimes(request)));
  if (accuracy.length > 0) for (const s of accuracySamples(sql, accuracy, gaugeTimes(request), cacheContext, newBudget())) out.push({ labels: s.labels, ...s.samples });
  return out;
}

/**
 * The counter series a feature's quality ratios read: the predictions of its version and segment,
 * and its refused values of the other type (docs/drift.md, "Data quality").
 */
function qualityCounters(sql: SqlStorage, s: StoredSeries): { predictionIds: number[]; mismatchIds: number[] } {
  const ids = (kind: string, name: string): number[] =>
    sql.exec<{ id: number }>("SELECT id FROM series WHERE kind = ? AND version = ? AND name = ? AND segment = ?", kind, s.version, name, s.segment).toArray().map((r) => r.id);
  return { predictionIds: ids(SeriesKindValue.predictions, ""), mismatchIds: ids(SeriesKindValue.typeMismatches, s.name) };
}

/**
 * histogram_quantile pushed down: per group (the model, and the `groupBy` labels), the quantile of the
 * merged latency digest of each window (t − range, t]; `present` is 0 where a window is empty.
 */
export function latencyQuantiles(sql: SqlStorage, request: StoreQuantile, context: ReadContext): StoreQuantileSeries[] {
  const groups = new Map<string, { labels: Labels; ids: number[] }>();
  for (const s of storedSeries(sql)) {
    if (s.kind !== "latency") continue;
    const full: Labels = { model: request.model, version: s.version, ...segmentLabels(s.segment) };
    if (!request.matchers.every((m) => m.name === "__name__" || matchesAll(full, [m]))) continue;
    // Segment series count the same predictions as the whole model: a selector without
    // {segment=""} merges both, exactly as the engine would sum their buckets (docs/segments.md).
    const labels: Labels = { model: request.model };
    for (const name of request.groupBy) if (full[name] !== undefined) labels[name] = full[name];
    const key = JSON.stringify(labels);
    const group = groups.get(key) ?? { labels, ids: [] };
    group.ids.push(s.id);
    groups.set(key, group);
  }
  const budget = newBudget();
  const times = [...request.timesMs];
  const windowMinutes = Math.max(1, Math.round(request.rangeMs / 60_000));
  const cache = context.gaugeCache;
  const openMinute = Math.floor(context.nowMs / 60_000);
  return [...groups.values()].map(({ labels, ids }) => {
    const values = new Float64Array(times.length);
    const present = new Uint8Array(times.length);
    // Closed minutes come from the gauge cache, under the group's lowest series id; a write to any
    // series of the group forgets them (GaugeCache.alias).
    const owner = Math.min(...ids);
    const gauge = gaugeKey(`${windowMinutes}m`, "histogram_quantile", [...ids].sort((a, b) => a - b).join(","), request.q);
    if (cache !== undefined) for (const id of ids) cache.alias(id, owner);
    const missing: number[] = [];
    times.forEach((t, i) => {
      const minute = Math.floor(t / 60_000);
      const cached = cache !== undefined && minute < openMinute ? cache.lookup(owner, gauge, minute) : undefined;
      if (cached === undefined) missing.push(i);
      else if (cached !== null) {
        values[i] = cached;
        present[i] = 1;
      }
    });
    if (missing.length === 0) return { labels, values, present };
    const reader = new WindowReader(sql, { seriesIds: ids, type: "digest", windowMinutes, timesMs: missing.map((i) => times[i]), categoriesCap: context.categoriesCap, budget, what: "histogram_quantile" });
    for (const i of missing) {
      const digest = reader.at(times[i]) as TDigest;
      const value = digest.count === 0 ? null : request.q < 0 ? -Infinity : request.q > 1 ? Infinity : digest.quantile(request.q);
      if (value !== null) {
        values[i] = value;
        present[i] = 1;
      }
      const minute = Math.floor(times[i] / 60_000);
      if (cache !== undefined && minute < openMinute) cache.store(owner, gauge, minute, value);
    }
    return { labels, values, present };
  });
}

/** The current value of every series (for /metrics): counters at their lifetime totals, gauges now. */
export function currentSeries(sql: SqlStorage, model: string, context: ReadContext): { labels: Labels; value: number }[] {
  const entries = entriesFor(sql, model, []);
  const cuts = cutsAt(context.nowMs, context.minuteRetention);
  const out: { labels: Labels; value: number }[] = [];
  const lifetimes = new Map<number, { counts: number[]; sumSeconds: number }>();
  const lifetime = (series: StoredSeries) => {
    let l = lifetimes.get(series.id);
    if (l === undefined) lifetimes.set(series.id, (l = lifetimeHistogram(sql, series.id, cuts, DURATION_BUCKETS_SECONDS.slice(0, -1))));
    return l;
  };
  const windowed: CatalogEntry[] = [];
  for (const entry of entries) {
    if (entry.type === "counter") out.push({ labels: entry.labels, value: entry.total });
    else if (entry.type === "bucket") out.push({ labels: entry.labels, value: Math.min(entry.series.total, lifetime(entry.series).counts[DURATION_BUCKETS_SECONDS.indexOf(entry.boundSeconds)]) });
    else if (entry.type === "sum") out.push({ labels: entry.labels, value: lifetime(entry.series).sumSeconds });
    else windowed.push(entry);
  }
  const gauges = samplesOf(sql, windowed, { model, matchers: [], startMs: context.nowMs, endMs: context.nowMs, stepMs: 0, rangeMs: 0, lookbackMs: 0 }, context);
  for (const g of gauges) out.push({ labels: g.labels, value: g.values[g.values.length - 1] });
  return out;
}

/** The baseline's quantiles, the same at every time: one sketch decode per baselined feature. */
function baselineQuantiles(sql: SqlStorage, entries: readonly Extract<CatalogEntry, { type: "baseline" }>[], timesMs: readonly number[]): StoreSeries[] {
  const digests = new Map<string, TDigest | null>();
  const out: StoreSeries[] = [];
  for (const entry of entries) {
    const key = `${entry.version}\u0000${entry.kind}\u0000${entry.name}`;
    let digest = digests.get(key);
    if (digest === undefined) {
      const row = sql.exec<{ sketch: ArrayBuffer }>("SELECT sketch FROM baselines WHERE version = ? AND kind = ? AND name = ?", entry.version, entry.kind, entry.name).toArray()[0];
      digest = row === undefined ? null : TDigest.fromBytes(new Uint8Array(row.sketch));
      digests.set(key, digest);
    }
    if (digest === null || digest.count === 0 || timesMs.length === 0) continue;
    out.push({ labels: entry.labels, timestamps: Float64Array.from(timesMs), values: new Float64Array(timesMs.length).fill(digest.quantile(entry.quantile)) });
  }
  return out;
}

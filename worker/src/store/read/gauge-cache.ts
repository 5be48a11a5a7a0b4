/**
 * Values of windowed gauges already computed, kept in the ModelStore's memory so that a dashboard
 * refreshed every minute computes only the minutes it has not seen (issue 14, docs/query-api.md,
 * "Cached windowed values").
 *
 * Why it is sound: the value of a windowed gauge at time t depends only on the minute ⌊t⌋ (the
 * window is the buckets whose start minute lies in (⌊t⌋ − window, ⌊t⌋]), on the buckets of that
 * window, on the version's baseline and on the category cap. A minute before the current one is
 * closed: its buckets change only when late data arrives for it, and every write tells the cache
 * ({@link GaugeCache.invalidate}, which drops the written minute and every later one of that
 * series). A new baseline or a changed cap drops everything. The current minute is never kept.
 * Rollups regroup the same buckets (a different merge order, within the digest's merge bounds of
 * docs/sketches.md), so a value computed before a rollup stays within the documented tolerance.
 *
 * Memory is bounded: values live in chunks of one day of minutes per (series, window, gauge),
 * 13 KiB each, at most {@link MAX_CACHED_CHUNKS} of them, the least recently used evicted first.
 */

/** Minutes per chunk: one day. */
const CHUNK_MINUTES = 1_440;
/** Most chunks held: 1 200 × 13 KiB ≈ 15 MiB of the object's 128 MB. */
export const MAX_CACHED_CHUNKS = 1_200;

const UNKNOWN = 0;
const VALUE = 1;
const ABSENT = 2;

type Chunk = { seriesId: number; day: number; values: Float64Array; state: Uint8Array };

/** What a cached gauge is: its window, family and method or quantile, as one key. */
export function gaugeKey(window: string, family: string, method?: string, quantile?: number): string {
  return `${window}\u0000${family}\u0000${method ?? ""}\u0000${quantile ?? ""}`;
}

/** Windowed gauge values by (series, gauge, minute): see the file comment. */
export class GaugeCache {
  private readonly maxChunks: number;
  /** Chunks in least-recently-used order (a Map iterates in insertion order; a hit re-inserts). */
  private readonly chunks = new Map<string, Chunk>();
  /** Chunk keys per series, and the last minute cached per series (an invalidation after it is free). */
  private readonly bySeries = new Map<number, { keys: Set<string>; lastMinute: number }>();
  private categoriesCap: number | undefined;
  /** Lookups answered and missed, for the benchmarks and tests. */
  hits = 0;
  misses = 0;

  constructor(maxChunks = MAX_CACHED_CHUNKS) {
    this.maxChunks = maxChunks;
  }

  /** Chunks held now. */
  get size(): number {
    return this.chunks.size;
  }

  /** Drops every value: a baseline was replaced, or a setting the values depend on changed. */
  clear(): void {
    this.chunks.clear();
    this.bySeries.clear();
  }

  /** Values depend on the category cap: a different cap than the values were computed with drops them. */
  useSettings(categoriesCap: number): void {
    if (this.categoriesCap !== undefined && this.categoriesCap !== categoriesCap) this.clear();
    this.categoriesCap = categoriesCap;
  }

  /** Data for `seriesId` was written in `minute`: every window of that series ending there or later changes. */
  invalidate(seriesId: number, minute: number): void {
    const entry = this.bySeries.get(seriesId);
    if (entry === undefined || minute > entry.lastMinute) return;
    const fromDay = Math.floor(minute / CHUNK_MINUTES);
    for (const key of entry.keys) {
      const chunk = this.chunks.get(key);
      if (chunk === undefined) {
        entry.keys.delete(key);
        continue;
      }
      if (chunk.day < fromDay) continue;
      chunk.state.fill(UNKNOWN, Math.max(0, minute - chunk.day * CHUNK_MINUTES));
    }
    entry.lastMinute = minute - 1;
  }

  /** The cached value at `minute`: a number, null when the gauge has no value there, undefined when not cached. */
  lookup(seriesId: number, gauge: string, minute: number): number | null | undefined {
    const day = Math.floor(minute / CHUNK_MINUTES);
    const key = `${seriesId}\u0000${gauge}\u0000${day}`;
    const chunk = this.chunks.get(key);
    const state = chunk === undefined ? UNKNOWN : chunk.state[minute - day * CHUNK_MINUTES];
    if (state === UNKNOWN) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return state === ABSENT ? null : chunk!.values[minute - day * CHUNK_MINUTES];
  }

  /** Keeps the value (null: no value) of a closed minute. */
  store(seriesId: number, gauge: string, minute: number, value: number | null): void {
    const day = Math.floor(minute / CHUNK_MINUTES);
    const key = `${seriesId}\u0000${gauge}\u0000${day}`;
    let chunk = this.chunks.get(key);
    if (chunk === undefined) {
      chunk = { seriesId, day, values: new Float64Array(CHUNK_MINUTES), state: new Uint8Array(CHUNK_MINUTES) };
      this.evictFor();
      let entry = this.bySeries.get(seriesId);
      if (entry === undefined) this.bySeries.set(seriesId, (entry = { keys: new Set(), lastMinute: -Infinity }));
      entry.keys.add(key);
    } else {
      // Most recently used last.
      this.chunks.delete(key);
    }
    this.chunks.set(key, chunk);
    const entry = this.bySeries.get(seriesId)!;
    if (minute > entry.lastMinute) entry.lastMinute = minute;
    const i = minute - day * CHUNK_MINUTES;
    chunk.state[i] = value === null ? ABSENT : VALUE;
    chunk.values[i] = value ?? 0;
  }

  private evictFor(): void {
    while (this.chunks.size >= this.maxChunks) {
      const oldest = this.chunks.keys().next().value as string;
      const chunk = this.chunks.get(oldest)!;
      this.chunks.delete(oldest);
      this.bySeries.get(chunk.seriesId)?.keys.delete(oldest);
    }
  }
}

/**
 * Values of windowed gauges already computed, kept in memory so that a dashboard refreshed every
 * minute computes only the minutes it has not seen (issue 14, docs/query-api.md, "Cached windowed
 * values").
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
 * Memory is bounded per isolate, not per object: Durable Objects of one class may share an
 * isolate (and its 128 MB), so every ModelStore's cache draws on one {@link ChunkPool} of at most
 * {@link MAX_CACHED_CHUNKS} chunks (one day of minutes per series, window and gauge, 13 KiB each),
 * the least recently used evicted first, whichever object it belongs to.
 *
 * Persistence: an idle Durable Object is evicted (hibernated after 10 s without a request,
 * Cloudflare's "Lifecycle of a Durable Object"; `wrangler dev` does the same), and with it this
 * memory, so a dashboard refreshed every minute found an empty cache on a model without steady
 * traffic. With a {@link ChunkBacking} (the object's SQLite, gauge-chunks.ts) the chunks are also
 * stored: a chunk missing from memory is read from it before anything is computed, a chunk with
 * enough new values is written back when the read ends ({@link GaugeCache.persist}), and every
 * invalidation reaches the stored chunks too (a late write drops the series' stored days from its
 * day on; a new baseline drops them all). The group aliases are stored with them.
 */

/** Minutes per chunk: one day. */
const CHUNK_MINUTES = 1_440;
/** Most chunks one isolate holds: 1 200 × 13 KiB ≈ 15 MiB of its 128 MB. */
export const MAX_CACHED_CHUNKS = 1_200;

const UNKNOWN = 0;
const VALUE = 1;
const ABSENT = 2;

/** A day of one gauge's values; `of` names its series and gauge once something was stored in it. */
type Chunk = { values: Float64Array; state: Uint8Array; day: number; of?: { seriesId: number; gauge: string } };

/** Chunks of every cache of an isolate, least recently used first, with one bound. */
export class ChunkPool {
  readonly maxChunks: number;
  /** A Map iterates in insertion order: a use re-inserts, so the first key is the least recently used. */
  readonly chunks = new Map<string, Chunk>();

  constructor(maxChunks = MAX_CACHED_CHUNKS) {
    this.maxChunks = maxChunks;
  }

  get(key: string): Chunk | undefined {
    return this.chunks.get(key);
  }

  /** The chunk for `key`, created (evicting the least recently used) when absent, marked most recently used. */
  use(key: string, day: number): Chunk {
    let chunk = this.chunks.get(key);
    if (chunk !== undefined) this.chunks.delete(key);
    else {
      while (this.chunks.size >= this.maxChunks) this.chunks.delete(this.chunks.keys().next().value as string);
      chunk = { values: new Float64Array(CHUNK_MINUTES), state: new Uint8Array(CHUNK_MINUTES), day };
    }
    this.chunks.set(key, chunk);
    return chunk;
  }

  delete(key: string): void {
    this.chunks.delete(key);
  }
}

/** One stored chunk, as a {@link ChunkBacking} reads and writes it. */
export type StoredChunk = { seriesId: number; gauge: string; day: number; values: Float64Array; state: Uint8Array; lastMinute: number };

/** Where a GaugeCache keeps its chunks across the object's evictions (the object's SQLite: gauge-chunks.ts). */
export interface ChunkBacking {
  /** The chunk stored for (series, gauge, day) with values computed under `categoriesCap`, if any. */
  load(seriesId: number, gauge: string, day: number, categoriesCap: number): StoredChunk | undefined;
  /** Stores chunks (replacing what was stored for the same series, gauge and day). */
  save(chunks: readonly StoredChunk[], categoriesCap: number): void;
  /** Forgets the stored chunks of a series from `day` on. */
  dropFrom(seriesId: number, day: number): void;
  /** Forgets every stored chunk. */
  dropAll(): void;
  /** The last minute with a value stored, per series. */
  lastMinutes(): Map<number, number>;
  /** The stored (member, owner) aliases. */
  aliases(): [number, number][];
  addAlias(member: number, owner: number): void;
}

/**
 * New values a chunk gathers before it is written back: a first read of a day writes its chunks
 * at once, a dashboard refreshed every minute rewrites each chunk every 15 minutes (an eviction
 * loses at most that many values of a gauge, computed again on the next read).
 */
export const PERSIST_AFTER_VALUES = 15;

/** The pool every ModelStore of this isolate shares. */
const SHARED_POOL = new ChunkPool();
let nextCacheId = 0;

/** What a cached gauge is: its window, family and method or quantile, as one key. */
export function gaugeKey(window: string, family: string, method?: string, quantile?: number): string {
  return `${window}\u0000${family}\u0000${method ?? ""}\u0000${quantile ?? ""}`;
}

/** One object's windowed gauge values by (series, gauge, minute), in a shared {@link ChunkPool}: see the file comment. */
export class GaugeCache {
  private readonly pool: ChunkPool;
  /** Distinguishes this object's chunks from other objects' in the pool (and from a previous instance's). */
  private readonly prefix: string;
  /** Chunk keys per series (some may have been evicted), and the last minute cached per series (an invalidation after it is free). */
  private readonly bySeries = new Map<number, { keys: Set<string>; lastMinute: number }>();
  private categoriesCap: number | undefined;
  /** Series whose writes also invalidate another series' values (a merged group cached under one id). */
  private readonly aliases = new Map<number, Set<number>>();
  /** Lookups answered and missed, for the benchmarks and tests. */
  hits = 0;
  misses = 0;
  private readonly backing: ChunkBacking | undefined;
  /** The last minute stored per series (a write at or before it reaches the stored chunks). */
  private readonly storedLastMinute: Map<number, number>;
  /** Chunk keys known not to be stored, so a miss reads the backing once. */
  private readonly notStored = new Set<string>();
  /** Chunks with values not yet written back, and how many. */
  private readonly unsaved = new Map<string, { seriesId: number; gauge: string; day: number; values: number }>();

  constructor(pool: ChunkPool = SHARED_POOL, backing?: ChunkBacking) {
    this.pool = pool;
    this.prefix = `${nextCacheId++}`;
    this.backing = backing;
    this.storedLastMinute = backing?.lastMinutes() ?? new Map();
    for (const [member, owner] of backing?.aliases() ?? []) this.aliasInMemory(member, owner);
  }

  /** Chunks of this cache still in the pool. */
  get size(): number {
    let n = 0;
    for (const entry of this.bySeries.values()) for (const key of entry.keys) if (this.pool.get(key) !== undefined) n++;
    return n;
  }

  /** Drops every value: a baseline was replaced, or a setting the values depend on changed. */
  clear(): void {
    for (const entry of this.bySeries.values()) for (const key of entry.keys) this.pool.delete(key);
    this.bySeries.clear();
    this.unsaved.clear();
    this.notStored.clear();
    if (this.backing !== undefined && this.storedLastMinute.size > 0) this.backing.dropAll();
    this.storedLastMinute.clear();
  }

  /** Values depend on the category cap: a different cap than the values were computed with drops them. */
  useSettings(categoriesCap: number): void {
    if (this.categoriesCap !== undefined && this.categoriesCap !== categoriesCap) this.clear();
    this.categoriesCap = categoriesCap;
  }

  /** Values cached under `owner` merge `member`'s buckets too: a write to `member` invalidates them. */
  alias(member: number, owner: number): void {
    if (this.aliasInMemory(member, owner)) this.backing?.addAlias(member, owner);
  }

  /** Records the alias; true when it is new. */
  private aliasInMemory(member: number, owner: number): boolean {
    if (member === owner) return false;
    let owners = this.aliases.get(member);
    if (owners === undefined) this.aliases.set(member, (owners = new Set()));
    if (owners.has(owner)) return false;
    owners.add(owner);
    return true;
  }

  /** Data for `seriesId` was written in `minute`: every window of that series (and of groups it is in) ending there or later changes. */
  invalidate(seriesId: number, minute: number): void {
    this.invalidateOwn(seriesId, minute);
    for (const owner of this.aliases.get(seriesId) ?? []) this.invalidateOwn(owner, minute);
  }

  private invalidateOwn(seriesId: number, minute: number): void {
    const fromDay = Math.floor(minute / CHUNK_MINUTES);
    const lastStored = this.storedLastMinute.get(seriesId);
    const stored = lastStored !== undefined && minute <= lastStored;
    if (stored) {
      // Whole stored days go; the part of `fromDay` before `minute` is written back from memory
      // when it is there (marked unsaved below), else computed again.
      this.backing!.dropFrom(seriesId, fromDay);
      this.storedLastMinute.set(seriesId, fromDay * CHUNK_MINUTES - 1);
    }
    const entry = this.bySeries.get(seriesId);
    if (entry === undefined || (minute > entry.lastMinute && !stored)) return;
    for (const key of entry.keys) {
      const chunk = this.pool.get(key);
      if (chunk === undefined) entry.keys.delete(key);
      else if (chunk.day >= fromDay) {
        chunk.state.fill(UNKNOWN, Math.max(0, minute - chunk.day * CHUNK_MINUTES));
        if (stored && chunk.day === fromDay && chunk.of !== undefined) this.markUnsaved(key, seriesId, chunk.of.gauge, chunk.day, PERSIST_AFTER_VALUES);
      }
    }
    entry.lastMinute = Math.min(entry.lastMinute, minute - 1);
  }

  /** The cached value at `minute`: a number, null when the gauge has no value there, undefined when not cached. */
  lookup(seriesId: number, gauge: string, minute: number): number | null | undefined {
    const day = Math.floor(minute / CHUNK_MINUTES);
    const key = this.key(seriesId, gauge, day);
    const chunk = this.pool.get(key) ?? this.loadStored(key, seriesId, gauge, day);
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
    const key = this.key(seriesId, gauge, day);
    const chunk = this.pool.use(key, day);
    let entry = this.bySeries.get(seriesId);
    if (entry === undefined) this.bySeries.set(seriesId, (entry = { keys: new Set(), lastMinute: -Infinity }));
    if (!entry.keys.has(key)) {
      entry.keys.add(key);
      // Keys of evicted chunks are forgotten here too, so the sets stay as small as the pool.
      if (entry.keys.size > 64) for (const k of entry.keys) if (this.pool.get(k) === undefined) entry.keys.delete(k);
    }
    if (minute > entry.lastMinute) entry.lastMinute = minute;
    const i = minute - day * CHUNK_MINUTES;
    chunk.state[i] = value === null ? ABSENT : VALUE;
    chunk.values[i] = value ?? 0;
    chunk.of ??= { seriesId, gauge };
    if (this.backing !== undefined) this.markUnsaved(key, seriesId, gauge, day, 1);
  }

  /**
   * Writes back the chunks that gathered {@link PERSIST_AFTER_VALUES} new values (every one with
   * `all`). Called when a read ends; a no-op without a backing.
   */
  persist(all = false): void {
    if (this.backing === undefined || this.unsaved.size === 0) return;
    const chunks: StoredChunk[] = [];
    for (const [key, pending] of this.unsaved) {
      if (!all && pending.values < PERSIST_AFTER_VALUES) continue;
      this.unsaved.delete(key);
      const chunk = this.pool.get(key);
      if (chunk === undefined) continue;
      let last = CHUNK_MINUTES - 1;
      while (last >= 0 && chunk.state[last] === UNKNOWN) last--;
      if (last < 0) continue;
      const lastMinute = pending.day * CHUNK_MINUTES + last;
      chunks.push({ seriesId: pending.seriesId, gauge: pending.gauge, day: pending.day, values: chunk.values, state: chunk.state, lastMinute });
      this.storedLastMinute.set(pending.seriesId, Math.max(lastMinute, this.storedLastMinute.get(pending.seriesId) ?? -Infinity));
    }
    if (chunks.length === 0) return;
    // The stored chunks only save work: a failed write (storage full, say) must not fail the read
    // or the alarm that computed them. Those values are computed again when next read.
    try {
      this.backing.save(chunks, this.categoriesCap ?? 0);
    } catch (error) {
      console.error(`gauge cache: could not store ${chunks.length} chunks; they are computed again when read`, error);
    }
  }

  private markUnsaved(key: string, seriesId: number, gauge: string, day: number, values: number): void {
    const pending = this.unsaved.get(key);
    if (pending === undefined) this.unsaved.set(key, { seriesId, gauge, day, values });
    else pending.values += values;
    this.notStored.delete(key);
  }

  /** A chunk missing from memory, read from the backing into the pool (undefined: not stored). */
  private loadStored(key: string, seriesId: number, gauge: string, day: number): Chunk | undefined {
    if (this.backing === undefined || this.notStored.has(key) || !((this.storedLastMinute.get(seriesId) ?? -Infinity) >= day * CHUNK_MINUTES)) return undefined;
    const stored = this.backing.load(seriesId, gauge, day, this.categoriesCap ?? 0);
    if (stored === undefined) {
      // Bounded like the pool: forgetting a negative answer only costs one more read.
      if (this.notStored.size >= 4 * this.pool.maxChunks) this.notStored.clear();
      this.notStored.add(key);
      return undefined;
    }
    const chunk = this.pool.use(key, day);
    chunk.values.set(stored.values);
    chunk.state.set(stored.state);
    chunk.of = { seriesId, gauge };
    let entry = this.bySeries.get(seriesId);
    if (entry === undefined) this.bySeries.set(seriesId, (entry = { keys: new Set(), lastMinute: -Infinity }));
    entry.keys.add(key);
    entry.lastMinute = Math.max(entry.lastMinute, stored.lastMinute);
    return chunk;
  }

  private key(seriesId: number, gauge: string, day: number): string {
    return `${this.prefix}\u0000${seriesId}\u0000${gauge}\u0000${day}`;
  }
}

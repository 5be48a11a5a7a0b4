import type { CategoricalCounts, TDigest } from "@driftline/collector";
import { MAX_SKETCH_MERGES, SketchMerger } from "./sketch-merger.ts";
import type { MergeBudget, Sketch } from "./sketch-merger.ts";
import { SlidingQueue } from "./sliding-queue.ts";
import { readWindowBuckets } from "./window-buckets.ts";

export { MAX_SKETCH_MERGES, newBudget } from "./sketch-merger.ts";
export type { MergeBudget } from "./sketch-merger.ts";

/**
 * Merges the sketches of some series over sliding windows: for a time t, the buckets whose start
 * minute is in (⌊t⌋ − window, ⌊t⌋] (the convention of GET /api/models/:model/drift, the current
 * minute included). Whole hours inside the window come from bucket_1h when rolled up and clean,
 * the rest from minute buckets.
 *
 * Cost model. Consecutive windows share their work instead of each merging its buckets from
 * scratch (which cost O(window) merges per time: 1 440 steps of a 1h window were 86 400 merges
 * per series). A window of at least an hour is split at hour boundaries into
 *   left edge: the minutes [lo, end of lo's hour], a suffix of that hour, built once per hour
 *              in one backward pass (one k-way merge per window start in the hour, ≤ 60 held);
 *   middle:    the whole hours between, a {@link SlidingQueue} of hour sketches (≤ 2 merges per
 *              hour, ≤ 2 per window hour held: 336 for 7d, never 10 080 minutes);
 *   right edge: the minutes [start of hi's hour, hi], a running prefix (one k-way merge per window);
 * and a window under an hour is a SlidingQueue of minutes. Each window then costs the merge of
 * at most four parts (three merges): O(1) amortised per step. A window that does not overlap the previous one
 * starts afresh, so sparse times (a large step) cost only the buckets their windows hold.
 * Every merge is charged to the request's {@link MergeBudget} as it is done.
 *
 * Accuracy. t-digest merges are not associative: the same buckets merged in a different grouping
 * give a slightly different digest, within the merge bounds of docs/sketches.md (rank error
 * ≤ 5e-3; count, sum, min, max and the missing count exact). Categorical counts are exact until
 * a window passes the category cap, after which which categories keep their names may differ.
 *
 * Times must be asked in ascending order ({@link at} throws otherwise).
 */
export class WindowReader {
  private readonly windowMinutes: number;
  private readonly merger: SketchMerger;
  /** Raw bucket bytes by start minute and by hour (clean rollups only), one entry per series holding one. */
  private readonly minutes: Map<number, Uint8Array[]>;
  private readonly hours: Map<number, Uint8Array[]>;
  /** The last window asked for, to check the order and to know whether windows overlap. */
  private lastHi = -Infinity;
  /** Minute windows (under an hour): the queue of minute sketches. */
  private readonly minuteQueue: SlidingQueue;
  /** Hour windows: the queue of whole hours and the last hour pushed into it. */
  private readonly hourQueue: SlidingQueue;
  private lastHourPushed = -Infinity;
  /** Hour sketches (clean rollup, or the merge of the hour's minutes) by hour; evicted behind the window. */
  private readonly hourSketches = new Map<number, Sketch | null>();
  /** Left edge: suffix merges of one hour's minutes, by minute − hour start (null: no data from there on). */
  private suffix: { hour: number; lowest: number; merges: (Sketch | null | undefined)[] } | null = null;
  /** Minute sketches decoded and not yet behind every window still to come (see minuteSketch). */
  private readonly decoded = new Map<number, Sketch>();
  /** The first minute of every window this reader will be asked for (where a left edge starts). */
  private readonly windowStarts: Set<number>;
  /** Right edge: the running merge of one hour's minutes up to `upTo`. */
  private prefix: { hour: number; upTo: number; merge: Sketch | null; owned: boolean } | null = null;

  constructor(
    sql: SqlStorage,
    options: { seriesIds: readonly number[]; type: "digest" | "counts"; windowMinutes: number; timesMs: readonly number[]; categoriesCap: number; budget: MergeBudget; what: string },
  ) {
    const { seriesIds, windowMinutes, timesMs } = options;
    this.windowMinutes = windowMinutes;
    this.merger = new SketchMerger(
      options.type,
      options.categoriesCap,
      options.budget,
      () =>
        `${options.what} at ${timesMs.length} evaluation times needs more than the limit of ${MAX_SKETCH_MERGES} sketch merges per query (MAX_SKETCH_MERGES); use a larger step, a shorter range or a shorter window`,
    );
    this.windowStarts = new Set(timesMs.map((t) => Math.floor(t / 60_000) - windowMinutes + 1));
    this.minuteQueue = new SlidingQueue(this.merger);
    this.hourQueue = new SlidingQueue(this.merger);
    const buckets = readWindowBuckets(sql, seriesIds, windowMinutes, timesMs);
    this.minutes = buckets.minutes;
    this.hours = buckets.hours;
  }

  /** Merges done so far by this reader (combining two sketches into one counts one). */
  get merges(): number {
    return this.merger.merges;
  }

  /**
   * The merge of the window ending at `timeMs` (an empty sketch when it holds no bucket). Times
   * must not decrease from one call to the next. The result may be shared with later windows:
   * read it, never modify it.
   */
  at(timeMs: number): TDigest | CategoricalCounts {
    const hi = Math.floor(timeMs / 60_000);
    if (hi < this.lastHi) throw new RangeError(`WindowReader.at: times must ascend (minute ${hi} after ${this.lastHi})`);
    const lo = hi - this.windowMinutes + 1;
    // Times ascend: no later window reads a minute before this one's first hour, and the hours
    // between its first and last are read whole (hourSketch) until a left edge reaches them, which
    // for a 1d or 7d window is many steps away: only the edge hours' minutes are kept.
    const loHour = Math.floor(lo / 60) * 60;
    const hiHour = Math.floor(hi / 60) * 60;
    for (const minute of this.decoded.keys()) if (minute < loHour || (minute >= loHour + 60 && minute < hiHour)) this.decoded.delete(minute);
    const parts = this.windowMinutes >= 60 ? this.hourWindow(lo, hi) : this.minuteWindow(lo, hi);
    this.lastHi = hi;
    return this.merger.merge(parts) ?? this.merger.empty();
  }

  private minuteWindow(lo: number, hi: number): Sketch[] {
    if (lo > this.lastHi) this.minuteQueue.clear();
    for (let m = Math.max(lo, this.lastHi + 1); m <= hi; m++) {
      const sketch = this.minuteSketch(m);
      if (sketch !== null) this.minuteQueue.push(m, sketch);
    }
    this.minuteQueue.dropBefore(lo);
    return this.minuteQueue.parts();
  }

  private hourWindow(lo: number, hi: number): Sketch[] {
    const loHour = Math.floor(lo / 60);
    const hiHour = Math.floor(hi / 60);
    for (const hour of this.hourSketches.keys()) if (hour < loHour) this.hourSketches.delete(hour);
    if (loHour === hiHour) {
      // Only a 1h window aligned on the hour lies inside one hour: that whole hour.
      const whole = this.hourSketch(loHour);
      return whole === null ? [] : [whole];
    }
    const parts: Sketch[] = [];
    const left = lo === loHour * 60 ? this.hourSketch(loHour) : this.leftEdge(loHour, lo);
    if (left !== null) parts.push(left);
    // Whole hours (loHour, hiHour): a queue, restarted when it no longer overlaps.
    if (loHour + 1 > this.lastHourPushed) {
      this.hourQueue.clear();
      this.lastHourPushed = loHour;
    }
    for (let h = this.lastHourPushed + 1; h < hiHour; h++) {
      const sketch = this.hourSketch(h);
      if (sketch !== null) this.hourQueue.push(h, sketch);
      this.lastHourPushed = h;
    }
    this.hourQueue.dropBefore(loHour + 1);
    parts.push(...this.hourQueue.parts());
    const right = hi === hiHour * 60 + 59 ? this.hourSketch(hiHour) : this.rightEdge(hiHour, hi);
    if (right !== null) parts.push(right);
    return parts;
  }

  /**
   * The merge of `hour`'s minutes from `lo` to the hour's end, from a suffix pass built once per
   * hour. The pass merges only at the minutes where some window of this reader starts (all 60 at
   * a 1-minute step, 12 at a 5-minute one): the minutes in between join the next merge as parts of
   * one k-way merge, one compression instead of one per minute.
   */
  private leftEdge(hour: number, lo: number): Sketch | null {
    const start = hour * 60;
    if (this.suffix === null || this.suffix.hour !== hour || this.suffix.lowest > lo || this.suffix.merges[lo - start] === undefined) {
      // Times ascend, so later left edges in this hour start at or after lo: build down to lo only.
      const merges: (Sketch | null | undefined)[] = new Array(60).fill(undefined);
      let running: Sketch | null = null;
      let pending: Sketch[] = [];
      for (let m = start + 59; m >= lo; m--) {
        const sketch = this.minuteSketch(m);
        if (sketch !== null) pending.push(sketch);
        if (m !== lo && !this.windowStarts.has(m)) continue;
        if (pending.length > 0) running = this.merger.merge(running === null ? pending : [...pending, running]);
        pending = [];
        merges[m - start] = running;
      }
      this.suffix = { hour, lowest: lo, merges };
    }
    return this.suffix.merges[lo - start] ?? null;
  }

  /**
   * The merge of `hour`'s minutes from its start to `hi`, carried forward as `hi` advances: the
   * minutes since the last window join in one k-way merge (one fold when there is one).
   */
  private rightEdge(hour: number, hi: number): Sketch | null {
    if (this.prefix === null || this.prefix.hour !== hour) this.prefix = { hour, upTo: hour * 60 - 1, merge: null, owned: false };
    const prefix = this.prefix;
    const added: Sketch[] = [];
    for (let m = prefix.upTo + 1; m <= hi; m++) {
      const sketch = this.minuteSketch(m);
      if (sketch !== null) added.push(sketch);
    }
    if (added.length === 1 && prefix.owned) this.merger.fold(prefix.merge!, added[0]);
    else if (added.length > 0) {
      const parts = prefix.merge === null ? added : [prefix.merge, ...added];
      prefix.merge = this.merger.merge(parts);
      prefix.owned = parts.length > 1;
    }
    prefix.upTo = Math.max(prefix.upTo, hi);
    return prefix.merge;
  }

  /** An ended hour: its clean rollup when there is one, else the merge of its minutes (null: no data). */
  private hourSketch(hour: number): Sketch | null {
    let sketch = this.hourSketches.get(hour);
    if (sketch !== undefined) return sketch;
    const rolled = this.hours.get(hour);
    if (rolled !== undefined) {
      sketch = this.merger.merge(rolled.map((bytes) => this.merger.decode(bytes)));
    } else {
      const minutes: Sketch[] = [];
      for (let m = hour * 60; m < hour * 60 + 60; m++) {
        // A whole hour's merge is kept (hourSketches): its minutes need not be.
        const s = this.minuteSketch(m, false);
        if (s !== null) minutes.push(s);
      }
      sketch = this.merger.merge(minutes);
    }
    this.hourSketches.set(hour, sketch);
    return sketch;
  }

  /**
   * A minute's sketch: its buckets (one per series) decoded and merged; null when it has none.
   * Kept until the windows have passed it: a minute is read by the left edge of the windows that
   * start in its hour and by the right edge of those that end there, and decoding it once serves both.
   */
  private minuteSketch(minute: number, keep = true): Sketch | null {
    const kept = this.decoded.get(minute);
    if (kept !== undefined) return kept;
    const raw = this.minutes.get(minute);
    if (raw === undefined) return null;
    const sketch = this.merger.merge(raw.map((bytes) => this.merger.decode(bytes)))!;
    if (keep) this.decoded.set(minute, sketch);
    return sketch;
  }
}

/**
 * A merging t-digest (Dunning's MergingDigest) with a tail-accurate scale function
 * (scale-function.ts), plus exact count, mean, variance, min and max.
 *
 * Cost model. Values are appended to an unmerged buffer (a Float64Array; no allocation per
 * value). When it fills, the buffer is sorted with the native typed-array sort, merged with the
 * existing centroids (already sorted) in one linear pass, and compressed in place
 * (tdigest-compress.ts). So an insert costs a store, a share of a radix-bucketed sort of the
 * buffer (sort-values.ts) and a share of a linear pass: `addMany` runs at tens of millions of values a second.
 * Weighted values (`add(x, w)` with w ≠ 1) wait in a second, small buffer of (mean, weight)
 * pairs. `merge(...others)` merges every digest's sorted centroids as runs (merge-runs.ts)
 * and compresses once.
 *
 * Size. The scale function spans about 0.7·compression units of k, and a centroid at most one:
 * at the default compression of 300 a digest of 10⁶ values has ~230–270 centroids and
 * serializes to ~2.7 KiB (docs/sketches.md has the measurements behind the default).
 *
 * Missing values. NaN, +∞ and −∞ are counted in `missing` (by weight) and never folded in:
 * they change no quantile, count, mean or bound. A digest of only missing values is empty.
 */
import { compressSorted } from "./tdigest-compress.ts";
import { MAX_COMPRESSION, MIN_COMPRESSION, decodeTDigest, encodeTDigest } from "./tdigest-codec.ts";
import { cdfAt, cdfsAt, quantileAt, quantilesAt } from "./tdigest-estimate.ts";
import { NumericSummary, checkWeight } from "./numeric-summary.ts";
import { tailScale } from "./scale-function.ts";
import { mergeRuns, mergeScratch, mergeThree } from "./merge-runs.ts";
import { sortPairs } from "./sort-pairs.ts";
import { createSortScratch, sortValues } from "./sort-values.ts";
import type { SortScratch } from "./sort-values.ts";

/** The compression a new digest gets; see docs/sketches.md for the measurements behind it. */
export const DEFAULT_COMPRESSION = 300;

const EMPTY = new Float64Array(0);

/**
 * The unit buffer's first length; it doubles up to bufferCapacity before the first flush. Small,
 * because a request spread over many minutes builds one digest per series and minute, most
 * holding a value or two: at 256 each cost ~4.9 KB, at 16 ~0.2 KB (a 1 KB record per minute
 * of 20 features would otherwise ask ~100 KB of memory). Growing adds a few copies of a few
 * hundred bytes to a digest that fills; it never changes when the buffer is merged (at bufferCapacity).
 */
const INITIAL_UNIT_BUFFER = 16;

/** A mergeable, serializable quantile sketch of a numeric series. */
export class TDigest {
  /** δ: larger is more accurate and larger; fixed for the life of the digest. */
  readonly compression: number;

  /** Centroid means, ascending, in [0, centroidTotal); all finite. */
  private means: Float64Array = EMPTY;
  /** Centroid weights, parallel to `means`; all > 0 and summing to `stats.count` after a flush. */
  private weights: Float64Array = EMPTY;
  /** Number of centroids in use. */
  private centroidTotal = 0;
  /** Exact statistics of every value merged into the centroids, and the missing count (always current). */
  private readonly stats = new NumericSummary();

  /** Unit-weight values not merged yet, in [0, unitCount); allocated on first add. */
  private unit: Float64Array = EMPTY;
  private unitCount = 0;
  /** The sort's second buffer, same length as `unit`; the two swap when the sort ends there. */
  private sortScratch: SortScratch | null = null;
  /** Weighted values not merged yet, in [0, pendingCount), and their total weight. */
  private pendingMeans: Float64Array = EMPTY;
  private pendingWeights: Float64Array = EMPTY;
  private pendingCount = 0;
  private pendingWeight = 0;
  /** Merge target, swapped with means/weights after each flush; capacity ≥ centroids + buffers. */
  private scratchMeans: Float64Array = EMPTY;
  private scratchWeights: Float64Array = EMPTY;
  /** Merges done so far; its parity sets the next merge's direction (tdigest-compress.ts). */
  private mergeCount = 0;

  /** Creates an empty digest; `compression` must be in [10, 100000] (default 200). */
  constructor(compression: number = DEFAULT_COMPRESSION) {
    if (!(compression >= MIN_COMPRESSION && compression <= MAX_COMPRESSION)) {
      throw new RangeError(`compression must be in [${MIN_COMPRESSION}, ${MAX_COMPRESSION}], got ${compression}`);
    }
    this.compression = compression;
  }

  /** Buffer length: large enough that sorting dominates per-flush overheads, small enough to stay in L2. */
  private get bufferCapacity(): number {
    return Math.max(4096, Math.ceil(this.compression * 8));
  }

  /** Adds one value with `weight` (default 1; finite and ≥ 0, 0 is a no-op). NaN and ±∞ count as missing. */
  add(value: number, weight = 1): void {
    checkWeight(weight);
    if (weight === 0) return;
    if (value - value !== 0) {
      this.stats.missing += weight;
      return;
    }
    if (weight === 1) {
      if (this.unitCount === this.unit.length) this.growOrFlushUnit();
      this.unit[this.unitCount++] = value;
      return;
    }
    if (this.pendingCount === this.pendingMeans.length) this.growOrFlushPending();
    this.pendingMeans[this.pendingCount] = value;
    this.pendingWeights[this.pendingCount++] = weight;
    this.pendingWeight += weight;
  }

  /** Adds every value with weight 1: the fast path. NaN and ±∞ count as missing. */
  addMany(values: Float64Array): void {
    const length = values.length;
    let i = 0;
    let missing = 0;
    while (i < length) {
      if (this.unitCount === this.unit.length) this.growOrFlushUnit();
      const buffer = this.unit;
      let n = this.unitCount;
      const end = Math.min(length, i + (buffer.length - n));
      for (; i < end; i++) {
        const v = values[i];
        // v − v is 0 for finite v and NaN for NaN and ±∞: one test for "missing".
        if (v - v === 0) buffer[n++] = v;
        else missing++;
      }
      this.unitCount = n;
    }
    this.stats.missing += missing;
  }

  /**
   * The unit buffer is full: grow it (from 256, doubling up to bufferCapacity) or flush it. The
   * Worker builds a digest per series per request, most of a few hundred values: allocating
   * (and zero-filling) the full buffer and its sort scratch for each cost more than their sorts.
   */
  private growOrFlushUnit(): void {
    const length = this.unit.length;
    if (length >= this.bufferCapacity) {
      this.flush();
      return;
    }
    const capacity = length === 0 ? Math.min(INITIAL_UNIT_BUFFER, this.bufferCapacity) : Math.min(2 * length, this.bufferCapacity);
    const grown = new Float64Array(capacity);
    grown.set(this.unit.subarray(0, this.unitCount));
    this.unit = grown;
    this.sortScratch = createSortScratch(capacity);
  }

  private growOrFlushPending(): void {
    if (this.pendingMeans.length === 0) {
      const capacity = Math.max(256, Math.ceil(this.compression * 2));
      this.pendingMeans = new Float64Array(capacity);
      this.pendingWeights = new Float64Array(capacity);
    } else {
      this.flush();
    }
  }

  /** Merges the buffered values into the centroids. Called by every read; cheap when nothing is buffered. */
  flush(): void {
    const unitCount = this.unitCount;
    const pendingCount = this.pendingCount;
    if (unitCount === 0 && pendingCount === 0) return;
    let unit = this.unit;
    if (unitCount > 0 && this.sortScratch !== null) {
      // The current estimates tell the bucket sort where the buffer's values will fall.
      const view = this.centroidTotal > 1 ? this.view() : null;
      const hint = view === null ? undefined : {
        low: quantileAt(view, 0.001),
        high: quantileAt(view, 0.999),
        lowerQuartile: quantileAt(view, 0.25),
        upperQuartile: quantileAt(view, 0.75),
      };
      const sorted = sortValues(unit, unitCount, this.sortScratch, hint);
      if (sorted !== unit) {
        // The sort ended in the scratch buffer: swap roles instead of copying back.
        this.sortScratch.out = unit;
        this.unit = sorted;
        unit = sorted;
      }
      this.stats.addMany(unit.subarray(0, unitCount));
    }
    if (pendingCount > 0) {
      sortByMean(this.pendingMeans, this.pendingWeights, pendingCount);
      for (let i = 0; i < pendingCount; i++) this.stats.add(this.pendingMeans[i], this.pendingWeights[i]);
    }

    const needed = this.centroidTotal + unitCount + pendingCount;
    if (this.scratchMeans.length < needed) {
      const capacity = Math.max(needed, this.centroidTotal + this.unit.length + 2 * this.compression);
      this.scratchMeans = new Float64Array(capacity);
      this.scratchWeights = new Float64Array(capacity);
    }
    const outMeans = this.scratchMeans;
    const outWeights = this.scratchWeights;
    mergeThree(
      this.means, this.weights, this.centroidTotal,
      unit, unitCount,
      this.pendingMeans, this.pendingWeights, pendingCount,
      outMeans, outWeights,
    );
    const total = this.stats.count;
    const scale = tailScale(this.compression, total);
    const count = compressSorted(outMeans, outWeights, needed, total, scale, (this.mergeCount++ & 1) === 1);

    // Swap: the old centroid arrays become the next merge target when large enough.
    const oldMeans = this.means;
    const oldWeights = this.weights;
    this.means = outMeans;
    this.weights = outWeights;
    this.centroidTotal = count;
    this.scratchMeans = oldMeans;
    this.scratchWeights = oldWeights;
    this.unitCount = 0;
    this.pendingCount = 0;
    this.pendingWeight = 0;
  }

  /**
   * Folds other digests into this one, as if their values had been added here; the others are
   * flushed but otherwise unchanged. All C centroids of k digests go through one merge of k sorted
   * runs (C·log₂ k moves, in a shared scratch) and one compression pass, not one compression per
   * digest; the result keeps arrays of its compressed size only.
   */
  merge(...others: readonly TDigest[]): this {
    this.flush();
    // Every digest's centroids are already sorted: lay them out as runs and merge the runs
    // pairwise (n·log₂ k moves for k digests), which beats re-sorting n nearly equal means.
    const runs = [this.centroidTotal];
    let n = this.centroidTotal;
    for (const o of others) {
      o.flush();
      runs.push(o.centroidTotal);
      n += o.centroidTotal;
    }
    const scratch = mergeScratch(n);
    scratch.means.set(this.means.subarray(0, this.centroidTotal));
    scratch.weights.set(this.weights.subarray(0, this.centroidTotal));
    let at = this.centroidTotal;
    for (const o of others) {
      scratch.means.set(o.means.subarray(0, o.centroidTotal), at);
      scratch.weights.set(o.weights.subarray(0, o.centroidTotal), at);
      at += o.centroidTotal;
      this.stats.merge(o.stats);
    }
    const [means, weights] = runs.length > 1 ? mergeRuns(scratch, runs) : [scratch.means, scratch.weights];
    const total = this.stats.count;
    const scale = tailScale(this.compression, total);
    const count = compressSorted(means, weights, n, total, scale, (this.mergeCount++ & 1) === 1);
    // Own arrays of the compressed size: the scratch is shared, and n can be far larger.
    this.means = means.slice(0, count);
    this.weights = weights.slice(0, count);
    this.centroidTotal = count;
    return this;
  }

  /**
   * The estimated value at quantile q ∈ [0, 1]: exactly `min` at 0 and `max` at 1, NaN when the
   * digest is empty. Throws a RangeError for q outside [0, 1].
   */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be in [0, 1], got ${q}`);
    this.flush();
    if (this.centroidTotal === 0) return NaN;
    return quantileAt(this.view(), q);
  }

  /** The estimated fraction of the weight at or below x, in [0, 1]; NaN when empty or x is NaN. */
  cdf(x: number): number {
    this.flush();
    if (this.centroidTotal === 0 || Number.isNaN(x)) return NaN;
    return cdfAt(this.view(), x);
  }

  /**
   * {@link quantile} at each of `levels` (non-decreasing, in [0, 1]) into `out` (NaN when empty), in
   * one pass over the centroids; each value equals `quantile(level)` exactly.
   */
  quantiles(levels: ArrayLike<number>, out: Float64Array = new Float64Array(levels.length)): Float64Array {
    this.flush();
    if (this.centroidTotal === 0) return out.fill(NaN);
    if (levels.length > 0 && !(levels[0] >= 0 && levels[levels.length - 1] <= 1)) throw new RangeError(`quantile levels must be in [0, 1], got ${levels[0]} … ${levels[levels.length - 1]}`);
    return quantilesAt(this.view(), levels, out);
  }

  /** {@link cdf} at each of `xs` (non-decreasing, none NaN) into `out`, in one pass; each value equals `cdf(x)` exactly. */
  cdfs(xs: ArrayLike<number>, out: Float64Array = new Float64Array(xs.length)): Float64Array {
    this.flush();
    if (this.centroidTotal === 0) return out.fill(NaN);
    return cdfsAt(this.view(), xs, out);
  }

  private view() {
    const { count, min, max } = this.stats;
    return { means: this.means, weights: this.weights, count: this.centroidTotal, totalWeight: count, min, max };
  }

  /** Total weight of the finite values added (NaN and ±∞ are in `missing` instead). */
  get count(): number {
    return this.stats.count + this.unitCount + this.pendingWeight;
  }

  /** Total weight of the NaN and ±∞ values added. */
  get missing(): number {
    return this.stats.missing;
  }

  /** Smallest finite value added, exactly; NaN when empty. */
  get min(): number {
    this.flush();
    return this.stats.count === 0 ? NaN : this.stats.min;
  }

  /** Largest finite value added, exactly; NaN when empty. */
  get max(): number {
    this.flush();
    return this.stats.count === 0 ? NaN : this.stats.max;
  }

  /** Σ w·x of the finite values, from running sums (not from centroids). */
  get sum(): number {
    this.flush();
    return this.stats.sum;
  }

  /** Exact mean of the finite values; NaN when empty. */
  get mean(): number {
    this.flush();
    return this.stats.mean;
  }

  /** Exact population variance of the finite values (numpy's ddof = 0); NaN when empty. */
  get variance(): number {
    this.flush();
    return this.stats.variance;
  }

  /** Exact population standard deviation; what Evidently's normed Wasserstein divides by. NaN when empty. */
  get stddev(): number {
    this.flush();
    return this.stats.stddev;
  }

  /** Number of centroids after merging the buffer (the digest's size is about 11 bytes per centroid). */
  /** True while every finite value folded in is a whole number (see NumericSummary.integers). */
  get integers(): boolean {
    this.flush();
    return this.stats.integers;
  }

  get centroidCount(): number {
    this.flush();
    return this.centroidTotal;
  }

  /** Copies of the centroid means (ascending) and weights, for methods that walk the distribution. */
  centroids(): { means: Float64Array; weights: Float64Array } {
    this.flush();
    return { means: this.means.slice(0, this.centroidTotal), weights: this.weights.slice(0, this.centroidTotal) };
  }

  /** Serializes to the versioned, checksummed binary format of docs/sketches.md. */
  toBytes(): Uint8Array {
    this.flush();
    return encodeTDigest({
      compression: this.compression,
      summary: this.stats.fields(),
      means: this.means,
      weights: this.weights,
      centroidCount: this.centroidTotal,
    });
  }

  /** Decodes bytes from {@link toBytes}; throws SketchDecodeError for empty, truncated, corrupt or foreign bytes. */
  static fromBytes(bytes: Uint8Array): TDigest {
    const state = decodeTDigest(bytes);
    const digest = new TDigest(state.compression);
    digest.means = state.means;
    digest.weights = state.weights;
    digest.centroidTotal = state.centroidCount;
    Object.assign(digest.stats, state.summary);
    return digest;
  }
}

/** Sorts parallel (mean, weight) arrays by mean; a digest's inputs are finite, so no NaN ordering issues. */
function sortByMean(means: Float64Array, weights: Float64Array, count: number): void {
  sortPairs(means, weights, count);
}

/**
 * Sorts a digest's buffer of finite doubles faster than `Float64Array.prototype.sort`, which
 * costs 40–70 ns a value in V8, most of an insert's budget: a bucket sort on a range the caller
 * expects the data to occupy, then insertion sort inside the (small) buckets.
 *
 * The digest passes its own current estimate of the 0.1 % and 99.9 % quantiles as the range:
 * buckets are linear in value between them (values outside go to the first or last bucket),
 * so with about one bucket per value a bucket holds a handful of values wherever the density
 * is moderate. Bucketing is monotone in the value (floor of a correctly rounded increasing
 * function), so sorting inside buckets sorts the whole. A bucket that is still large (a spike
 * of near-equal values, or the first buffer of a digest, which has no estimate yet and uses
 * min and max) falls back to the native sort, so no input costs much more than before.
 *
 * Heavy-tailed data (the interquartile range under a tenth of the range: latencies, amounts,
 * Cauchy-like errors) would crowd linear buckets around the median, so there the buckets are
 * linear in the magnitude's high 32 bits instead: exponent and leading mantissa bits, a
 * piecewise-linear log₂ that costs integer operations, not a Math.log, with the sign kept and
 * magnitudes below a floor sharing the middle bucket. It is monotone in the value too.
 */

const INSERTION_LIMIT = 32;

/** Scratch space for {@link sortValues}, reused across calls so that sorting never allocates. */
export type SortScratch = { out: Float64Array; counts: Uint32Array };

/** Scratch for buffers of up to `capacity` values. */
export function createSortScratch(capacity: number): SortScratch {
  return { out: new Float64Array(capacity), counts: new Uint32Array(bucketCountFor(capacity) + 1) };
}

function bucketCountFor(count: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(16, count)));
}

/**
 * Where the caller expects the values to fall (a digest's current estimates): most of them in
 * [low, high] (its 0.1 % and 99.9 % quantiles), half of them in [lowerQuartile, upperQuartile].
 */
export type SortHint = { low: number; high: number; lowerQuartile: number; upperQuartile: number };

/**
 * Returns `values[0, count)` sorted ascending: either `values` itself (sorted in place) or
 * `scratch.out`, whichever the caller should read. Every value must be finite. Without a
 * `hint` the buffer's min and max are the range; a hint affects speed only, never the result.
 */
export function sortValues(values: Float64Array, count: number, scratch: SortScratch, hint?: SortHint): Float64Array {
  if (count <= INSERTION_LIMIT) {
    insertionSort(values, 0, count);
    return values;
  }
  let lo = hint === undefined ? NaN : hint.low;
  let hi = hint === undefined ? NaN : hint.high;
  if (!(hi > lo)) {
    lo = Infinity;
    hi = -Infinity;
    for (let i = 0; i < count; i++) {
      const v = values[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const { out, counts } = scratch;
  const buckets = Math.min(bucketCountFor(count), counts.length - 1);
  if (LITTLE_ENDIAN && hint !== undefined && hint.upperQuartile - hint.lowerQuartile < (hi - lo) / 10) return sortByMagnitude(values, count, scratch, buckets, lo, hi);
  const scale = buckets / (hi - lo);
  if (!(hi > lo) || !Number.isFinite(scale)) {
    values.subarray(0, count).sort();
    return values;
  }
  const last = buckets - 1;
  counts.fill(0, 0, buckets + 1);
  for (let i = 0; i < count; i++) {
    const x = (values[i] - lo) * scale;
    const b = x <= 0 ? 0 : x >= last ? last : x | 0;
    counts[b + 1]++;
  }
  for (let b = 1; b <= buckets; b++) counts[b] += counts[b - 1];
  // counts[b] is now where bucket b starts; the scatter advances it to where the bucket ends.
  for (let i = 0; i < count; i++) {
    const v = values[i];
    const x = (v - lo) * scale;
    const b = x <= 0 ? 0 : x >= last ? last : x | 0;
    out[counts[b]++] = v;
  }
  sortBuckets(out, counts, buckets, count);
  return out;
}

/** Whether the platform stores a double's high word second (every platform Workers and Node run on). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The bucket sort keyed by sign and magnitude: k(x) = sign(x) · max(0, H(|x|) − H(floor)),
 * where H is a double's high word (for a positive double an Int32 ≥ 0 that increases with it).
 * k never decreases as x increases; magnitudes under `floor` all get 0. The floor is the range's
 * low end for positive data, and 2⁻¹⁴ of its largest magnitude when it spans zero (so the empty
 * binades of tiny magnitudes do not take buckets).
 */
function sortByMagnitude(values: Float64Array, count: number, scratch: SortScratch, buckets: number, lo: number, hi: number): Float64Array {
  const { out, counts } = scratch;
  const words = new Int32Array(values.buffer, values.byteOffset, count * 2);
  const floor = lo > 0 ? lo : hi < 0 ? -hi : Math.max(-lo, hi) * 2 ** -14;
  const bounds = new Int32Array(new Float64Array([floor, lo, hi]).buffer);
  const floorWord = bounds[1];
  const kLow = magnitudeKey(bounds[3], floorWord);
  const scale = buckets / (magnitudeKey(bounds[5], floorWord) - kLow + 1);
  const last = buckets - 1;
  counts.fill(0, 0, buckets + 1);
  if (lo > 0) {
    // Positive data (floor = lo, so kLow = 0): the key is the high word less the floor's (a
    // value at or below zero, if any, is negative as an Int32 and lands in the first bucket).
    // The same key as magnitudeKey's there, for fewer operations.
    for (let i = 0; i < count; i++) {
      const x = (words[2 * i + 1] - floorWord) * scale;
      counts[(x <= 0 ? 0 : x >= last ? last : x | 0) + 1]++;
    }
    for (let b = 1; b <= buckets; b++) counts[b] += counts[b - 1];
    for (let i = 0; i < count; i++) {
      const x = (words[2 * i + 1] - floorWord) * scale;
      out[counts[x <= 0 ? 0 : x >= last ? last : x | 0]++] = values[i];
    }
  } else {
    for (let i = 0; i < count; i++) {
      const x = (magnitudeKey(words[2 * i + 1], floorWord) - kLow) * scale;
      counts[(x <= 0 ? 0 : x >= last ? last : x | 0) + 1]++;
    }
    for (let b = 1; b <= buckets; b++) counts[b] += counts[b - 1];
    for (let i = 0; i < count; i++) {
      const x = (magnitudeKey(words[2 * i + 1], floorWord) - kLow) * scale;
      out[counts[x <= 0 ? 0 : x >= last ? last : x | 0]++] = values[i];
    }
  }
  sortBuckets(out, counts, buckets, count);
  return out;
}

/** sign · max(0, |high word| − floorWord), without a branch (the sign would be a coin toss). */
function magnitudeKey(highWord: number, floorWord: number): number {
  const sign = highWord >> 31;
  let m = (highWord & 0x7fffffff) - floorWord;
  m &= ~(m >> 31);
  return (m ^ sign) - sign;
}

/** Sorts inside each bucket; `counts[b]` is where bucket b ends. */
function sortBuckets(out: Float64Array, counts: Uint32Array, buckets: number, count: number): void {
  let from = 0;
  for (let b = 0; b < buckets && from < count; b++) {
    const to = counts[b];
    const size = to - from;
    if (size > INSERTION_LIMIT) out.subarray(from, to).sort();
    else if (size > 1) insertionSort(out, from, to);
    from = to;
  }
}

function insertionSort(a: Float64Array, start: number, end: number): void {
  for (let i = start + 1; i < end; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= start && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

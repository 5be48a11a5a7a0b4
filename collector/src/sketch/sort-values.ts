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
 * Right-skewed positive data (latencies, amounts: the median in the lowest quarter of the
 * range) would crowd linear buckets near the low end, so there the buckets are linear in the
 * high 32 bits of the double instead: exponent and leading mantissa bits, a piecewise-linear
 * log₂ that costs an integer load, not a Math.log. It is monotone for positive doubles too.
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
 * Returns `values[0, count)` sorted ascending: either `values` itself (sorted in place) or
 * `scratch.out`, whichever the caller should read. Every value must be finite. `low` and
 * `high` are where most values are expected (NaN for "unknown": the buffer's min and max are
 * used), and `median` the expected median (NaN when unknown); they affect speed only, never
 * the result.
 */
export function sortValues(values: Float64Array, count: number, scratch: SortScratch, low = NaN, high = NaN, median = NaN): Float64Array {
  if (count <= INSERTION_LIMIT) {
    insertionSort(values, 0, count);
    return values;
  }
  let lo = low;
  let hi = high;
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
  if (LITTLE_ENDIAN && lo > 0 && median - lo < (hi - lo) / 4) return sortByHighWord(values, count, scratch, buckets, lo, hi);
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
 * The bucket sort keyed by each value's high 32 bits, read as an Int32 (positive doubles only:
 * then the high word is non-negative and increases with the value). Values at or below zero go
 * to the first bucket, which the insertion or native sort then orders.
 */
function sortByHighWord(values: Float64Array, count: number, scratch: SortScratch, buckets: number, lo: number, hi: number): Float64Array {
  const { out, counts } = scratch;
  const words = new Int32Array(values.buffer, values.byteOffset, count * 2);
  const bounds = new Int32Array(new Float64Array([lo, hi]).buffer);
  const base = bounds[1];
  const scale = buckets / (bounds[3] - base + 1);
  const last = buckets - 1;
  counts.fill(0, 0, buckets + 1);
  for (let i = 0; i < count; i++) {
    const x = (words[2 * i + 1] - base) * scale;
    counts[(x <= 0 ? 0 : x >= last ? last : x | 0) + 1]++;
  }
  for (let b = 1; b <= buckets; b++) counts[b] += counts[b - 1];
  for (let i = 0; i < count; i++) {
    const x = (words[2 * i + 1] - base) * scale;
    out[counts[x <= 0 ? 0 : x >= last ? last : x | 0]++] = values[i];
  }
  sortBuckets(out, counts, buckets, count);
  return out;
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

/**
 * In-place sort of two parallel Float64Arrays by the first (centroid means and their weights).
 * A hand-written quicksort because the typed-array sort cannot carry a second array along,
 * and sorting an index array with a comparator costs a closure call per comparison.
 * Median-of-three pivots keep sorted and reversed runs (merged digests) at n·log n.
 */

const INSERTION_SORT_BELOW = 16;

/** Sorts `keys[0, count)` ascending and applies the same permutation to `values`. */
export function sortPairs(keys: Float64Array, values: Float64Array, count: number): void {
  quicksort(keys, values, 0, count - 1);
}

function quicksort(keys: Float64Array, values: Float64Array, lo: number, hi: number): void {
  while (hi - lo >= INSERTION_SORT_BELOW) {
    const mid = (lo + hi) >>> 1;
    // Order keys[lo], keys[mid], keys[hi]; the median lands at mid and serves as pivot.
    if (keys[mid] < keys[lo]) swap(keys, values, mid, lo);
    if (keys[hi] < keys[lo]) swap(keys, values, hi, lo);
    if (keys[hi] < keys[mid]) swap(keys, values, hi, mid);
    const pivot = keys[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (keys[i] < pivot) i++;
      while (keys[j] > pivot) j--;
      if (i <= j) {
        swap(keys, values, i, j);
        i++;
        j--;
      }
    }
    // Recurse into the smaller side, loop on the larger: stack depth stays O(log n).
    if (j - lo < hi - i) {
      quicksort(keys, values, lo, j);
      lo = i;
    } else {
      quicksort(keys, values, i, hi);
      hi = j;
    }
  }
  for (let i = lo + 1; i <= hi; i++) {
    const k = keys[i];
    const v = values[i];
    let j = i - 1;
    while (j >= lo && keys[j] > k) {
      keys[j + 1] = keys[j];
      values[j + 1] = values[j];
      j--;
    }
    keys[j + 1] = k;
    values[j + 1] = v;
  }
}

function swap(keys: Float64Array, values: Float64Array, i: number, j: number): void {
  const k = keys[i];
  keys[i] = keys[j];
  keys[j] = k;
  const v = values[i];
  values[i] = values[j];
  values[j] = v;
}

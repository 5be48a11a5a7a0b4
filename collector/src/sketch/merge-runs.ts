/** Merging already-sorted runs of centroids: the k runs of TDigest.merge (one sort-free pass per level) and the three of a flush. */

/** Four parallel arrays of one length: the runs to merge, and where the merge ping-pongs to. */
export type MergeScratch = { means: Float64Array; weights: Float64Array; altMeans: Float64Array; altWeights: Float64Array };

/**
 * Merges up to this many centroids reuse one isolate-wide scratch (4 × 8 bytes each: 2 MiB at
 * most). Allocating and zero-filling four fresh arrays cost about a tenth of merging 100 digests;
 * larger merges, which are rare, allocate and let the arrays go.
 */
const POOLED_CENTROIDS = 1 << 16;
let pooled: MergeScratch | null = null;

/**
 * Scratch arrays for a merge of `count` centroids, at least that long; their contents are
 * garbage. Valid until the next call: merging is synchronous, so callers never overlap.
 */
export function mergeScratch(count: number): MergeScratch {
  if (count > POOLED_CENTROIDS) return allocate(count);
  if (pooled === null || pooled.means.length < count) pooled = allocate(Math.min(POOLED_CENTROIDS, Math.max(count, 2 * (pooled?.means.length ?? 1024))));
  return pooled;
}

function allocate(count: number): MergeScratch {
  return { means: new Float64Array(count), weights: new Float64Array(count), altMeans: new Float64Array(count), altWeights: new Float64Array(count) };
}

/**
 * Merges consecutive sorted runs of (means, weights) of the given lengths, laid out from index 0
 * of `scratch.means/weights`, into one sorted run, bottom-up, ping-ponging between the two pairs
 * of the scratch. Returns the pair that holds the result.
 */
export function mergeRuns(scratch: MergeScratch, runLengths: number[]): [Float64Array, Float64Array] {
  let src: Float64Array = scratch.means;
  let srcW: Float64Array = scratch.weights;
  let dst: Float64Array = scratch.altMeans;
  let dstW: Float64Array = scratch.altWeights;
  let runs = runLengths.filter((length) => length > 0);
  while (runs.length > 1) {
    const next: number[] = [];
    let start = 0;
    for (let r = 0; r < runs.length; r += 2) {
      const aEnd = start + runs[r];
      const bEnd = r + 1 < runs.length ? aEnd + runs[r + 1] : aEnd;
      let i = start;
      let j = aEnd;
      let k = start;
      if (i < aEnd && j < bEnd) {
        // The heads of both runs stay in registers: one load per element moved.
        let x = src[i];
        let y = src[j];
        for (;;) {
          if (y < x) {
            dst[k] = y;
            dstW[k++] = srcW[j++];
            if (j === bEnd) break;
            y = src[j];
          } else {
            dst[k] = x;
            dstW[k++] = srcW[i++];
            if (i === aEnd) break;
            x = src[i];
          }
        }
      }
      if (i < aEnd) {
        dst.set(src.subarray(i, aEnd), k);
        dstW.set(srcW.subarray(i, aEnd), k);
      } else if (j < bEnd) {
        dst.set(src.subarray(j, bEnd), k);
        dstW.set(srcW.subarray(j, bEnd), k);
      }
      next.push(bEnd - start);
      start = bEnd;
    }
    [src, dst] = [dst, src];
    [srcW, dstW] = [dstW, srcW];
    runs = next;
  }
  return [src, srcW];
}

/**
 * Merges three sorted runs into `outMeans/outWeights`: the centroids (a few hundred), the
 * unit-weight buffer (thousands, weight 1 implied) and the weighted buffer (usually empty).
 * Written as "copy the run of buffer values below the next centroid" rather than a
 * three-way compare per element: the inner loops' branches are then almost always taken,
 * which matters because this pass touches every buffered value.
 */
export function mergeThree(
  aMeans: Float64Array, aWeights: Float64Array, aCount: number,
  unit: Float64Array, unitCount: number,
  cMeans: Float64Array, cWeights: Float64Array, cCount: number,
  outMeans: Float64Array, outWeights: Float64Array,
): void {
  let i = 0;
  let j = 0;
  let k = 0;
  let o = 0;
  // Each round emits the smallest head among the centroids and the weighted buffer, after
  // first copying every unit value below it. +∞ marks an exhausted run (stored values are finite).
  while (i < aCount || k < cCount) {
    const a = i < aCount ? aMeans[i] : Infinity;
    const c = k < cCount ? cMeans[k] : Infinity;
    const head = a <= c ? a : c;
    while (j < unitCount && unit[j] < head) {
      outMeans[o] = unit[j++];
      outWeights[o++] = 1;
    }
    if (a <= c) {
      outMeans[o] = a;
      outWeights[o++] = aWeights[i++];
    } else {
      outMeans[o] = c;
      outWeights[o++] = cWeights[k++];
    }
  }
  while (j < unitCount) {
    outMeans[o] = unit[j++];
    outWeights[o++] = 1;
  }
}

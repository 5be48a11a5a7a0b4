/**
 * histogram_quantile over classic `le` buckets, ported from Prometheus' `BucketQuantile`
 * (promql/quantile.go): buckets sorted by upper bound, equal bounds merged, counts forced
 * monotonic, then linear interpolation inside the bucket where the rank falls; the +Inf bucket
 * must exist; a quantile in it answers the highest finite bound.
 */
import type { Sample } from "./values.ts";
import type { Labels } from "./source.ts";
import { dropMetricName, labelsKey } from "./labels.ts";
import { executionError } from "./errors.ts";

/** One classic bucket: the cumulative count of observations ≤ upperBound. */
export type Bucket = { upperBound: number; count: number };

/** The φ-quantile of cumulative buckets, as Prometheus computes it. */
export function bucketQuantile(q: number, input: Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...input].sort((a, b) => a.upperBound - b.upperBound);
  if (sorted.length === 0 || sorted[sorted.length - 1].upperBound !== Infinity) return NaN;
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last !== undefined && last.upperBound === b.upperBound) last.count += b.count;
    else buckets.push({ ...b });
  }
  let max = -Infinity;
  for (const b of buckets) {
    if (b.count < max) b.count = max;
    else max = b.count;
  }
  if (buckets.length < 2) return NaN;
  const observations = buckets[buckets.length - 1].count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  let b = 0;
  while (b < buckets.length - 1 && buckets[b].count < rank) b++;
  if (b === buckets.length - 1) return buckets[buckets.length - 2].upperBound;
  if (b === 0 && buckets[0].upperBound <= 0) return buckets[0].upperBound;
  let bucketStart = 0;
  const bucketEnd = buckets[b].upperBound;
  let count = buckets[b].count;
  if (b > 0) {
    bucketStart = buckets[b - 1].upperBound;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

/**
 * histogram_quantile over an instant vector of buckets: one output per series without `le`, the
 * metric name then dropped. Buckets of two metrics (`{__name__=~"x\\d*_bucket"}`) stay two
 * histograms, and two answers with the same labels are an error, as in Prometheus (issue 12).
 */
export function histogramQuantile(q: number, samples: Sample[]): Sample[] {
  const groups = new Map<string, { labels: Labels; buckets: Bucket[] }>();
  for (const s of samples) {
    const le = s.labels.le;
    if (le === undefined) continue;
    const upperBound = parseBound(le);
    if (upperBound === undefined) continue;
    const labels: Labels = { ...s.labels };
    delete labels.le;
    const key = labelsKey(labels);
    let group = groups.get(key);
    if (group === undefined) {
      group = { labels, buckets: [] };
      groups.set(key, group);
    }
    group.buckets.push({ upperBound, count: s.value });
  }
  const out: Sample[] = [];
  const seen = new Set<string>();
  for (const g of groups.values()) {
    const labels = dropMetricName(g.labels);
    const key = labelsKey(labels);
    if (seen.has(key)) throw executionError("vector cannot contain metrics with the same labelset");
    seen.add(key);
    out.push({ labels, value: bucketQuantile(q, g.buckets) });
  }
  return out;
}

function parseBound(le: string): number | undefined {
  const t = le.trim().toLowerCase();
  if (t === "+inf" || t === "inf") return Infinity;
  if (t === "-inf") return -Infinity;
  const n = Number(t);
  return t === "" || Number.isNaN(n) ? undefined : n;
}

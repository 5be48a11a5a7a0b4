import { TDigest, numericDrift } from "@driftline/collector";
import type { NumericDistribution, NumericDriftMethod } from "@driftline/collector";
import { readWindowBuckets } from "./window-buckets.ts";

/**
 * The binned drift methods (PSI, Jensen–Shannon, Hellinger) over sliding windows without merging
 * a single sketch. They read the current window only through its count, whether it holds whole
 * numbers, and its CDF at a few points fixed by the baseline (the bin edges: its deciles, its
 * twentieths). A CDF is additive over the buckets of a window — count·F(x) of a union is the sum
 * of each bucket's count·F(x) — so each bucket is decoded once, read at those points, and every
 * window is a difference of prefix sums: O(points) per step, however long the window.
 *
 * Cost model: decode + (points) CDF look-ups per bucket, then per time a handful of additions and
 * the methods' arithmetic; against ~3 digest merges per step for the merging reader (window-reader.ts),
 * about 10× less for `method="psi"` over 24 h at a 1-minute step (docs/benchmarks.md, "Query").
 *
 * Accuracy: the window's CDF here is the count-weighted mixture of its buckets' digest CDFs, where
 * the merging reader reads the CDF of their merged digest. Both approximate the same exact CDF
 * within the digest's rank error (docs/sketches.md; the mixture skips the merge's recompression),
 * so results agree within that error: worker/test/binned-window.test.ts holds them to it.
 *
 * The windows are cut exactly as WindowReader cuts them: whole hours inside the window from their
 * clean rollup, everything else from minutes.
 */

/** The methods this path answers; any other needs the merged digest. */
export const BINNED_METHODS: readonly string[] = ["psi", "js", "hellinger"];

/** Longest span of minutes (window + range) this path keeps prefix sums for: five weeks. */
const MAX_SPAN_MINUTES = 5 * 7 * 1440;

/** One method's values at the times where the window has data. */
export type BinnedSeries = { timestamps: number[]; values: number[] };

/**
 * Each of `methods` (⊆ {@link BINNED_METHODS}) of the windows ending at `timesMs` (ascending)
 * against `baseline`, or null when the methods turn out to read more of the current distribution
 * than its CDF (then the caller merges).
 */
export function binnedDrift(
  sql: SqlStorage,
  options: { seriesIds: readonly number[]; windowMinutes: number; timesMs: readonly number[]; baseline: TDigest; methods: readonly string[] },
): Map<string, BinnedSeries> | null {
  const { windowMinutes, timesMs, baseline } = options;
  const methods = options.methods as NumericDriftMethod[];
  // The points read when the current side is continuous, and, if the baseline holds whole
  // numbers, when both are (edges then move to half-integers).
  const continuous = probePoints(baseline, methods, false);
  const whole = baseline.integers ? probePoints(baseline, methods, true) : new Float64Array(0);
  if (continuous === null || whole === null) return null;
  const points = Float64Array.from(new Set([...continuous, ...whole])).sort();
  const pointIndex = new Map<number, number>();
  points.forEach((x, i) => pointIndex.set(x, i));
  // Per unit: [count, units not all whole numbers, count·F(point)…].
  const width = 2 + points.length;
  const vectorOf = (list: readonly Uint8Array[], into: Float64Array, at: number): void => {
    for (const bytes of list) {
      const digest = TDigest.fromBytes(bytes);
      const count = digest.count;
      if (count === 0) continue;
      into[at] += count;
      if (!digest.integers) into[at + 1] += 1;
      for (let p = 0; p < points.length; p++) into[at + 2 + p] += count * digest.cdf(points[p]);
    }
  };

  const out = new Map<string, BinnedSeries>(methods.map((m) => [m, { timestamps: [], values: [] }]));
  if (timesMs.length === 0 || options.seriesIds.length === 0) return out;
  const buckets = readWindowBuckets(sql, options.seriesIds, windowMinutes, timesMs);
  const firstMinute = Math.floor(timesMs[0] / 60_000) - windowMinutes + 1;
  const lastMinute = Math.floor(timesMs[timesMs.length - 1] / 60_000);
  // Prefix sums over minutes: row i + 1 holds the sum of minutes firstMinute … firstMinute + i.
  const minuteCount = lastMinute - firstMinute + 1;
  // Past this the prefix sums would pass ~10 MB; such spans (weeks of minutes) go to the merging reader.
  if (minuteCount > MAX_SPAN_MINUTES) return null;
  const minutes = new Float64Array((minuteCount + 1) * width);
  for (let i = 0; i < minuteCount; i++) {
    const at = (i + 1) * width;
    minutes.copyWithin(at, i * width, at);
    const list = buckets.minutes.get(firstMinute + i);
    if (list !== undefined) vectorOf(list, minutes, at);
  }
  const sumMinutes = (from: number, to: number, into: Float64Array): void => {
    const a = Math.max(from, firstMinute) - firstMinute;
    const b = Math.min(to, lastMinute) - firstMinute + 1;
    if (b <= a) return;
    for (let k = 0; k < width; k++) into[k] += minutes[b * width + k] - minutes[a * width + k];
  };
  // Hours: the clean rollup, else the sum of the hour's minutes; prefix sums over hours.
  const firstHour = Math.floor(firstMinute / 60);
  const hourCount = Math.floor(lastMinute / 60) - firstHour + 1;
  const hours = new Float64Array((hourCount + 1) * width);
  if (windowMinutes >= 60) {
    const one = new Float64Array(width);
    for (let i = 0; i < hourCount; i++) {
      const at = (i + 1) * width;
      const rolled = buckets.hours.get(firstHour + i);
      one.fill(0);
      if (rolled !== undefined) vectorOf(rolled, one, 0);
      else sumMinutes((firstHour + i) * 60, (firstHour + i) * 60 + 59, one);
      for (let k = 0; k < width; k++) hours[at + k] = hours[i * width + k] + one[k];
    }
  }
  const sumHours = (from: number, to: number, into: Float64Array): void => {
    if (to < from) return;
    const a = from - firstHour;
    const b = to - firstHour + 1;
    for (let k = 0; k < width; k++) into[k] += hours[b * width + k] - hours[a * width + k];
  };

  const window = new Float64Array(width);
  for (const t of timesMs) {
    const hi = Math.floor(t / 60_000);
    const lo = hi - windowMinutes + 1;
    window.fill(0);
    if (windowMinutes < 60) {
      sumMinutes(lo, hi, window);
    } else {
      // As WindowReader: left edge, whole hours, right edge; an edge that is a whole hour is that hour.
      const loHour = Math.floor(lo / 60);
      const hiHour = Math.floor(hi / 60);
      if (loHour === hiHour) sumHours(loHour, loHour, window);
      else {
        if (lo === loHour * 60) sumHours(loHour, loHour, window);
        else sumMinutes(lo, loHour * 60 + 59, window);
        sumHours(loHour + 1, hiHour - 1, window);
        if (hi === hiHour * 60 + 59) sumHours(hiHour, hiHour, window);
        else sumMinutes(hiHour * 60, hi, window);
      }
    }
    // Sums of differences can leave rounding dust on an empty window.
    const count = Math.round(window[0] * 1e6) / 1e6;
    if (!(count > 0)) continue;
    const current = mixture(count, window[1] < 0.5, (x) => {
      const p = pointIndex.get(x);
      if (p === undefined) throw new Error(`binned drift: the CDF was read at ${x}, not at a bin edge`);
      return Math.min(1, Math.max(0, window[2 + p] / count));
    });
    for (const result of numericDrift(baseline, current, { methods })) {
      if (result.status === "no_data" || !Number.isFinite(result.value)) continue;
      const series = out.get(result.method)!;
      series.timestamps.push(t);
      series.values.push(result.value);
    }
  }
  return out;
}

/** A window's distribution as the binned methods see it: count, wholeness and the CDF at the edges. */
function mixture(count: number, integers: boolean, cdf: (x: number) => number): NumericDistribution {
  const unavailable = (): never => {
    throw new Error("binned drift: the methods read more than the CDF of the window");
  };
  return {
    count,
    integers,
    cdf,
    quantile: unavailable,
    get min(): number {
      return unavailable();
    },
    get max(): number {
      return unavailable();
    },
    get mean(): number {
      return unavailable();
    },
    get variance(): number {
      return unavailable();
    },
  };
}

/**
 * The points at which `methods` read the current side's CDF for this baseline (the bin edges),
 * found by running them once on a probe; null when they read anything else than count, wholeness
 * and the CDF, so this path never guesses how a method is written.
 */
function probePoints(baseline: TDigest, methods: NumericDriftMethod[], integers: boolean): Float64Array | null {
  const xs = new Set<number>();
  let readMore = false;
  const more = (): number => {
    readMore = true;
    return 0;
  };
  const probe: NumericDistribution = {
    count: 1,
    integers,
    cdf: (x) => {
      xs.add(x);
      return 0.5;
    },
    quantile: more,
    get min(): number {
      return more();
    },
    get max(): number {
      return more();
    },
    get mean(): number {
      return more();
    },
    get variance(): number {
      return more();
    },
  };
  numericDrift(baseline, probe, { methods });
  return readMore ? null : Float64Array.from(xs);
}

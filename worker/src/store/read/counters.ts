import { TDigest } from "@driftline/collector";
import { ReadLimitError } from "./read-limit.ts";
import { readPieces, resolutionMinutes } from "./pieces.ts";
import type { Cuts } from "./pieces.ts";

/** Samples of one series: parallel arrays, timestamps in milliseconds, ascending. */
export type Samples = { timestamps: Float64Array; values: Float64Array };

/** The time span a `select` asks for, in milliseconds. */
export type Span = { startMs: number; endMs: number; stepMs: number };

/** Most grid points one counter series may return; the finest grid over 48 h is 2 880. */
export const MAX_POINTS_PER_SERIES = 20_000;

/**
 * The points at which a counter is sampled within `span`: each grid boundary, and then
 * min(end, now) when that is not a boundary, so a query right after ingest sees the current
 * minute (what a scrape taken at that instant would show). A point's value counts the buckets that
 * start before its `cutMinute`: the boundary itself, or the minute after ⌊t⌋ for the last point.
 *
 * The grid is as fine as the stored buckets allow: a range that starts in the hour rollups and
 * ends in the minute buckets is sampled hourly up to the minute cut and every minute after it
 * (when the step is under an hour), so `rate(x[5m])` over the last 7 days has data wherever
 * Prometheus' own 1-minute scrapes would, not one sample an hour for the whole range.
 */
export function counterGrid(span: Span, firstMinute: number, cuts: Cuts): { timesMs: number[]; cutMinutes: number[] } {
  const r = resolutionMinutes(span.startMs, span.stepMs, cuts);
  // A series reads 0 at the start of its first bucket, so an increase counts its first minute.
  const first = Math.max(Math.ceil(span.startMs / 60_000 / r) * r, Math.floor(firstMinute / r) * r);
  const lastMs = Math.min(span.endMs, cuts.nowMs);
  const lastMinute = Math.floor(lastMs / 60_000);
  // Minute resolution from the minute cut on, when the hour grid starts before it (cuts are on hour boundaries).
  const fineFrom = r === 60 && span.stepMs < 3_600_000 ? Math.max(cuts.minuteCut, Math.floor(firstMinute)) : Number.POSITIVE_INFINITY;
  const minutes: number[] = [];
  for (let m = first; m <= lastMinute && m < fineFrom; m += r) minutes.push(m);
  for (let m = Math.max(first, fineFrom); m <= lastMinute; m += 1) minutes.push(m);
  if (minutes.length > MAX_POINTS_PER_SERIES) {
    throw new ReadLimitError(`a counter over this range has ${minutes.length} samples at the stored resolution, more than the limit of ${MAX_POINTS_PER_SERIES} (MAX_POINTS_PER_SERIES); query a shorter range`);
  }
  const timesMs: number[] = minutes.map((m) => m * 60_000);
  const cutMinutes: number[] = [...minutes];
  const lastBoundaryMs = minutes.length > 0 ? minutes[minutes.length - 1] * 60_000 : -Infinity;
  if (lastMs > lastBoundaryMs && lastMs >= span.startMs && lastMs >= firstMinute * 60_000) {
    timesMs.push(lastMs);
    cutMinutes.push(lastMinute + 1);
  }
  return { timesMs, cutMinutes };
}

/**
 * A counter sampled at each point of {@link counterGrid}: the series' lifetime `total` minus every
 * bucket that starts at or after the point's cut. Retention deletes old buckets only, so a counter
 * never goes down when its oldest buckets expire.
 */
export function cumulativeCounter(sql: SqlStorage, ids: readonly number[], total: number, firstMinute: number, span: Span, cuts: Cuts): Samples {
  const { timesMs, cutMinutes } = counterGrid(span, firstMinute, cuts);
  const timestamps = Float64Array.from(timesMs);
  const values = new Float64Array(timesMs.length);
  if (timesMs.length === 0) return { timestamps, values };
  const pieces = readPieces(sql, ids, cutMinutes[0], Number.MAX_SAFE_INTEGER, cuts, false);
  let after = 0;
  let p = pieces.length - 1;
  for (let i = cutMinutes.length - 1; i >= 0; i--) {
    while (p >= 0 && pieces[p].startMinute >= cutMinutes[i]) after += pieces[p--].value;
    values[i] = Math.max(0, total - after);
  }
  return { timestamps, values };
}

/** What a histogram read should produce: finite `le` bounds, and whether `_sum` is wanted. */
export type HistogramWanted = { bounds: readonly number[]; sum: boolean };

/**
 * The finite `le` buckets and `_sum` of a latency series at each grid boundary T: Σ count·cdf(le)
 * (and Σ sum) over the buckets that start in [first point's cut, the point's cut). They count from zero at the
 * first boundary of the read (docs/query-api.md): differences, so `rate` and `increase`, are
 * exact; the lifetime level is what /metrics shows. `+Inf` and `_count` are counters (see
 * {@link cumulativeCounter}). Keyed by the bound, and "sum".
 */
export function histogramParts(sql: SqlStorage, id: number, firstMinute: number, span: Span, cuts: Cuts, wanted: HistogramWanted): Map<number | "sum", Samples> {
  const { timesMs, cutMinutes } = counterGrid(span, firstMinute, cuts);
  const out = new Map<number | "sum", Samples>();
  const keys: (number | "sum")[] = [...wanted.bounds, ...(wanted.sum ? ["sum" as const] : [])];
  for (const key of keys) out.set(key, { timestamps: Float64Array.from(timesMs), values: new Float64Array(timesMs.length) });
  if (timesMs.length === 0 || keys.length === 0) return out;
  const pieces = readPieces(sql, [id], cutMinutes[0], cutMinutes[cutMinutes.length - 1] - 1, cuts, true);
  const running = new Float64Array(keys.length);
  let p = 0;
  for (let i = 0; i < cutMinutes.length; i++) {
    while (p < pieces.length && pieces[p].startMinute < cutMinutes[i]) {
      const bytes = pieces[p++].sketch;
      if (bytes === null) continue;
      const digest = TDigest.fromBytes(bytes);
      if (digest.count === 0) continue;
      keys.forEach((key, k) => {
        running[k] += key === "sum" ? digest.sum : digest.count * digest.cdf(key);
      });
    }
    keys.forEach((key, k) => {
      out.get(key)!.values[i] = running[k];
    });
  }
  return out;
}

/** Lifetime finite-bucket counts and sum of a latency series: every retained bucket, each counted once. */
export function lifetimeHistogram(sql: SqlStorage, id: number, cuts: Cuts, bounds: readonly number[]): { counts: number[]; sumSeconds: number } {
  const counts = bounds.map(() => 0);
  let sumSeconds = 0;
  for (const piece of readPieces(sql, [id], Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, cuts, true)) {
    if (piece.sketch === null) continue;
    const digest = TDigest.fromBytes(piece.sketch);
    if (digest.count === 0) continue;
    sumSeconds += digest.sum;
    bounds.forEach((b, k) => {
      counts[k] += digest.count * digest.cdf(b);
    });
  }
  return { counts, sumSeconds };
}

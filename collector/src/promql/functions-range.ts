/**
 * Functions of a range vector: rate, increase, delta, irate, idelta, changes, resets and the
 * `*_over_time` family. rate/increase/delta port `extrapolatedRate` of
 * prometheus/promql/functions.go (Prometheus 3): counter resets add the value before the reset;
 * the result is extrapolated to the window's edges when the first/last sample lies within 110 %
 * of the average sample interval of them, else by half an interval; a counter is never
 * extrapolated below zero.
 */
import type { RangeSeries } from "./values.ts";
import { kahanAdd, meanOf, quantileOf } from "./values.ts";
import { deriv, holtWinters, predictLinear } from "./functions-trend.ts";

/**
 * A range function: the value for one series' window, or undefined to drop the series at this
 * step. `params` are the scalar arguments besides the range vector, in order.
 */
export type RangeFunction = (
  s: RangeSeries,
  rangeStartMs: number,
  rangeEndMs: number,
  rangeMs: number,
  params: number[],
  evalTimeMs: number,
) => number | undefined;

/** Prometheus' extrapolatedRate for float samples. */
export function extrapolatedRate(s: RangeSeries, rangeStartMs: number, rangeEndMs: number, rangeMs: number, isCounter: boolean, isRate: boolean): number | undefined {
  const { timestamps: t, values: v, from, to } = s;
  const n = to - from;
  if (n < 2) return undefined;
  const firstT = t[from];
  const lastT = t[to - 1];
  let result = v[to - 1] - v[from];
  if (isCounter) {
    for (let i = from + 1; i < to; i++) if (v[i] < v[i - 1]) result += v[i - 1];
  }
  let durationToStart = (firstT - rangeStartMs) / 1000;
  let durationToEnd = (rangeEndMs - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (n - 1);
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  if (durationToStart >= extrapolationThreshold) durationToStart = averageDurationBetweenSamples / 2;
  if (isCounter) {
    let durationToZero = durationToStart;
    if (result > 0 && v[from] >= 0) durationToZero = sampledInterval * (v[from] / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= rangeMs / 1000;
  return result * factor;
}

function instantRate(s: RangeSeries, isRate: boolean): number | undefined {
  const { timestamps: t, values: v, to } = s;
  if (to - s.from < 2) return undefined;
  const last = v[to - 1];
  const previous = v[to - 2];
  // irate treats a drop as a reset (the counter restarted from zero); idelta does not.
  const diff = isRate && last < previous ? last : last - previous;
  if (!isRate) return diff;
  const intervalMs = t[to - 1] - t[to - 2];
  if (intervalMs === 0) return undefined;
  return diff / (intervalMs / 1000);
}

function sum(s: RangeSeries): number {
  let total = 0;
  let c = 0;
  for (let i = s.from; i < s.to; i++) [total, c] = kahanAdd(s.values[i], total, c);
  return Number.isFinite(total + c) ? total + c : total;
}

function variance(s: RangeSeries): number {
  // Welford's method with Kahan-compensated mean and sum of squares, as Prometheus' stdvar_over_time.
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (let i = s.from; i < s.to; i++) {
    const v = s.values[i];
    count++;
    const delta = v - (mean + cMean);
    [mean, cMean] = kahanAdd(delta / count, mean, cMean);
    [aux, cAux] = kahanAdd(delta * (v - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

/** Every supported range function; `param` carries quantile_over_time's φ. */
export const RANGE_FUNCTIONS: Readonly<Record<string, RangeFunction>> = {
  rate: (s, a, b, r) => extrapolatedRate(s, a, b, r, true, true),
  increase: (s, a, b, r) => extrapolatedRate(s, a, b, r, true, false),
  delta: (s, a, b, r) => extrapolatedRate(s, a, b, r, false, false),
  irate: (s) => instantRate(s, true),
  idelta: (s) => instantRate(s, false),
  changes: (s) => {
    let n = 0;
    for (let i = s.from + 1; i < s.to; i++) {
      const a = s.values[i - 1];
      const b = s.values[i];
      if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) n++;
    }
    return n;
  },
  resets: (s) => {
    let n = 0;
    for (let i = s.from + 1; i < s.to; i++) if (s.values[i] < s.values[i - 1]) n++;
    return n;
  },
  sum_over_time: (s) => sum(s),
  avg_over_time: (s) => meanOf(s.values, s.from, s.to),
  count_over_time: (s) => s.to - s.from,
  present_over_time: () => 1,
  last_over_time: (s) => s.values[s.to - 1],
  min_over_time: (s) => {
    let min = s.values[s.from];
    for (let i = s.from + 1; i < s.to; i++) if (s.values[i] < min || Number.isNaN(min)) min = s.values[i];
    return min;
  },
  max_over_time: (s) => {
    let max = s.values[s.from];
    for (let i = s.from + 1; i < s.to; i++) if (s.values[i] > max || Number.isNaN(max)) max = s.values[i];
    return max;
  },
  stdvar_over_time: (s) => variance(s),
  stddev_over_time: (s) => Math.sqrt(variance(s)),
  quantile_over_time: (s, _a, _b, _r, [q]) => quantileOf(q, Array.from(s.values.subarray(s.from, s.to))),
  deriv: (s) => deriv(s),
  predict_linear: (s, _a, _b, _r, [durationS], t) => predictLinear(s, t, durationS),
  double_exponential_smoothing: (s, _a, _b, _r, [sf, tf]) => holtWinters(s, sf, tf),
};

/** Range functions whose result keeps the metric name (Prometheus drops it for the others). */
export const KEEPS_METRIC_NAME: ReadonlySet<string> = new Set(["last_over_time"]);

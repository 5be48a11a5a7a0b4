/**
 * An in-memory {@link SeriesSource} for tests, loaded in the notation of Prometheus' promqltest
 * files (`load 5m` then `metric{a="b"} 0+10x10`), so cases can be ported from
 * prometheus/promql/promqltest/testdata with their expected values.
 */
import type { HistogramQuantileRequest, HistogramQuantileSeries, Labels, Matcher, SelectHints, SeriesData, SeriesSource } from "../../src/promql/source.ts";
import { matchesAll } from "../../src/promql/labels.ts";
import { parseSeriesSelector } from "../../src/promql/parse.ts";
import { parseNumber } from "../../src/promql/literals.ts";

/** Values of one promqltest series line: `1 2 _ 0+10x3 5-1x2 7x2`; undefined is a missing sample. */
export function expandValues(spec: string): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (const token of spec.trim().split(/\s+/)) {
    if (token === "") continue;
    const repeat = /^(.+?)(?:([+-])(.+?))?x(\d+)$/.exec(token);
    if (token === "_" || token === "stale") out.push(undefined);
    else if (repeat !== null) {
      const times = Number(repeat[4]);
      if (repeat[1] === "_") {
        for (let i = 0; i < times; i++) out.push(undefined);
        continue;
      }
      const start = parseNumber(repeat[1]) as number;
      const step = repeat[2] === undefined ? 0 : (repeat[2] === "-" ? -1 : 1) * (parseNumber(repeat[3]) as number);
      for (let i = 0; i <= times; i++) out.push(start + i * step);
    } else {
      const v = parseNumber(token);
      if (v === undefined) throw new Error(`bad value ${token}`);
      out.push(v);
    }
  }
  return out;
}

/** Series of a `load <interval>` block: one `descriptor values` per line, sample i at i × interval. */
export function loadSeries(intervalMs: number, block: string): SeriesData[] {
  const series: SeriesData[] = [];
  for (const raw of block.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const brace = line.indexOf("{");
    const space = line.search(/\s/);
    const end = brace >= 0 && (space < 0 || brace < space) ? line.indexOf("}") + 1 : space;
    const labels: Labels = {};
    for (const m of parseSeriesSelector(line.slice(0, end))) labels[m.name] = m.value;
    const values = expandValues(line.slice(end));
    const ts: number[] = [];
    const vs: number[] = [];
    values.forEach((v, i) => {
      if (v !== undefined) {
        ts.push(i * intervalMs);
        vs.push(v);
      }
    });
    series.push({ labels, timestamps: Float64Array.from(ts), values: Float64Array.from(vs) });
  }
  return series;
}

/** A recorded call to {@link MemorySource.select}. */
export type SelectCall = { matchers: Matcher[]; startMs: number; endMs: number; hints: SelectHints };

/** Holds series in memory; records the calls it receives; can answer the histogram pushdown. */
export class MemorySource implements SeriesSource {
  readonly data: SeriesData[];
  readonly selects: SelectCall[] = [];
  readonly pushdowns: HistogramQuantileRequest[] = [];
  histogramQuantile?: (request: HistogramQuantileRequest) => Promise<HistogramQuantileSeries[] | undefined>;

  constructor(data: SeriesData[], pushdown?: (request: HistogramQuantileRequest) => HistogramQuantileSeries[] | undefined) {
    this.data = data;
    if (pushdown !== undefined) {
      this.histogramQuantile = async (request) => {
        this.pushdowns.push(request);
        return pushdown(request);
      };
    }
  }

  async select(matchers: Matcher[], startMs: number, endMs: number, hints: SelectHints): Promise<SeriesData[]> {
    this.selects.push({ matchers, startMs, endMs, hints });
    return this.data
      .filter((s) => matchesAll(s.labels, matchers))
      .map((s) => {
        const keep = Array.from(s.timestamps, (t) => t >= startMs && t <= endMs);
        return {
          labels: s.labels,
          timestamps: s.timestamps.filter((_, i) => keep[i]),
          values: s.values.filter((_, i) => keep[i]),
        };
      });
  }
}

/**
 * Assertions on query results, keyed by label sets written as in promqltest
 * (`{path="/foo"}`, `metric{a="b"}`).
 */
import { expect } from "vitest";
import type { QueryData } from "../../src/promql/format.ts";
import type { Labels } from "../../src/promql/source.ts";
import { labelsKey } from "../../src/promql/labels.ts";
import { parseSeriesSelector } from "../../src/promql/parse.ts";

function labelsOf(descriptor: string): Labels {
  if (descriptor === "{}") return {};
  const labels: Labels = {};
  for (const m of parseSeriesSelector(descriptor)) labels[m.name] = m.value;
  return labels;
}

/** Parses a JSON result value ("NaN", "+Inf", "1.5"). */
export function num(value: string): number {
  if (value === "+Inf") return Infinity;
  if (value === "-Inf") return -Infinity;
  return Number(value);
}

/** Expects an instant-vector result with exactly these series and values (relative tolerance 1e-9, NaN equals NaN). */
export function expectVector(data: QueryData, expected: Record<string, number>): void {
  expect(data.resultType).toBe("vector");
  if (data.resultType !== "vector") return;
  const got = new Map(data.result.map((r) => [labelsKey(r.metric), num(r.value[1])]));
  const want = new Map(Object.entries(expected).map(([d, v]) => [labelsKey(labelsOf(d)), v]));
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [k, v] of want) expectClose(got.get(k) as number, v);
}

/** Expects a matrix result: per series, the values at consecutive steps (undefined: no point at that step). */
export function expectMatrix(data: QueryData, expected: Record<string, { startS: number; stepS: number; values: (number | undefined)[] }>): void {
  expect(data.resultType).toBe("matrix");
  if (data.resultType !== "matrix") return;
  const got = new Map(data.result.map((r) => [labelsKey(r.metric), r.values]));
  const want = Object.entries(expected).map(([d, v]) => [labelsKey(labelsOf(d)), v] as const);
  expect([...got.keys()].sort()).toEqual(want.map(([k]) => k).sort());
  for (const [k, spec] of want) {
    const points: [number, number][] = [];
    spec.values.forEach((v, i) => {
      if (v !== undefined) points.push([spec.startS + i * spec.stepS, v]);
    });
    const actual = got.get(k) ?? [];
    expect(actual.map(([t]) => t)).toEqual(points.map(([t]) => t));
    actual.forEach(([, v], i) => expectClose(num(v), points[i][1]));
  }
}

/** Equal within a relative 1e-9 (absolute near zero); NaN equals NaN; infinities exactly. */
export function expectClose(actual: number, expected: number): void {
  if (Number.isNaN(expected) || !Number.isFinite(expected)) {
    expect(actual).toBe(expected);
    return;
  }
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

// Query semantics shared by every expression: steps, lookback, left-open windows, offset,
// selectors, result shapes and limits.
import { describe, expect, it } from "vitest";
import { instantQuery, rangeQuery } from "./engine.ts";
import { loadSeries, MemorySource } from "../../testing/promql/memory-source.ts";
import { expectMatrix, expectVector } from "../../testing/promql/expect.ts";
import type { SeriesData } from "./source.ts";

const MIN = 60_000;

describe("instant vector selectors", () => {
  const source = new MemorySource(
    loadSeries(
      MIN,
      `metric{job="api", env="prod"} 1 2 3
       metric{job="web", env="prod"} 10 _ _ _ _ _ _ 20
       metric{job="db"} 100
       other{job="api"} 7`,
    ),
  );

  it("takes the latest sample within the 5-minute lookback, whose left end is open", async () => {
    // The web series has samples at 0 and 7m: at 5m the one at 0 is exactly 5m old, out of (0, 5m].
    expectVector(await instantQuery(source, 'metric{job="web"}', 4 * MIN), { 'metric{job="web", env="prod"}': 10 });
    expectVector(await instantQuery(source, 'metric{job="web"}', 5 * MIN), {});
    expectVector(await instantQuery(source, 'metric{job="web"}', 7 * MIN), { 'metric{job="web", env="prod"}': 20 });
  });

  it("matches =, !=, =~ and !~, regexes anchored at both ends", async () => {
    expectVector(await instantQuery(source, 'metric{job!="api"}', 0), { 'metric{job="web", env="prod"}': 10, 'metric{job="db"}': 100 });
    expectVector(await instantQuery(source, 'metric{job=~"a|w"}', 0), {});
    expectVector(await instantQuery(source, 'metric{job=~"a.*|w.*"}', 0), { 'metric{job="api", env="prod"}': 1, 'metric{job="web", env="prod"}': 10 });
    expectVector(await instantQuery(source, 'metric{job!~"a.*"}', 0), { 'metric{job="web", env="prod"}': 10, 'metric{job="db"}': 100 });
  });

  it("treats a missing label as empty", async () => {
    expectVector(await instantQuery(source, 'metric{env=""}', 0), { 'metric{job="db"}': 100 });
  });

  it("selects by __name__, regexes included", async () => {
    expectVector(await instantQuery(source, '{__name__=~"metric|other", job="api"}', 0), { 'metric{job="api", env="prod"}': 1, 'other{job="api"}': 7 });
  });

  it("reads each selector once, over the whole range plus the lookback, with offset applied", async () => {
    const s = new MemorySource([]);
    await rangeQuery(s, 'metric{job="api"} offset 1m', 10 * MIN, 20 * MIN, MIN);
    expect(s.selects).toHaveLength(1);
    expect(s.selects[0]).toMatchObject({ startMs: 4 * MIN, endMs: 19 * MIN, hints: { stepMs: MIN, rangeMs: 0, lookbackMs: 5 * MIN } });
  });

  it("filters what a coarse source returns by the matchers and by time", async () => {
    const loose: SeriesData[] = loadSeries(MIN, `metric{job="api"} 1 2 3\nmetric{job="web"} 4 5 6`);
    const coarse = { select: async () => loose };
    expectVector(await instantQuery(coarse, 'metric{job="api"}', MIN), { 'metric{job="api"}': 2 });
  });
});

describe("range queries", () => {
  const source = new MemorySource(loadSeries(MIN, `counter_total{job="api"} 0+60x20\ngauge 1 2 3 4 5`));

  it("evaluates at start, start + step, … up to end, including end when it falls on a step", async () => {
    expectMatrix(await rangeQuery(source, "gauge", 0, 4 * MIN, 2 * MIN), { "gauge{}": { startS: 0, stepS: 120, values: [1, 3, 5] } });
    expectMatrix(await rangeQuery(source, "gauge", 0, 5 * MIN, 2 * MIN), { "gauge{}": { startS: 0, stepS: 120, values: [1, 3, 5] } });
  });

  it("answers a scalar expression as one series without labels", async () => {
    expectMatrix(await rangeQuery(source, "1+1", 0, 2 * MIN, MIN), { "{}": { startS: 0, stepS: 60, values: [2, 2, 2] } });
  });

  it("leaves out steps where a series has no value, and stops it after the lookback", async () => {
    // gauge's last sample is at 4m: it is still seen at 8m, not at 9m.
    expectMatrix(await rangeQuery(source, "gauge", 7 * MIN, 10 * MIN, MIN), { "gauge{}": { startS: 420, stepS: 60, values: [5, 5] } });
  });

  it("computes rate per step over the window ending at each step", async () => {
    expectMatrix(await rangeQuery(source, "rate(counter_total[5m])", 5 * MIN, 7 * MIN, MIN), { '{job="api"}': { startS: 300, stepS: 60, values: [1, 1, 1] } });
  });

  it("sorts series by their labels", async () => {
    const s = new MemorySource(loadSeries(MIN, `m{a="c"} 1\nm{a="a"} 1\nm{a="b"} 1`));
    const data = await rangeQuery(s, "m", 0, 0, MIN);
    expect(data.resultType === "matrix" && data.result.map((r) => r.metric.a)).toEqual(["a", "b", "c"]);
  });

  it("rejects more than 11,000 steps with Prometheus' message", async () => {
    await expect(rangeQuery(source, "gauge", 0, 11_000 * 1000, 1000)).rejects.toMatchObject({
      errorType: "bad_data",
      message: "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
    });
    await expect(rangeQuery(source, "gauge", 0, 10_999 * 1000, 1000)).resolves.toBeDefined();
  });

  it("rejects a zero step and an end before the start", async () => {
    await expect(rangeQuery(source, "gauge", 0, MIN, 0)).rejects.toThrow(/zero or negative query resolution step widths are not accepted/);
    await expect(rangeQuery(source, "gauge", MIN, 0, 1000)).rejects.toThrow(/end timestamp must not be before start time/);
  });

  it("rejects a range vector as the result of a range query", async () => {
    await expect(rangeQuery(source, "gauge[5m]", 0, MIN, MIN)).rejects.toThrow('invalid expression type "range vector" for range query, must be Scalar or instant Vector');
  });
});

describe("limits and result shapes", () => {
  it("refuses a query that selects more series than maxSeries, naming the limit", async () => {
    const many = new MemorySource(Array.from({ length: 11 }, (_, i) => loadSeries(MIN, `m{i="${i}"} 1`)[0]));
    await expect(instantQuery(many, "m", 0, { maxSeries: 10 })).rejects.toMatchObject({
      errorType: "execution",
      message: expect.stringContaining("more than the limit of 10 (maxSeries)"),
    });
    await expect(instantQuery(many, "sum(m)", 0, { maxSeries: 11 })).resolves.toBeDefined();
  });

  it("answers a range selector in an instant query as a matrix of raw samples", async () => {
    const source = new MemorySource(loadSeries(MIN, "gauge 1 2 3"));
    expect(await instantQuery(source, "gauge[2m]", 2 * MIN)).toEqual({
      resultType: "matrix",
      result: [{ metric: { __name__: "gauge" }, values: [[60, "2"], [120, "3"]] }],
    });
  });

  it("answers a string literal as a string result", async () => {
    expect(await instantQuery(new MemorySource([]), '"hello"', 1000)).toEqual({ resultType: "string", result: [1, "hello"] });
  });

  it("writes vector samples as [seconds, string value]", async () => {
    const source = new MemorySource(loadSeries(MIN, `m{a="1"} 0.1`));
    expect(await instantQuery(source, "m * 3", 1500)).toEqual({ resultType: "vector", result: [{ metric: { a: "1" }, value: [1.5, "0.30000000000000004"] }] });
  });
});

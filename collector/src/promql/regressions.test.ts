// Regression tests for the wrong answers and wrongful refusals of issue 12, each named after
// what a Prometheus user saw; the expected values are Prometheus' own answers.
import { describe, expect, it } from "vitest";
import { instantQuery, rangeQuery } from "./engine.ts";
import { errorResponse } from "./http.ts";
import { loadSeries, MemorySource } from "../../testing/promql/memory-source.ts";
import { expectVector } from "../../testing/promql/expect.ts";

const MIN = 60_000;

async function refusal(run: () => Promise<unknown>): Promise<{ status: number; error: string }> {
  try {
    await run();
  } catch (e) {
    const { status, body } = errorResponse(e);
    return { status, error: body.error };
  }
  throw new Error("the query was not refused");
}

describe("issue 12: wrong answers", () => {
  const source = new MemorySource(
    loadSeries(
      MIN,
      `nan_mix{i="a"} 0
       nan_mix{i="b"} 1
       nan_mix{i="c"} NaN
       huge{i="a"} 1e308
       huge{i="b"} 1e308
       huge{i="c"} -1e308
       huge_series 1e308 1e308 1e308
       mixed_series 0 NaN 1
       x1_bucket{le="1"} 1
       x1_bucket{le="+Inf"} 2
       x2_bucket{le="1"} 3
       x2_bucket{le="+Inf"} 4`,
    ),
  );

  it("quantile orders NaN first as Prometheus does: quantile(0.8) of 0, 1, NaN is 0.6", async () => {
    expectVector(await instantQuery(source, "quantile(0.8, nan_mix)", 0), { "{}": 0.6 });
  });

  it("quantile_over_time orders NaN first: quantile_over_time(0.8) of 0, NaN, 1 is 0.6", async () => {
    expectVector(await instantQuery(source, "quantile_over_time(0.8, mixed_series[5m])", 2 * MIN), { "{}": 0.6 });
  });

  it("avg of values near 1e308 is a finite incremental mean, not +Inf", async () => {
    expectVector(await instantQuery(source, 'avg(huge{i=~"a|b"})', 0), { "{}": 1e308 });
    expectVector(await instantQuery(source, "avg(huge)", 0), { "{}": 1e308 / 3 });
  });

  it("avg_over_time of values near 1e308 is a finite incremental mean, not +Inf", async () => {
    expectVector(await instantQuery(source, "avg_over_time(huge_series[5m])", 2 * MIN), { "{}": 1e308 });
  });

  it("absent drops every label that also has a non-equality matcher", async () => {
    expectVector(await instantQuery(source, 'absent(nonexistent{job="a", job=~"b", foo="bar"})', 0), { '{foo="bar"}': 1 });
    expectVector(await instantQuery(source, 'absent_over_time(nonexistent{job="a", job!="b", foo="bar"}[5m])', 0), { '{foo="bar"}': 1 });
  });

  it("histogram_quantile refuses buckets of two metrics that collapse into one label set", async () => {
    const r = await refusal(() => instantQuery(source, 'histogram_quantile(0.5, {__name__=~"x\\\\d*_bucket"})', 0));
    expect(r.status).toBe(422);
    expect(r.error).toContain("vector cannot contain metrics with the same labelset");
  });
});

describe("issue 12: refused although supported", () => {
  const source = new MemorySource(
    loadSeries(
      MIN,
      `http_requests_total{job="API"} 0+60x10
       http_requests_total{job="web"} 0+120x10
       gauge_a 1 2 3 4 5 6 7 8 9 10 11
       gauge_b 100 200 300 400 500 600 700 800 900 1000 1100`,
    ),
  );

  it("accepts upper-case keywords: SUM BY (job), COUNT, AVG, MIN, MAX, WITHOUT, OFFSET, BOOL, AND", async () => {
    expectVector(await instantQuery(source, "SUM BY (job) (http_requests_total)", 10 * MIN), { '{job="API"}': 600, '{job="web"}': 1200 });
    expectVector(await instantQuery(source, "COUNT(http_requests_total)", 10 * MIN), { "{}": 2 });
    expectVector(await instantQuery(source, "AVG(http_requests_total)", 10 * MIN), { "{}": 900 });
    expectVector(await instantQuery(source, "MIN(http_requests_total)", 10 * MIN), { "{}": 600 });
    expectVector(await instantQuery(source, "Max WITHOUT (job) (http_requests_total OFFSET 5m)", 10 * MIN), { "{}": 600 });
    expectVector(await instantQuery(source, "gauge_a > BOOL 5 AND gauge_a", 10 * MIN), { "{}": 1 });
  });

  it("matches case-insensitively with (?i) and (?i:…) in a matcher", async () => {
    const both = { 'http_requests_total{job="API"}': 600, 'http_requests_total{job="web"}': 1200 };
    expectVector(await instantQuery(source, 'http_requests_total{job=~"(?i)api|WEB"}', 10 * MIN), both);
    expectVector(await instantQuery(source, 'http_requests_total{job=~"(?i:api)|web"}', 10 * MIN), both);
    expectVector(await instantQuery(source, 'http_requests_total{job=~"(?i:a)PI"}', 10 * MIN), { 'http_requests_total{job="API"}': 600 });
  });

  it("refuses backreferences and lookaround with a 400 bad_data naming RE2", async () => {
    for (const re of ["(a)\\\\1", "(?=a)b", "a(?!b)"]) {
      const r = await refusal(() => instantQuery(source, `http_requests_total{job=~"${re}"}`, 0));
      expect(r.status).toBe(400);
      expect(r.error).toMatch(/invalid regular expression.*RE2/);
    }
  });

  it("evaluates a parenthesised range selector, rate((x[5m])), instead of failing with a 500", async () => {
    expectVector(await instantQuery(source, 'rate((http_requests_total{job="API"}[5m]))', 10 * MIN), { '{job="API"}': 1 });
    expectVector(await instantQuery(source, "max_over_time(((gauge_a[5m])))", 10 * MIN), { "{}": 11 });
  });

  it("evaluates - - - 1 to -1", async () => {
    expect(await instantQuery(source, "- - - 1", 0)).toEqual({ resultType: "scalar", result: [0, "-1"] });
    expect(await instantQuery(source, "-(-1)", 0)).toEqual({ resultType: "scalar", result: [0, "1"] });
  });

  it("applies offset to its own operand in a offset 15m or b offset 45m", async () => {
    // gauge_a has 11 at 10m and 6 at 5m; gauge_b (no overlap in labels? both have none) so `or` keeps the left.
    expectVector(await instantQuery(source, "gauge_a offset 5m or gauge_b offset 1m", 10 * MIN), { gauge_a: 6 });
    expectVector(await instantQuery(source, "gauge_b offset 1m + gauge_a offset 5m", 10 * MIN), { "{}": 1006 });
    expectVector(await instantQuery(source, "-gauge_a offset 5m", 10 * MIN), { "{}": -6 });
    const r = await rangeQuery(source, "gauge_a - gauge_a offset 1m", 5 * MIN, 6 * MIN, MIN);
    expect(r).toEqual({ resultType: "matrix", result: [{ metric: {}, values: [[300, "1"], [360, "1"]] }] });
  });
});

describe("issue 11: regex denial of service", () => {
  it("answers {__name__=~\"driftline_(.|.)*#\"} in linear time against a long label value", async () => {
    const source = new MemorySource([{ labels: { __name__: `driftline_${"a".repeat(5000)}` }, timestamps: Float64Array.of(0), values: Float64Array.of(1) }]);
    expectVector(await instantQuery(source, '{__name__=~"driftline_(.|.)*#"}', 0), {});
    expectVector(await instantQuery(source, '{__name__=~"driftline_(a+)+"}', 0), { [`driftline_${"a".repeat(5000)}`]: 1 });
  });
});

describe("issue 12: found by the differential test against Prometheus", () => {
  const source = new MemorySource(
    loadSeries(
      MIN,
      `a{job="x"} 1 2 3 4 5 6
       b{job="x", instance="i"} 10 20 30 40 50 60
       c{job="x", instance="i"} 2 2 2 2 2 2
       d{job="x", instance="i"} 5 5 5 5 5 5
       d{job="x", instance="j"} 7 7 7 7 7 7`,
    ),
  );

  it("keeps operator precedence around a modifier: a unless on(job, instance) b offset 1m / on(job, instance) c", async () => {
    // Prometheus: a unless (b offset 1m / c); a has no instance, so nothing matches and a is kept.
    expectVector(await instantQuery(source, "a unless on(job, instance) b offset 1m / on(job, instance) c", 5 * MIN), { 'a{job="x"}': 6 });
    expectVector(await instantQuery(source, "c + b offset 1m * c * c", 5 * MIN), { '{job="x", instance="i"}': 202 });
  });

  it("checks one-to-one matching only among the samples a comparison filter keeps", async () => {
    // Both d series match c on job; only one passes the filter, so there is no many-to-one error.
    expectVector(await instantQuery(source, "d > on(job) c * 3", 5 * MIN), { '{job="x"}': 7 });
  });

  it("answers nothing, without a matching error, when one side of a vector operation is empty", async () => {
    expectVector(await instantQuery(source, "absent(a) * on(job) group_left d", 5 * MIN), {});
  });
});

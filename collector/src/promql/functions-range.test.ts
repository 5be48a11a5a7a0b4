// Cases ported from prometheus/promql/promqltest/testdata/functions.test (Prometheus 3), with
// the expected values Prometheus itself asserts.
import { describe, expect, it } from "vitest";
import { instantQuery, rangeQuery } from "./engine.ts";
import { loadSeries, MemorySource } from "../../testing/promql/memory-source.ts";
import { expectMatrix, expectVector } from "../../testing/promql/expect.ts";

const MIN = 60_000;

describe("rate, increase, delta (extrapolatedRate)", () => {
  const increases = new MemorySource(
    loadSeries(
      5 * MIN,
      `http_requests_total{path="/foo"} 0+10x10
       http_requests_total{path="/bar"} 0+18x5 0+18x5
       http_requests_total{path="/dings"} 10+10x10
       http_requests_total{path="/bumms"} 1+10x10`,
    ),
  );

  it("counts the increase over a window that the samples cover exactly, across a counter reset", async () => {
    expectVector(await instantQuery(increases, "increase(http_requests_total[50m])", 50 * MIN), {
      '{path="/foo"}': 100,
      '{path="/bar"}': 160,
      '{path="/dings"}': 100,
      '{path="/bumms"}': 100,
    });
  });

  it("extrapolates by half an interval at the start, but never below a counter's zero", async () => {
    expectVector(await instantQuery(increases, "increase(http_requests_total[100m])", 50 * MIN), {
      '{path="/foo"}': 100,
      '{path="/bar"}': 162,
      '{path="/dings"}': 105,
      '{path="/bumms"}': 101,
    });
  });

  it("treats a drop as a reset to zero (3 2 counts as 3 0 1 2)", async () => {
    const source = new MemorySource(loadSeries(5 * MIN, `http_requests_total{path="/foo"} 0 1 2 3 2 3 4`));
    expectVector(await instantQuery(source, "increase(http_requests_total[30m])", 30 * MIN), { '{path="/foo"}': 7 });
  });

  const resets = new MemorySource(
    loadSeries(
      5 * MIN,
      `testcounter_reset_middle_total 0+27x4 0+27x5
       testcounter_reset_end_total 0+10x9 0 10`,
    ),
  );

  it("handles a counter reset in the middle of the range", async () => {
    expectVector(await instantQuery(resets, "rate(testcounter_reset_middle_total[50m])", 50 * MIN), { "{}": 0.08 });
  });

  it("answers nothing for a window holding a single sample, and 0 across a reset at the end", async () => {
    expectVector(await instantQuery(resets, "rate(testcounter_reset_end_total[5m])", 50 * MIN), {});
    expectVector(await instantQuery(resets, "rate(testcounter_reset_end_total[6m])", 50 * MIN), { "{}": 0 });
  });

  const window = new MemorySource(
    loadSeries(
      5 * MIN,
      `calculate_rate_offset_total{x="a"} 0+10x10
       calculate_rate_offset_total{x="b"} 0+20x10
       calculate_rate_window_total 0+80x10`,
    ),
  );

  it("is per second, and honours offset", async () => {
    expectVector(await instantQuery(window, "rate(calculate_rate_window_total[50m])", 50 * MIN), { "{}": 0.26666666666666666 });
    expectVector(await instantQuery(window, "rate(calculate_rate_offset_total[10m] offset 5m)", 50 * MIN), {
      '{x="a"}': 0.03333333333333333,
      '{x="b"}': 0.06666666666666667,
    });
  });

  const zeroCutoff = new MemorySource(
    loadSeries(
      4 * MIN,
      `testcounter_zero_cutoff_total{start="0m"} 0+240x10
       testcounter_zero_cutoff_total{start="1m"} 60+240x10
       testcounter_zero_cutoff_total{start="2m"} 120+240x10
       testcounter_zero_cutoff_total{start="3m"} 180+240x10
       testcounter_zero_cutoff_total{start="4m"} 240+240x10
       testcounter_zero_cutoff_total{start="5m"} 300+240x10`,
    ),
  );

  it("cuts left extrapolation at the counter's zero point until half an interval", async () => {
    expectVector(await instantQuery(zeroCutoff, "rate(testcounter_zero_cutoff_total[20m])", 10 * MIN), {
      '{start="0m"}': 0.5,
      '{start="1m"}': 0.55,
      '{start="2m"}': 0.6,
      '{start="3m"}': 0.6,
      '{start="4m"}': 0.6,
      '{start="5m"}': 0.6,
    });
  });

  it("delta does not treat a decrease as a reset", async () => {
    const source = new MemorySource(
      loadSeries(5 * MIN, `http_requests{path="/foo"} 0 50 100 150 200\nhttp_requests{path="/bar"} 200 150 100 50 0`),
    );
    expectVector(await instantQuery(source, "delta(http_requests[20m])", 20 * MIN), { '{path="/foo"}': 200, '{path="/bar"}': -200 });
  });

  it("drops the metric name and passes the range and the function to the source as hints", async () => {
    const data = await instantQuery(window, "rate(calculate_rate_window_total[50m])", 50 * MIN);
    expect(data.resultType === "vector" && data.result[0].metric).toEqual({});
    expect(window.selects.at(-1)?.hints).toMatchObject({ rangeMs: 50 * MIN, func: "rate", stepMs: 0 });
  });
});

describe("irate and idelta", () => {
  const source = new MemorySource(
    loadSeries(
      5 * MIN,
      `http_requests_total{path="/foo"} 0+10x10
       http_requests_total{path="/bar"} 0+10x5 0+10x5
       http_requests_nan 1 NaN NaN 5 11
       http_requests{path="/foo"} 0 50 100 150
       http_requests{path="/bar"} 0 50 100 50`,
    ),
  );

  it("irate uses the last two samples, and a drop counts from zero", async () => {
    expectVector(await instantQuery(source, "irate(http_requests_total[50m])", 50 * MIN), {
      '{path="/foo"}': 0.03333333333333333,
      '{path="/bar"}': 0.03333333333333333,
    });
    expectVector(await instantQuery(source, "irate(http_requests_total[50m])", 30 * MIN), { '{path="/foo"}': 0.03333333333333333, '{path="/bar"}': 0 });
  });

  it("irate over NaN samples answers NaN, over a range query", async () => {
    expectMatrix(await rangeQuery(source, "irate(http_requests_nan[15m1s])", 0, 20 * MIN, 5 * MIN), {
      "{}": { startS: 0, stepS: 300, values: [undefined, NaN, NaN, NaN, 0.02] },
    });
  });

  it("idelta is the last difference, sign kept", async () => {
    expectVector(await instantQuery(source, "idelta(http_requests[20m])", 20 * MIN), { '{path="/foo"}': 50, '{path="/bar"}': -50 });
  });
});

describe("resets and changes", () => {
  const source = new MemorySource(
    loadSeries(
      5 * MIN,
      `http_requests{path="/foo"} 1 2 3 0 1 0 0 1 2 0
       http_requests{path="/bar"} 1 2 3 4 5 1 2 3 4 5
       http_requests{path="/biz"} 0 0 0 0 0 1 1 1 1 1`,
    ),
  );

  it("counts resets in the window", async () => {
    expectVector(await instantQuery(source, "resets(http_requests[32m])", 50 * MIN), { '{path="/foo"}': 2, '{path="/bar"}': 1, '{path="/biz"}': 0 });
    // The last samples are at 45m: (45m, 50m] holds none.
    expectVector(await instantQuery(source, "resets(http_requests[5m])", 50 * MIN), {});
    expectVector(await instantQuery(source, "resets(http_requests[20m])", 50 * MIN), { '{path="/foo"}': 1, '{path="/bar"}': 0, '{path="/biz"}': 0 });
  });

  it("counts changes in the window", async () => {
    expectVector(await instantQuery(source, "changes(http_requests[50m])", 50 * MIN), { '{path="/foo"}': 7, '{path="/bar"}': 8, '{path="/biz"}': 1 });
  });
});

describe("*_over_time", () => {
  // Samples at 0, 1, ..., 5 minutes: 1 5 2 8 NaN-free values.
  const source = new MemorySource(loadSeries(MIN, `gauge{a="x"} 1 5 2 8 4 6`));

  it("aggregates the samples in (t - range, t], left end excluded", async () => {
    // At 5m with [3m]: samples at 3m, 4m, 5m → 8 4 6 (the one at 2m is on the open end).
    const at = 5 * MIN;
    expectVector(await instantQuery(source, "sum_over_time(gauge[3m])", at), { '{a="x"}': 18 });
    expectVector(await instantQuery(source, "avg_over_time(gauge[3m])", at), { '{a="x"}': 6 });
    expectVector(await instantQuery(source, "min_over_time(gauge[3m])", at), { '{a="x"}': 4 });
    expectVector(await instantQuery(source, "max_over_time(gauge[3m])", at), { '{a="x"}': 8 });
    expectVector(await instantQuery(source, "count_over_time(gauge[3m])", at), { '{a="x"}': 3 });
    expectVector(await instantQuery(source, "quantile_over_time(0.5, gauge[3m])", at), { '{a="x"}': 6 });
    expectVector(await instantQuery(source, "stdvar_over_time(gauge[3m])", at), { '{a="x"}': 8 / 3 });
    expectVector(await instantQuery(source, "stddev_over_time(gauge[3m])", at), { '{a="x"}': Math.sqrt(8 / 3) });
    expectVector(await instantQuery(source, "present_over_time(gauge[3m])", at), { '{a="x"}': 1 });
  });

  it("last_over_time keeps the metric name; the others drop it", async () => {
    expectVector(await instantQuery(source, "last_over_time(gauge[3m])", 5 * MIN), { 'gauge{a="x"}': 6 });
  });

  it("quantile_over_time interpolates between ranks", async () => {
    // All six samples: sorted 1 2 4 5 6 8; rank 0.9 × 5 = 4.5 → 6 + 0.5 × (8 − 6) = 7.
    expectVector(await instantQuery(source, "quantile_over_time(0.9, gauge[10m])", 5 * MIN), { '{a="x"}': 7 });
  });

  it("absent_over_time answers 1 with the selector's equality labels when nothing is in the window", async () => {
    expectVector(await instantQuery(source, 'absent_over_time(gauge{a="y"}[3m])', 5 * MIN), { '{a="y"}': 1 });
    expectVector(await instantQuery(source, 'absent_over_time(gauge{a="x"}[3m])', 5 * MIN), {});
  });
});

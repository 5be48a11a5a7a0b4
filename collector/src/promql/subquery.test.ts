// Subqueries, the @ modifier, offset on subqueries, stale markers, the functions added for
// issue 12, and the cost bound that refuses a subquery before anything is read.
import { describe, expect, it } from "vitest";
import { instantQuery, rangeQuery } from "./engine.ts";
import { errorResponse } from "./http.ts";
import { writeStaleMarker } from "./stale.ts";
import { loadSeries, MemorySource } from "../../testing/promql/memory-source.ts";
import { expectMatrix, expectVector } from "../../testing/promql/expect.ts";

const MIN = 60_000;

describe("subqueries", () => {
  const source = new MemorySource(loadSeries(MIN, `counter_total 0+60x60\ngauge 0 1 2 3 4 5 6 7 8 9 10`));

  it("evaluates the inner expression at multiples of the step inside (t − range, t]", async () => {
    // gauge at 5m, 6m, …, 10m: max 10, min 6 (5m itself is the open left edge).
    expectVector(await instantQuery(source, "max_over_time(gauge[5m:1m])", 10 * MIN), { "{}": 10 });
    expectVector(await instantQuery(source, "min_over_time(gauge[5m:1m])", 10 * MIN), { "{}": 6 });
    expectVector(await instantQuery(source, "count_over_time(gauge[5m:1m])", 10 * MIN), { "{}": 5 });
  });

  it("takes the rate of a rate over a window, as max_over_time(rate(x[5m])[1h:5m])", async () => {
    expectVector(await instantQuery(source, "max_over_time(rate(counter_total[5m])[30m:5m])", 40 * MIN), { "{}": 1 });
  });

  it("uses a 1m default step and applies offset and @ to the subquery", async () => {
    expectVector(await instantQuery(source, "last_over_time(gauge[5m:] offset 2m)", 10 * MIN), { gauge: 8 });
    expectVector(await instantQuery(source, "last_over_time(gauge[5m:] @ 180)", 10 * MIN), { gauge: 3 });
  });

  it("returns the inner points as a matrix for an instant query of a bare subquery", async () => {
    const r = await instantQuery(source, "gauge[3m:1m]", 10 * MIN);
    expect(r).toEqual({ resultType: "matrix", result: [{ metric: { __name__: "gauge" }, values: [[480, "8"], [540, "9"], [600, "10"]] }] });
  });

  it("refuses a subquery that would evaluate its inner expression too often, before reading anything", async () => {
    const counting = new MemorySource(loadSeries(MIN, "gauge 1"));
    let caught: unknown;
    try {
      await rangeQuery(counting, "max_over_time(gauge[1d:1s])", 0, 3_600_000, 60_000);
    } catch (e) {
      caught = e;
    }
    const { status, body } = errorResponse(caught);
    expect(status).toBe(400);
    expect(body.error).toMatch(/more than 11,000 in all \(maxSubquerySteps\); use a larger subquery step/);
    expect(counting.selects).toHaveLength(0);
  });
});

describe("the @ modifier", () => {
  const source = new MemorySource(loadSeries(MIN, "gauge 0 1 2 3 4 5 6 7 8 9 10"));

  it("fixes the evaluation time of a selector at a time, at start() or at end() of a range query", async () => {
    const steps = { startS: 120, stepS: 60, values: [2, 2, 2] };
    expectMatrix(await rangeQuery(source, "gauge @ 120", 2 * MIN, 4 * MIN, MIN), { gauge: steps });
    expectMatrix(await rangeQuery(source, "gauge @ start()", 2 * MIN, 4 * MIN, MIN), { gauge: steps });
    expectMatrix(await rangeQuery(source, "gauge @ end() - gauge", 2 * MIN, 4 * MIN, MIN), { "{}": { startS: 120, stepS: 60, values: [2, 1, 0] } });
    expectVector(await instantQuery(source, "rate(gauge[5m] @ 600 offset 1m)", 0), { "{}": 1 / 60 });
  });
});

describe("stale markers", () => {
  it("hide a series from instant selectors after the marker and are skipped by range selectors", async () => {
    const [series] = loadSeries(MIN, "gauge 1 2 3 4");
    writeStaleMarker(series.values, 2);
    const source = new MemorySource([series]);
    expectVector(await instantQuery(source, "gauge", 2 * MIN + 1000), {});
    expectVector(await instantQuery(source, "gauge", 3 * MIN), { gauge: 4 });
    expectVector(await instantQuery(source, "count_over_time(gauge[5m])", 3 * MIN), { "{}": 3 });
  });
});

describe("functions added for Grafana's builder", () => {
  const source = new MemorySource(loadSeries(MIN, `gauge 0 1 2 3 4 5\nangle{a="x"} 1`));

  it("computes trigonometric functions, deg, rad and atan2", async () => {
    expectVector(await instantQuery(source, "sin(angle)", 0), { '{a="x"}': Math.sin(1) });
    expectVector(await instantQuery(source, "deg(angle)", 0), { '{a="x"}': 180 / Math.PI });
    expectVector(await instantQuery(source, "angle atan2 2", 0), { '{a="x"}': Math.atan2(1, 2) });
  });

  it("answers deriv, predict_linear and double_exponential_smoothing over a line", async () => {
    expectVector(await instantQuery(source, "deriv(gauge[10m])", 5 * MIN), { "{}": 1 / 60 });
    expectVector(await instantQuery(source, "predict_linear(gauge[10m], 60)", 5 * MIN), { "{}": 6 });
    expectVector(await instantQuery(source, "double_exponential_smoothing(gauge[10m], 0.5, 0.5)", 5 * MIN), { "{}": 5 });
  });

  it("answers timestamp, date functions and count_values", async () => {
    expectVector(await instantQuery(source, "timestamp(gauge)", 5 * MIN + 30_000), { "{}": 300 });
    expectVector(await instantQuery(source, "minute(timestamp(gauge))", 5 * MIN), { "{}": 5 });
    expectVector(await instantQuery(source, "hour()", 3 * 3_600_000), { "{}": 3 });
    expectVector(await instantQuery(source, 'count_values("v", gauge)', 5 * MIN), { '{v="5"}': 1 });
    // The label is Go's FormatFloat(v, 'f', -1, 64), never an exponent (a differential-test seed found it).
    expectVector(await instantQuery(source, 'count_values("v", vector(1.718051974934943e36))', 5 * MIN), { '{v="1718051974934943000000000000000000000"}': 1 });
    expectVector(await instantQuery(source, 'count_values("v", vector(1.5e-7))', 5 * MIN), { '{v="0.00000015"}': 1 });
    expectVector(await instantQuery(source, 'count_values("v", vector(-6.25e-9))', 5 * MIN), { '{v="-0.00000000625"}': 1 });
  });

  it("refuses holt_winters by name, saying Prometheus 3 renamed it", async () => {
    await expect(instantQuery(source, "holt_winters(gauge[5m], 0.5, 0.5)", 0)).rejects.toThrow(/"holt_winters" is not supported.*renamed it double_exponential_smoothing/);
  });
});

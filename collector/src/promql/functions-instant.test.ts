// Functions of instant vectors and scalars; values worked out by hand.
import { describe, expect, it } from "vitest";
import { instantQuery } from "./engine.ts";
import { loadSeries, MemorySource } from "../../testing/promql/memory-source.ts";
import { expectVector } from "../../testing/promql/expect.ts";

const source = new MemorySource(
  loadSeries(
    60_000,
    `drift{feature="income", method="psi"} -0.25
     drift{feature="age", method="psi"} 2.5
     drift{feature="zip", method="psi"} 1.45
     up{instance="host-1:9090", job="api"} 1`,
  ),
);
const q = (query: string, timeMs = 0) => instantQuery(source, query, timeMs);

describe("math functions", () => {
  it("applies abs, ceil, floor, round and sgn sample by sample, dropping the name", async () => {
    expectVector(await q("abs(drift)"), { '{feature="income", method="psi"}': 0.25, '{feature="age", method="psi"}': 2.5, '{feature="zip", method="psi"}': 1.45 });
    expectVector(await q("ceil(drift)"), { '{feature="income", method="psi"}': -0, '{feature="age", method="psi"}': 3, '{feature="zip", method="psi"}': 2 });
    expectVector(await q("floor(drift)"), { '{feature="income", method="psi"}': -1, '{feature="age", method="psi"}': 2, '{feature="zip", method="psi"}': 1 });
    // Rounding goes half up (towards +Inf), as Prometheus' floor(x + 0.5).
    expectVector(await q("round(drift)"), { '{feature="income", method="psi"}': 0, '{feature="age", method="psi"}': 3, '{feature="zip", method="psi"}': 1 });
    expectVector(await q("round(drift, 0.5)"), { '{feature="income", method="psi"}': 0, '{feature="age", method="psi"}': 2.5, '{feature="zip", method="psi"}': 1.5 });
    expectVector(await q("sgn(drift)"), { '{feature="income", method="psi"}': -1, '{feature="age", method="psi"}': 1, '{feature="zip", method="psi"}': 1 });
  });

  it("clamps to bounds, and answers nothing when max < min", async () => {
    expectVector(await q("clamp(drift, 0, 2)"), { '{feature="income", method="psi"}': 0, '{feature="age", method="psi"}': 2, '{feature="zip", method="psi"}': 1.45 });
    expectVector(await q("clamp_min(drift, 0)"), { '{feature="income", method="psi"}': 0, '{feature="age", method="psi"}': 2.5, '{feature="zip", method="psi"}': 1.45 });
    expectVector(await q("clamp_max(drift, 1)"), { '{feature="income", method="psi"}': -0.25, '{feature="age", method="psi"}': 1, '{feature="zip", method="psi"}': 1 });
    expectVector(await q("clamp(drift, 2, 1)"), {});
  });
});

describe("label functions", () => {
  it("label_replace copies a regex capture into a label, keeping the name", async () => {
    expectVector(await q('label_replace(up, "host", "$1", "instance", "(.*):.*")'), { 'up{instance="host-1:9090", job="api", host="host-1"}': 1 });
    expectVector(await q('label_replace(up, "port", "${2}", "instance", "(?P<h>.*):(\\\\d+)")'), { 'up{instance="host-1:9090", job="api", port="9090"}': 1 });
  });

  it("label_replace leaves a sample alone when the regex does not match the whole value", async () => {
    expectVector(await q('label_replace(up, "host", "$1", "instance", "host")'), { 'up{instance="host-1:9090", job="api"}': 1 });
  });

  it("label_replace with an empty result removes the label", async () => {
    expectVector(await q('label_replace(up, "job", "", "job", ".*")'), { 'up{instance="host-1:9090"}': 1 });
  });

  it("label_replace rejects an invalid destination label", async () => {
    await expect(q('label_replace(up, "1bad", "x", "job", ".*")')).rejects.toThrow(/invalid destination label name in label_replace\(\): 1bad/);
  });

  it("label_join joins source labels with a separator", async () => {
    expectVector(await q('label_join(up, "id", "/", "job", "instance")'), { 'up{instance="host-1:9090", job="api", id="api/host-1:9090"}': 1 });
  });

  it("rejects a result that would hold two series with the same labels", async () => {
    await expect(q('label_replace(drift, "feature", "same", "feature", ".*")')).rejects.toThrow(/vector cannot contain metrics with the same labelset/);
  });
});

describe("vector, scalar, time, absent, sort", () => {
  it("vector(s) is one sample without labels; scalar(v) unwraps a single sample", async () => {
    expectVector(await q("vector(3)"), { "{}": 3 });
    expect(await q("scalar(up)")).toEqual({ resultType: "scalar", result: [0, "1"] });
    expect(await q("scalar(drift)")).toEqual({ resultType: "scalar", result: [0, "NaN"] });
  });

  it("time() is the evaluation time in seconds", async () => {
    expect(await q("time()", 90_500)).toEqual({ resultType: "scalar", result: [90.5, "90.5"] });
  });

  it("absent answers 1 with the selector's equality labels only when nothing matches", async () => {
    expectVector(await q('absent(nonexistent{job="x", env=~"p.*"})'), { '{job="x"}': 1 });
    expectVector(await q("absent(up)"), {});
  });

  it("sort and sort_desc order by value", async () => {
    const asc = await q("sort(drift)");
    const desc = await q("sort_desc(drift)");
    expect(asc.resultType === "vector" && asc.result.map((r) => r.value[1])).toEqual(["-0.25", "1.45", "2.5"]);
    expect(desc.resultType === "vector" && desc.result.map((r) => r.value[1])).toEqual(["2.5", "1.45", "-0.25"]);
  });
});

// Binary operators, vector matching and set operators; expected values worked out by hand
// from the loaded samples (all read at t = 0 through the 5-minute lookback).
import { describe, expect, it } from "vitest";
import { instantQuery } from "./engine.ts";
import { loadSeries, MemorySource } from "../../testing/promql/memory-source.ts";
import { expectVector } from "../../testing/promql/expect.ts";

const source = new MemorySource(
  loadSeries(
    60_000,
    `requests{model="a", version="1"} 10
     requests{model="a", version="2"} 30
     requests{model="b", version="1"} 5
     errors{model="a", version="1"} 1
     errors{model="a", version="2"} 3
     limit{model="a"} 20
     limit{model="b"} 4
     info{model="a", owner="ann"} 1
     info{model="b", owner="bob"} 1`,
  ),
);
const q = (query: string) => instantQuery(source, query, 0);

describe("arithmetic and comparison", () => {
  it("evaluates 1+1 (Grafana's Save & test) to the scalar 2", async () => {
    expect(await q("1+1")).toEqual({ resultType: "scalar", result: [0, "2"] });
  });

  it("follows PromQL precedence: ^ is right-associative and binds tighter than unary minus", async () => {
    expect(await q("2 ^ 3 ^ 2")).toEqual({ resultType: "scalar", result: [0, "512"] });
    expect(await q("-2 ^ 2")).toEqual({ resultType: "scalar", result: [0, "-4"] });
    expect(await q("7 % 4 * 2 - 1 / 4")).toEqual({ resultType: "scalar", result: [0, "5.75"] });
  });

  it("applies a scalar to every sample and drops the metric name", async () => {
    expectVector(await q('requests{model="a"} * 2'), { '{model="a", version="1"}': 20, '{model="a", version="2"}': 60 });
    expectVector(await q('100 - requests{model="b"}'), { '{model="b", version="1"}': 95 });
  });

  it("filters with a comparison, keeping the vector's value and name, whichever side the scalar is on", async () => {
    expectVector(await q("requests > 8"), { 'requests{model="a", version="1"}': 10, 'requests{model="a", version="2"}': 30 });
    expectVector(await q("8 < requests"), { 'requests{model="a", version="1"}': 10, 'requests{model="a", version="2"}': 30 });
  });

  it("answers 0 or 1 with bool, dropping the name", async () => {
    expectVector(await q("requests > bool 8"), { '{model="a", version="1"}': 1, '{model="a", version="2"}': 1, '{model="b", version="1"}': 0 });
    expect(await q("3 >= bool 4")).toEqual({ resultType: "scalar", result: [0, "0"] });
  });

  it("divides by zero into +Inf and NaN as IEEE 754 does", async () => {
    expect(await q("1 / 0")).toEqual({ resultType: "scalar", result: [0, "+Inf"] });
    expect(await q("0 / 0")).toEqual({ resultType: "scalar", result: [0, "NaN"] });
    expect(await q("-1 / 0")).toEqual({ resultType: "scalar", result: [0, "-Inf"] });
  });
});

describe("vector matching", () => {
  it("matches one-to-one on all labels but the name", async () => {
    expectVector(await q("errors / requests"), { '{model="a", version="1"}': 0.1, '{model="a", version="2"}': 0.1 });
  });

  it("matches on(...) and keeps only those labels", async () => {
    expectVector(await q('sum by (model) (requests) / on(model) limit'), { '{model="a"}': 2, '{model="b"}': 1.25 });
  });

  it("matches ignoring(...) and drops those labels", async () => {
    expectVector(await q('errors{version="1"} + ignoring(version) limit'), { '{model="a"}': 21 });
  });

  it("matches many-to-one with group_left, copying labels from the one side", async () => {
    expectVector(await q("requests / on(model) group_left limit"), {
      '{model="a", version="1"}': 0.5,
      '{model="a", version="2"}': 1.5,
      '{model="b", version="1"}': 1.25,
    });
    expectVector(await q("requests * on(model) group_left(owner) info"), {
      '{model="a", version="1", owner="ann"}': 10,
      '{model="a", version="2", owner="ann"}': 30,
      '{model="b", version="1", owner="bob"}': 5,
    });
  });

  it("matches one-to-many with group_right, the operands keeping their sides", async () => {
    expectVector(await q("limit - on(model) group_right requests"), {
      '{model="a", version="1"}': 10,
      '{model="a", version="2"}': -10,
      '{model="b", version="1"}': -1,
    });
  });

  it("refuses an implicit many-to-one match, naming group_left/group_right", async () => {
    await expect(q("requests / on(model) limit")).rejects.toThrow(/many-to-one matching must be explicit \(group_left\/group_right\)/);
  });

  it("refuses duplicate series on the one side", async () => {
    await expect(q("limit / on(model) requests")).rejects.toMatchObject({
      errorType: "execution",
      message: expect.stringMatching(/found duplicate series for the match group \{model="a"\} on the right hand-side/),
    });
  });

  it("compares two vectors as a filter, keeping the left value", async () => {
    expectVector(await q("requests > on(model) group_left limit"), { 'requests{model="a", version="2"}': 30, 'requests{model="b", version="1"}': 5 });
  });
});

describe("set operators", () => {
  it("and keeps left samples with a match on the right", async () => {
    expectVector(await q("requests and errors"), { 'requests{model="a", version="1"}': 10, 'requests{model="a", version="2"}': 30 });
  });

  it("unless keeps left samples without a match", async () => {
    expectVector(await q("requests unless errors"), { 'requests{model="b", version="1"}': 5 });
  });

  it("or adds right samples whose labels the left lacks", async () => {
    expectVector(await q('requests{model="b"} or on(model) limit'), { 'requests{model="b", version="1"}': 5, 'limit{model="a"}': 20 });
  });

  it("and on(...) matches on the listed labels only", async () => {
    expectVector(await q('requests and on(model) limit{model="b"}'), { 'requests{model="b", version="1"}': 5 });
  });
});

// Aggregation operators with by/without; values worked out by hand.
import { describe, expect, it } from "vitest";
import { instantQuery } from "./engine.ts";
import { loadSeries, MemorySource } from "../../testing/promql/memory-source.ts";
import { expectVector } from "../../testing/promql/expect.ts";

const source = new MemorySource(
  loadSeries(
    60_000,
    `latency{model="a", version="1", zone="x"} 1
     latency{model="a", version="2", zone="y"} 3
     latency{model="b", version="1", zone="x"} 8
     latency{model="b", version="2", zone="y"} 4
     latency{model="c", version="1", zone="x"} NaN`,
  ),
);
const q = (query: string) => instantQuery(source, query, 0);

describe("aggregations", () => {
  it("sums by a label, dropping the others and the name", async () => {
    expectVector(await q('sum by (model) (latency{model!="c"})'), { '{model="a"}': 4, '{model="b"}': 12 });
  });

  it("aggregates without labels, keeping the rest", async () => {
    expectVector(await q('max without (version, zone) (latency{model!="c"})'), { '{model="a"}': 3, '{model="b"}': 8 });
  });

  it("accepts the modifier after the argument", async () => {
    expectVector(await q('min(latency{model!="c"}) by (zone)'), { '{zone="x"}': 1, '{zone="y"}': 3 });
  });

  it("computes avg, count, group, stddev and stdvar over one group", async () => {
    const values = '(latency{model!="c"})';
    expectVector(await q(`avg ${values}`), { "{}": 4 });
    expectVector(await q(`count ${values}`), { "{}": 4 });
    expectVector(await q(`group ${values}`), { "{}": 1 });
    // Values 1 3 8 4: mean 4, squared deviations 9 1 16 0 → population variance 6.5.
    expectVector(await q(`stdvar ${values}`), { "{}": 6.5 });
    expectVector(await q(`stddev ${values}`), { "{}": Math.sqrt(6.5) });
  });

  it("lets min and max skip a NaN, as Prometheus does", async () => {
    expectVector(await q("max by (zone) (latency)"), { '{zone="x"}': 8, '{zone="y"}': 4 });
    expectVector(await q('min(latency{model="c"})'), { "{}": NaN });
  });

  it("keeps the k largest or smallest samples per group with their labels, NaN ranked last", async () => {
    expectVector(await q("topk(2, latency)"), { 'latency{model="b", version="1", zone="x"}': 8, 'latency{model="b", version="2", zone="y"}': 4 });
    expectVector(await q("bottomk by (zone) (1, latency)"), { 'latency{model="a", version="1", zone="x"}': 1, 'latency{model="a", version="2", zone="y"}': 3 });
    const top = await q("topk(3, latency)");
    expect(top.resultType === "vector" && top.result.map((r) => r.value[1])).toEqual(["8", "4", "3"]);
  });

  it("computes the φ-quantile with linear interpolation", async () => {
    // 1 3 4 8: rank 0.5 × 3 = 1.5 → 3 + 0.5 × (4 − 3) = 3.5.
    expectVector(await q('quantile(0.5, latency{model!="c"})'), { "{}": 3.5 });
  });

  it("answers an empty vector for an empty input", async () => {
    expectVector(await q("sum(nothing_here)"), {});
  });
});

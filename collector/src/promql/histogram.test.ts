// histogram_quantile cases ported from prometheus/promql/promqltest/testdata/histograms.test
// (classic `_bucket` series), plus the pushdown of the quantile shape to the source.
import { describe, expect, it } from "vitest";
import { instantQuery, rangeQuery } from "./engine.ts";
import { bucketQuantile } from "./histogram.ts";
import { loadSeries, MemorySource } from "../../testing/promql/memory-source.ts";
import { expectMatrix, expectVector } from "../../testing/promql/expect.ts";
import type { HistogramQuantileRequest } from "./source.ts";

const MIN = 60_000;

const buckets = loadSeries(
  5 * MIN,
  `testhistogram_bucket{le="0.1", start="positive"} 0+5x10
   testhistogram_bucket{le=".2", start="positive"} 0+7x10
   testhistogram_bucket{le="1e0", start="positive"} 0+11x10
   testhistogram_bucket{le="+Inf", start="positive"} 0+12x10
   testhistogram_bucket{le="-.2", start="negative"} 0+1x10
   testhistogram_bucket{le="-0.1", start="negative"} 0+2x10
   testhistogram_bucket{le="0.3", start="negative"} 0+2x10
   testhistogram_bucket{le="+Inf", start="negative"} 0+3x10
   testhistogram2_bucket{le="0"} 0+0x10
   testhistogram2_bucket{le="2"} 0+1x10
   testhistogram2_bucket{le="4"} 0+2x10
   testhistogram2_bucket{le="6"} 0+3x10
   testhistogram2_bucket{le="+Inf"} 0+3x10
   request_duration_seconds_bucket{job="job1", instance="ins1", le="0.1"} 0+1x10
   request_duration_seconds_bucket{job="job1", instance="ins1", le="0.2"} 0+3x10
   request_duration_seconds_bucket{job="job1", instance="ins1", le="+Inf"} 0+4x10
   request_duration_seconds_bucket{job="job1", instance="ins2", le="0.1"} 0+2x10
   request_duration_seconds_bucket{job="job1", instance="ins2", le="0.2"} 0+5x10
   request_duration_seconds_bucket{job="job1", instance="ins2", le="+Inf"} 0+6x10
   request_duration_seconds_bucket{job="job2", instance="ins1", le="0.1"} 0+3x10
   request_duration_seconds_bucket{job="job2", instance="ins1", le="0.2"} 0+4x10
   request_duration_seconds_bucket{job="job2", instance="ins1", le="+Inf"} 0+6x10
   request_duration_seconds_bucket{job="job2", instance="ins2", le="0.1"} 0+4x10
   request_duration_seconds_bucket{job="job2", instance="ins2", le="0.2"} 0+7x10
   request_duration_seconds_bucket{job="job2", instance="ins2", le="+Inf"} 0+9x10`,
);

describe("histogram_quantile over classic buckets", () => {
  const source = new MemorySource(buckets);
  const at = 50 * MIN;

  it("interpolates inside the bucket where the rank falls, le written in any float syntax", async () => {
    expectVector(await instantQuery(source, "histogram_quantile(0.2, testhistogram_bucket)", at), { '{start="positive"}': 0.048, '{start="negative"}': -0.2 });
    expectVector(await instantQuery(source, "histogram_quantile(0.5, testhistogram_bucket)", at), { '{start="positive"}': 0.15, '{start="negative"}': -0.15 });
    expectVector(await instantQuery(source, "histogram_quantile(0.8, testhistogram_bucket)", at), { '{start="positive"}': 0.72, '{start="negative"}': 0.3 });
  });

  it("answers the lowest bound for q = 0 and the highest finite bound for q = 1", async () => {
    expectVector(await instantQuery(source, "histogram_quantile(0, testhistogram_bucket)", at), { '{start="positive"}': 0, '{start="negative"}': -0.2 });
    expectVector(await instantQuery(source, "histogram_quantile(1, testhistogram_bucket)", at), { '{start="positive"}': 1, '{start="negative"}': 0.3 });
  });

  it("answers -Inf, +Inf and NaN for q below 0, above 1 and NaN", async () => {
    expectVector(await instantQuery(source, "histogram_quantile(-0.1, testhistogram_bucket)", at), { '{start="positive"}': -Infinity, '{start="negative"}': -Infinity });
    expectVector(await instantQuery(source, "histogram_quantile(1.01, testhistogram_bucket)", at), { '{start="positive"}': Infinity, '{start="negative"}': Infinity });
    expectVector(await instantQuery(source, "histogram_quantile(NaN, testhistogram_bucket)", at), { '{start="positive"}': NaN, '{start="negative"}': NaN });
  });

  it("lands in the middle of a bucket, over rates too", async () => {
    expectVector(await instantQuery(source, "histogram_quantile(1/6, testhistogram2_bucket)", 7 * MIN), { "{}": 1 });
    expectVector(await instantQuery(source, "histogram_quantile(5/6, rate(testhistogram2_bucket[15m]))", 47 * MIN), { "{}": 5 });
  });

  it("aggregates rates by le and by other labels", async () => {
    expectVector(await instantQuery(source, "histogram_quantile(0.5, sum(rate(request_duration_seconds_bucket[10m])) by (le))", at), { "{}": 0.1277777777777778 });
    expectVector(await instantQuery(source, "histogram_quantile(0.3, sum(rate(request_duration_seconds_bucket[10m])) by (le, job))", at), {
      '{job="job1"}': 0.1,
      '{job="job2"}': 0.0642857142857143,
    });
    expectVector(await instantQuery(source, "histogram_quantile(0.5, rate(request_duration_seconds_bucket[10m]))", at), {
      '{instance="ins1", job="job1"}': 0.15,
      '{instance="ins2", job="job1"}': 0.13333333333333333,
      '{instance="ins1", job="job2"}': 0.1,
      '{instance="ins2", job="job2"}': 0.11666666666666667,
    });
  });

  it("answers NaN without a +Inf bucket or without observations", () => {
    expect(bucketQuantile(0.5, [{ upperBound: 1, count: 3 }, { upperBound: 2, count: 4 }])).toBeNaN();
    expect(bucketQuantile(0.5, [{ upperBound: 1, count: 0 }, { upperBound: Infinity, count: 0 }])).toBeNaN();
  });

  it("forces bucket counts monotonic before interpolating", () => {
    // The 2-bucket dips below the 1-bucket (a scrape racing an increment): treated as 10, so
    // rank 12 lies 2/10 into the (2, 4] bucket: 2.4 (2.545... if the dip were taken at face value).
    const q = bucketQuantile(0.6, [
      { upperBound: 1, count: 10 },
      { upperBound: 2, count: 9 },
      { upperBound: 4, count: 20 },
      { upperBound: Infinity, count: 20 },
    ]);
    expect(q).toBeCloseTo(2.4, 12);
  });
});

describe("histogram_quantile pushdown", () => {
  function pushdownSource(answer: boolean) {
    return new MemorySource(buckets, (request: HistogramQuantileRequest) =>
      answer
        ? [
            { labels: { job: "job1" }, values: request.timesMs.map(() => 0.123) },
            { labels: { job: "job2" }, values: request.timesMs.map((t) => t / 1e9), present: Uint8Array.from(request.timesMs, (_, i) => (i === 0 ? 0 : 1)) },
          ]
        : undefined,
    );
  }

  it("offers histogram_quantile(q, sum by (le, job) (rate(x_bucket[r]))) to the source with its parts", async () => {
    const source = pushdownSource(true);
    const data = await rangeQuery(source, 'histogram_quantile(0.99, sum by (le, job) (rate(request_duration_seconds_bucket{job=~"job.*"}[5m] offset 1m)))', 10 * MIN, 12 * MIN, MIN);
    expect(source.pushdowns).toHaveLength(1);
    const request = source.pushdowns[0];
    expect(request).toMatchObject({ q: 0.99, metric: "request_duration_seconds", grouping: { by: ["job"] }, func: "rate", rangeMs: 5 * MIN });
    expect(request.matchers).toEqual([{ name: "job", type: "=~", value: "job.*" }]);
    expect(Array.from(request.timesMs)).toEqual([9 * MIN, 10 * MIN, 11 * MIN]);
    // The pushed-down answer is used as is, and no bucket series is read.
    expect(source.selects).toHaveLength(0);
    expectMatrix(data, {
      '{job="job1"}': { startS: 600, stepS: 60, values: [0.123, 0.123, 0.123] },
      '{job="job2"}': { startS: 600, stepS: 60, values: [undefined, (10 * MIN) / 1e9, (11 * MIN) / 1e9] },
    });
  });

  it("recognises sum by (job, le), sum without (...), increase and the bare rate", async () => {
    const cases: [string, HistogramQuantileRequest["grouping"]][] = [
      ["histogram_quantile(0.5, sum by (job, le) (rate(request_duration_seconds_bucket[5m])))", { by: ["job"] }],
      ["histogram_quantile(0.5, sum without (instance) (increase(request_duration_seconds_bucket[5m])))", { without: ["instance"] }],
      ["histogram_quantile(0.5, rate(request_duration_seconds_bucket[5m]))", { without: [] }],
    ];
    for (const [query, grouping] of cases) {
      const source = pushdownSource(true);
      await instantQuery(source, query, at());
      expect(source.pushdowns.map((r) => r.grouping)).toEqual([grouping]);
    }
  });

  it("does not offer shapes a digest cannot answer (avg, a sum without le, a non-bucket metric)", async () => {
    for (const query of [
      "histogram_quantile(0.5, avg by (le) (rate(request_duration_seconds_bucket[5m])))",
      "histogram_quantile(0.5, sum by (job) (rate(request_duration_seconds_bucket[5m])))",
      "histogram_quantile(0.5, sum by (le) (rate(testhistogram2[5m])))",
      "histogram_quantile(0.5, sum by (le) (request_duration_seconds_bucket))",
    ]) {
      const source = pushdownSource(true);
      await instantQuery(source, query, at());
      expect(source.pushdowns).toEqual([]);
    }
  });

  it("evaluates from the buckets when the source declines", async () => {
    const source = pushdownSource(false);
    const query = "histogram_quantile(0.3, sum(rate(request_duration_seconds_bucket[10m])) by (le, job))";
    expectVector(await instantQuery(source, query, 50 * MIN), { '{job="job1"}': 0.1, '{job="job2"}': 0.0642857142857143 });
    expect(source.pushdowns).toHaveLength(1);
  });
});

function at(): number {
  return 50 * MIN;
}

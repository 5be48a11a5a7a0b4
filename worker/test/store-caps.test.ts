// Regression tests (issue 10): inside the ModelStore, cumulative points and join records were
// folded through a throwaway accumulator with its own Rejections, so a value they lost to a cap
// was dropped without being counted or reported. Every cap is counted and reported alike.
import { env } from "cloudflare:workers";
import { DEFAULT_LIMITS } from "@driftline/collector";
import type { CumulativePoint, JoinRecord, Limits, ModelBatch } from "@driftline/collector";
import { describe, expect, it } from "vitest";

const MINUTE = Math.floor(Date.now() / 60_000);
let nextModel = 0;
const store = () => env.MODEL_STORE.getByName(`tenant\u0000caps-${nextModel++}`);
const limits = (overrides: Partial<Limits>): Limits => ({ ...DEFAULT_LIMITS, ...overrides });

/** A cumulative sum stream that started a second ago, counted into custom metric `name`. */
function sumPoint(name: string, value: number): CumulativePoint {
  const start = BigInt(Date.now() - 1000) * 1_000_000n;
  return {
    stream: `stream-${name}`,
    startTimeUnixNano: start,
    timeUnixNano: start + 500_000_000n,
    minute: MINUTE,
    value: { type: "sum", value },
    digest: null,
    counters: [{ kind: "custom_sum", version: "v1", name, segment: "" }],
    valueScale: 1,
  };
}

describe("caps inside the ModelStore", () => {
  it("counts and reports cumulative points lost to maxSeriesPerModel", async () => {
    const s = store();
    const batch: ModelBatch = { modelId: "m", records: 3, deltas: [], cumulative: [sumPoint("a", 1), sumPoint("b", 2), sumPoint("c", 3)] };
    const receipt = await s.ingest(batch, limits({ maxSeriesPerModel: 2 }));
    expect(receipt.rejected).toBe(1);
    expect(receipt.message).toMatch(/maxSeriesPerModel \(2\)/);
    const summary = await s.summary();
    expect(summary.series.map((x) => x.name).sort()).toEqual(["a", "b"]);
    expect(Object.entries(summary.rejected)).toEqual([[expect.stringMatching(/maxSeriesPerModel \(2\)/), 1]]);
  });

  it("counts and reports joined pairs that lose accuracy values to maxSeriesPerModel", async () => {
    const s = store();
    const nowMs = Date.now();
    const prediction: JoinRecord = { side: "prediction", id: "p1", version: "v1", segments: [], minute: Math.floor(nowMs / 60_000), timeMs: nowMs, value: null, label: "yes", score: 0.9 };
    const actual: JoinRecord = { side: "actual", id: "p1", version: "v1", timeMs: nowMs, value: null, label: "yes" };
    const capped = limits({ maxSeriesPerModel: 3 });
    expect(await s.ingest({ modelId: "m", records: 1, deltas: [], cumulative: [], joins: [prediction] }, capped)).toEqual({ rejected: 0, message: "" });
    // The pair makes five series (joined, actual delay, confusion, score hit, log loss): two are past the cap.
    const receipt = await s.ingest({ modelId: "m", records: 1, deltas: [], cumulative: [], joins: [actual] }, capped);
    expect(receipt.rejected).toBe(1);
    expect(receipt.message).toMatch(/2 × .*maxSeriesPerModel \(3\)/);
    const summary = await s.summary();
    expect(summary.series).toHaveLength(3);
    expect(Object.values(summary.rejected)).toEqual([2]);
  });
});

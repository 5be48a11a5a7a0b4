import { describe, expect, it } from "vitest";
import type { Attributes, LogRecord, LogsData } from "../otlp/types.ts";
import { foldRequest } from "../fold/fold.ts";
import { DEFAULT_LIMITS } from "../fold/limits.ts";
import type { FoldResult } from "../fold/batch.ts";

const NOW_MS = Date.UTC(2026, 10, 22, 12, 0, 30);
const EARLIER_MS = NOW_MS - 90_000;

function record(attributes: Attributes, eventName: string, timeMs = EARLIER_MS): LogRecord {
  return { timeUnixNano: BigInt(timeMs) * 1_000_000n, observedTimeUnixNano: 0n, severityNumber: 9, severityText: "", body: null, attributes, eventName, traceId: "", spanId: "" };
}

function fold(records: LogRecord[], resource: Attributes = { "ml.model.id": "m" }): FoldResult {
  const data: LogsData = { resourceLogs: [{ resource, scopeLogs: [{ scope: { name: "t", version: "" }, logRecords: records }] }] };
  return foldRequest("logs", data, DEFAULT_LIMITS, NOW_MS);
}

describe("the fold's join records", () => {
  it("gives a prediction with an id a record with its version, segments, minute, instant, label and score", () => {
    const result = fold(
      [record({ "ml.model.version": "v2", "ml.prediction.id": "p1", "ml.prediction.label": "yes", "ml.prediction.score": 0.8, "ml.segment.region": "eu" }, "ml.prediction")],
      { "ml.model.id": "m", "ml.segment.tier": "gold" },
    );
    expect(result.batches[0].joins).toEqual([
      { side: "prediction", id: "p1", version: "v2", segments: ["region=eu", "tier=gold"], minute: Math.floor(EARLIER_MS / 60_000), timeMs: EARLIER_MS, value: null, label: "yes", score: 0.8 },
    ]);
    // Counted as a prediction that can be joined, in the model and in each segment.
    const identified = result.batches[0].deltas.filter((d) => d.kind === "identified_predictions");
    expect(identified.map((d) => d.segment).sort()).toEqual(["", "region=eu", "tier=gold"]);
  });

  it("gives an actual a record with the id, the true value and its instant", () => {
    const result = fold([record({ "ml.prediction.id": "7", "ml.actual.value": 12.5 }, "ml.actual")]);
    expect(result.batches[0].joins).toEqual([{ side: "actual", id: "7", version: "unknown", timeMs: EARLIER_MS, value: 12.5, label: null }]);
  });

  it("makes no join record for a failed prediction, one without an id, or an actual without one", () => {
    const result = fold([
      record({ "ml.prediction.id": "f", "ml.prediction.label": "yes", "error.type": "timeout" }, "ml.prediction"),
      record({ "ml.prediction.label": "yes" }, "ml.prediction"),
      record({ "ml.actual.label": "yes" }, "ml.actual"),
    ]);
    expect(result.batches[0].joins).toEqual([]);
    expect(result.rejected).toBe(0);
  });

  it("drops a score outside [0, 1] from the join record: it is not a probability of the label", () => {
    const result = fold([record({ "ml.prediction.id": "s", "ml.prediction.label": "yes", "ml.prediction.score": 3.2 }, "ml.prediction")]);
    expect(result.batches[0].joins?.[0]).toMatchObject({ label: "yes", score: null });
  });
});

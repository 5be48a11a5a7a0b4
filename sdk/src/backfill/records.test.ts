import { describe, expect, it } from "vitest";
import { ColumnTypes, timeMsOf } from "./columns.ts";
import { BackfillError, RecordPlan } from "./records.ts";
import { partialSuccessOf } from "./sender.ts";

function planOf(rows: string[][], options: Partial<ConstructorParameters<typeof RecordPlan>[1]> = {}) {
  const [header, ...data] = rows;
  const types = new ColumnTypes(header.length);
  for (const row of data) types.add(row);
  return { plan: new RecordPlan(header, { timeColumn: "ts", ...options }, types), data };
}

const attrs = (record: { attributes: { key: string; value: unknown }[] }) => Object.fromEntries(record.attributes.map((a) => [a.key, a.value]));

describe("backfill records from CSV rows", () => {
  it("reads ISO times as UTC unless zoned, and epoch seconds, milliseconds and nanoseconds by magnitude", () => {
    const ms = Date.UTC(2026, 10, 2, 13, 5, 0);
    expect(timeMsOf("2026-11-02 13:05:00")).toBe(ms);
    expect(timeMsOf("2026-11-02T13:05:00")).toBe(ms);
    expect(timeMsOf("2026-11-02T14:05:00+01:00")).toBe(ms);
    expect(timeMsOf(String(ms / 1000))).toBe(ms);
    expect(timeMsOf(String(ms))).toBe(ms);
    expect(timeMsOf(`${ms}000000`)).toBe(ms);
    expect(timeMsOf("yesterday")).toBeUndefined();
  });

  it("types a column by every cell, as a baseline does: one text cell makes a numeric-looking column categorical", () => {
    const { plan, data } = planOf([["ts", "amount", "zip", "flag"], ["1700000000", "1.5", "02139", "True"], ["1700000060", "2", "n/a", "false"]]);
    const [first] = plan.recordsOf(data[0], 2);
    expect(first.timeUnixNano).toBe("1700000000000000000");
    expect(attrs(first)).toEqual({ "ml.feature.amount": { doubleValue: 1.5 }, "ml.feature.zip": { stringValue: "02139" }, "ml.feature.flag": { boolValue: true } });
  });

  it("sends the actual after its prediction with the same id and batch, and the prediction as a label or a value", () => {
    const { plan, data } = planOf(
      [
        ["ts", "id", "x", "pred", "y", "job"],
        ["2026-01-01T00:00:00Z", "a", "1", "yes", "no", "j1"],
        ["2026-01-01T00:01:00Z", "b", "2", "no", "", "j1"],
      ],
      { idColumn: "id", predictionColumn: "pred", actualColumn: "y", batchColumn: "job" },
    );
    const records = plan.recordsOf(data[0], 2);
    expect(records.map((r) => r.eventName)).toEqual(["ml.prediction", "ml.actual"]);
    expect(attrs(records[0])).toEqual({ "ml.prediction.id": { stringValue: "a" }, "ml.batch.id": { stringValue: "j1" }, "ml.feature.x": { doubleValue: 1 }, "ml.prediction.label": { stringValue: "yes" } });
    expect(attrs(records[1])).toEqual({ "ml.prediction.id": { stringValue: "a" }, "ml.batch.id": { stringValue: "j1" }, "ml.actual.label": { stringValue: "no" } });
    // No actual in the cell: the prediction alone.
    expect(plan.recordsOf(data[1], 3)).toHaveLength(1);
  });

  it("names the column or row that cannot be backfilled", () => {
    expect(() => planOf([["ts", "x"]], { actualColumn: "x" })).toThrow(new BackfillError("--actual-column needs --id-column: an actual joins its prediction by ml.prediction.id"));
    expect(() => planOf([["time", "x"]])).toThrow(/--time-column "ts" is not a column of the CSV \(columns: time, x\)/);
    const { plan } = planOf([["ts", "x"], ["soon", "1"]]);
    expect(() => plan.recordsOf(["soon", "1"], 2)).toThrow(/row 2 \(the header is row 1\): time "soon"/);
  });

  it("reads OTLP/JSON partial_success, with the count as a string or a number", () => {
    expect(partialSuccessOf("{}")).toEqual({ rejected: 0, message: "" });
    expect(partialSuccessOf('{"partialSuccess":{"rejectedLogRecords":"3","errorMessage":"too old"}}')).toEqual({ rejected: 3, message: "too old" });
  });
});

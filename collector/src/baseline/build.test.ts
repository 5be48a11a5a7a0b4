import { describe, expect, it } from "vitest";
import { BaselineError, RowsBaselineBuilder, predictionKindOf } from "./build.ts";
import type { Baseline, BaselineOptions, BaselineRow } from "./build.ts";
import { columnBytes } from "./entries.ts";
import { baselineEntries } from "./entries.ts";
import { buildBaselineFromCsv } from "./from-csv.ts";

function csv(text: string, options: BaselineOptions = {}): Promise<Baseline> {
  return buildBaselineFromCsv([text], options, "train.csv");
}

function rows(list: BaselineRow[], options: BaselineOptions = {}): Baseline {
  const builder = new RowsBaselineBuilder(options);
  for (const row of list) builder.addRow(row);
  return builder.finish();
}

function hex(baseline: Baseline, name: string): string {
  const column = baseline.features.get(name);
  if (column === undefined) throw new Error(`no column ${name}`);
  return `${column.type}:${Buffer.from(columnBytes(column)).toString("hex")}`;
}

describe("CSV baseline rules shared by every builder", () => {
  it("reads True/False, TRUE/FALSE and true/false as the booleans OTLP sends (issue 15: PSI 17.45 instead of 0.002)", async () => {
    const values = [true, false, true, true, false];
    const fromOtlpBools = rows(values.map((vip) => ({ vip })));
    for (const [t, f] of [["True", "False"], ["TRUE", "FALSE"], ["true", "false"]]) {
      const text = `vip\n${values.map((v) => (v ? t : f)).join("\n")}\n`;
      expect(hex(await csv(text), "vip")).toBe(hex(fromOtlpBools, "vip"));
    }
  });

  it("keeps the raw spellings when a column holds other text too, byte-equal to a one-pass build of the texts", async () => {
    const text = "answer\nTrue\nFalse\nTrue\nmaybe\nFALSE\n";
    const expected = rows(["True", "False", "True", "maybe", "FALSE"].map((answer) => ({ answer })));
    expect(hex(await csv(text), "answer")).toBe(hex(expected, "answer"));
  });

  it("skips an unnamed first column as pandas' index, with a notice", async () => {
    const baseline = await csv(",income,plan\n0,10,a\n1,20,b\n");
    expect([...baseline.features.keys()]).toEqual(["income", "plan"]);
    expect(baseline.notices).toEqual([expect.stringContaining("column 1 has no name; read as the index pandas writes")]);
  });

  it("still rejects an unnamed column that is not the first, naming it", async () => {
    await expect(csv("income,,plan\n1,2,3\n")).rejects.toThrow(new BaselineError("train.csv: header column 2 has no name"));
  });

  it("warns about id-like columns and an undeclared target, and leaves a declared target out", async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `${i + 1},user-${i},${i % 3},${i % 2 ? "yes" : "no"}`);
    const text = `row_id,customer,income,label\n${lines.join("\n")}\n`;
    const warned = await csv(text);
    expect(warned.warnings).toEqual([
      expect.stringContaining('column "row_id" has a different value on every row'),
      expect.stringContaining('column "customer" has a different value on every row'),
      expect.stringContaining('column "label" looks like the target'),
    ]);
    const declared = await csv(text, { exclude: ["row_id", "customer"], target: "label" });
    expect(declared.warnings).toEqual([]);
    expect([...declared.features.keys()]).toEqual(["income"]);
  });

  it("keeps a declared target's sketch apart from the features, byte-equal from CSV and from rows, stored as actual_value or actual_label", async () => {
    const list = Array.from({ length: 40 }, (_, i) => ({ income: i % 7, y: i % 4 === 0 ? "" : String(i * 1.5), churn: i % 3 === 0 ? "yes" : "no" }));
    const text = `income,y,churn\n${list.map((r) => `${r.income},${r.y},${r.churn}`).join("\n")}\n`;
    const fromCsv = await csv(text, { target: "y" });
    const fromRows = rows(list.map((r) => ({ income: r.income, y: r.y === "" ? null : Number(r.y), churn: r.churn })), { target: "y" });
    expect([...fromCsv.features.keys()]).toEqual(["income", "churn"]);
    for (const baseline of [fromCsv, fromRows]) {
      const target = baseline.target!;
      expect(target.type).toBe("numeric");
      // The exact values, the empty cells missing as in every numeric column.
      if (target.type === "numeric") {
        expect(target.digest.count).toBe(30);
        expect(target.digest.missing).toBe(10);
        expect(target.digest.max).toBe(58.5);
      }
    }
    expect(Buffer.from(columnBytes(fromCsv.target!)).toString("hex")).toBe(Buffer.from(columnBytes(fromRows.target!)).toString("hex"));
    expect(baselineEntries(fromCsv).filter((e) => e.name === "").map((e) => e.kind)).toEqual(["actual_value"]);
    const labels = await csv(text, { target: "churn" });
    expect(baselineEntries(labels).filter((e) => e.name === "").map((e) => `${e.kind}:${e.count}`)).toEqual(["actual_label:40"]);
  });

  it("records the prediction kind: value, label, or label with score", async () => {
    const text = "x,pred,p,cls\n1,0.5,0.9,yes\n2,0.7,0.8,no\n";
    expect(predictionKindOf(await csv(text, { prediction: "pred", exclude: ["p", "cls"] }))).toBe("value");
    expect(predictionKindOf(await csv(text, { prediction: "cls", exclude: ["p", "pred"] }))).toBe("label");
    const withScore = await csv(text, { prediction: "cls", score: "p", exclude: ["pred"] });
    expect(predictionKindOf(withScore)).toBe("label_with_score");
    expect(baselineEntries(withScore).map((e) => [e.kind, e.name])).toEqual([
      ["numeric_feature", "x"],
      ["prediction_label", ""],
      ["prediction_score", ""],
    ]);
  });

  it("refuses a score beside a numeric prediction, or a score that is not numbers", async () => {
    await expect(csv("pred,p\n0.5,0.9\n", { prediction: "pred", score: "p" })).rejects.toThrow(/score needs a prediction column of labels/);
    await expect(csv("cls,p\nyes,high\n", { prediction: "cls", score: "p" })).rejects.toThrow(/score column "p" must hold numbers/);
  });
});

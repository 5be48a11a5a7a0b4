import { Attr, Event } from "../conventions.ts";
import { cellValue, timeMsOf } from "./columns.ts";
import type { CellType, ColumnTypes } from "./columns.ts";

/** Which CSV columns play which part; every other column is a feature (docs/backfill.md). */
export type BackfillColumnOptions = {
  /** The prediction's timestamp (required). */
  timeColumn: string;
  /** `ml.prediction.id`: what actuals join on. */
  idColumn?: string;
  /** The ground truth: an `ml.actual` event per row with a value (needs `idColumn`). */
  actualColumn?: string;
  /** `ml.batch.id`, on the prediction and its actual. */
  batchColumn?: string;
  /** The model's output: `ml.prediction.value` (numbers) or `ml.prediction.label`. */
  predictionColumn?: string;
  /** `ml.prediction.score`, a classifier's probability of its label. */
  scoreColumn?: string;
  /** Columns sent as nothing. */
  exclude?: readonly string[];
};

/** A CSV that cannot be backfilled as asked; the message names the column or the line. */
export class BackfillError extends Error {
  override readonly name = "BackfillError";
}

/** An OTLP/JSON log record, as the collector's JSON decoder reads it. */
export type JsonLogRecord = { timeUnixNano: string; eventName: string; attributes: { key: string; value: unknown }[] };

/** Turns CSV rows into OTLP/JSON `ml.prediction` (and `ml.actual`) log records, one plan per file. */
export class RecordPlan {
  private readonly time: number;
  private readonly id: number;
  private readonly actual: number;
  private readonly batch: number;
  private readonly prediction: number;
  private readonly score: number;
  private readonly features: { index: number; key: string }[] = [];
  private readonly types: ColumnTypes;

  constructor(header: readonly string[], options: BackfillColumnOptions, types: ColumnTypes) {
    this.types = types;
    const indexOf = (name: string | undefined, flag: string): number => {
      if (name === undefined) return -1;
      const i = header.indexOf(name);
      if (i < 0) throw new BackfillError(`${flag} ${JSON.stringify(name)} is not a column of the CSV (columns: ${header.join(", ")})`);
      return i;
    };
    this.time = indexOf(options.timeColumn, "--time-column");
    this.id = indexOf(options.idColumn, "--id-column");
    this.actual = indexOf(options.actualColumn, "--actual-column");
    this.batch = indexOf(options.batchColumn, "--batch-column");
    this.prediction = indexOf(options.predictionColumn, "--prediction-column");
    this.score = indexOf(options.scoreColumn, "--score-column");
    for (const name of options.exclude ?? []) indexOf(name, "--exclude");
    if (this.actual >= 0 && this.id < 0) throw new BackfillError("--actual-column needs --id-column: an actual joins its prediction by ml.prediction.id");
    const roles = new Set([this.time, this.id, this.actual, this.batch, this.prediction, this.score]);
    header.forEach((name, index) => {
      // An unnamed first column is the index pandas writes, as in a baseline upload.
      if (roles.has(index) || (options.exclude ?? []).includes(name) || (index === 0 && name === "")) return;
      this.features.push({ index, key: Attr.featurePrefix + name });
    });
  }

  /** The records of one row (`line`: its number, the header being 1, for errors): its prediction, and its actual when it has one. */
  recordsOf(row: readonly string[], line: number): JsonLogRecord[] {
    const timeMs = timeMsOf(row[this.time] ?? "");
    if (timeMs === undefined) throw new BackfillError(`row ${line} (the header is row 1): time ${JSON.stringify(row[this.time] ?? "")} is neither an ISO 8601 time nor epoch seconds or milliseconds`);
    const timeUnixNano = String(BigInt(Math.round(timeMs * 1000)) * 1000n);
    const attributes: { key: string; value: unknown }[] = [];
    const shared: { key: string; value: unknown }[] = [];
    const id = this.cell(row, this.id);
    if (id !== undefined) shared.push({ key: Attr.predictionId, value: { stringValue: id } });
    const batch = this.cell(row, this.batch);
    if (batch !== undefined) shared.push({ key: Attr.batchId, value: { stringValue: batch } });
    attributes.push(...shared);
    for (const { index, key } of this.features) {
      const cell = this.cell(row, index);
      if (cell !== undefined) attributes.push({ key, value: cellValue(cell, this.types.typeOf(index)) });
    }
    const prediction = this.cell(row, this.prediction);
    if (prediction !== undefined) attributes.push(outcome(prediction, this.types.typeOf(this.prediction), Attr.predictionValue, Attr.predictionLabel));
    const score = this.cell(row, this.score);
    if (score !== undefined) attributes.push({ key: Attr.predictionScore, value: { doubleValue: Number(score) } });
    const records: JsonLogRecord[] = [{ timeUnixNano, eventName: Event.prediction, attributes }];
    const actual = this.cell(row, this.actual);
    if (actual !== undefined && id !== undefined) {
      records.push({ timeUnixNano, eventName: Event.actual, attributes: [...shared, outcome(actual, this.types.typeOf(this.actual), Attr.actualValue, Attr.actualLabel)] });
    }
    return records;
  }

  private cell(row: readonly string[], index: number): string | undefined {
    if (index < 0) return undefined;
    const cell = row[index];
    return cell === undefined || cell === "" ? undefined : cell;
  }
}

/** A prediction's or an actual's attribute: a value when the column is numeric, else a label. */
function outcome(cell: string, type: CellType, valueKey: string, labelKey: string): { key: string; value: unknown } {
  if (type === "numeric") return { key: valueKey, value: { doubleValue: Number(cell) } };
  return { key: labelKey, value: { stringValue: type === "boolean" ? cell.toLowerCase() : cell } };
}

/** An ExportLogsServiceRequest for one model version's records. */
export function logsRequest(model: string, version: string, records: readonly JsonLogRecord[]): string {
  const resource = { attributes: [{ key: Attr.modelId, value: { stringValue: model } }, { key: Attr.modelVersion, value: { stringValue: version } }] };
  return JSON.stringify({ resourceLogs: [{ resource, scopeLogs: [{ scope: { name: "driftline-backfill" }, logRecords: records }] }] });
}

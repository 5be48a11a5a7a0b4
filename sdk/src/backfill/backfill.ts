import { readCsvFile } from "../baseline/csv-file.ts";
import type { CsvProgress } from "../baseline/csv-file.ts";
import { ColumnTypes } from "./columns.ts";
import { BackfillError, RecordPlan, logsRequest } from "./records.ts";
import type { BackfillColumnOptions, JsonLogRecord } from "./records.ts";
import { sendLogs } from "./sender.ts";
import type { BackfillTarget } from "./sender.ts";

/** Everything a backfill needs besides the target. */
export type BackfillOptions = BackfillColumnOptions & {
  model: string;
  version: string;
  /** Log records per request (default 1 000: a few hundred KB of JSON, well under the Worker's limits). */
  recordsPerRequest?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Called as the second pass reads the file (rows read, bytes read of the file). */
  onProgress?: (progress: CsvProgress & { sentRecords: number; rejectedRecords: number }) => void;
};

/** What a backfill did. */
export type BackfillSummary = {
  /** Data rows read (the header not counted). */
  rows: number;
  predictions: number;
  actuals: number;
  requests: number;
  /** Log records the Worker accepted and refused (OTLP partial_success), predictions and actuals together. */
  accepted: number;
  rejected: number;
  /** The Worker's distinct reasons for refusing, with how many requests gave each (at most 20 kept). */
  reasons: { message: string; requests: number }[];
};

const MAX_REASONS = 20;

/**
 * Streams a historical CSV to the Worker as OTLP/JSON logs with each row's own timestamp
 * (docs/backfill.md): a first pass learns each column's type (as a baseline upload does), the
 * second sends a request per `recordsPerRequest` records, `concurrency` at a time. The file is
 * sent in its own order; the Worker files records past the minute retention under their hour or
 * day, so a file sorted by time makes the fewest bucket writes. Memory: one chunk of the file
 * plus the requests in flight.
 */
export async function backfillCsv(path: string, options: BackfillOptions, target: BackfillTarget): Promise<BackfillSummary> {
  const perRequest = options.recordsPerRequest ?? 1000;
  const concurrency = options.concurrency ?? 4;
  let header: string[] | undefined;
  let types: ColumnTypes | undefined;
  for await (const row of readCsvFile(path)) {
    if (header === undefined) {
      header = row;
      types = new ColumnTypes(row.length);
    } else types!.add(row);
  }
  if (header === undefined || types === undefined) throw new BackfillError(`${path} is empty: a header row is needed`);
  const plan = new RecordPlan(header, options, types);
  const summary: BackfillSummary = { rows: 0, predictions: 0, actuals: 0, requests: 0, accepted: 0, rejected: 0, reasons: [] };
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const send = (records: JsonLogRecord[]): void => {
    summary.requests++;
    const sending = sendLogs(target, logsRequest(options.model, options.version, records)).then(
      (outcome) => {
        summary.accepted += records.length - outcome.rejected;
        summary.rejected += outcome.rejected;
        if (outcome.message !== "") noteReason(summary, outcome.message);
      },
      (error: unknown) => {
        failure ??= error;
      },
    );
    const tracked = sending.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  let pending: JsonLogRecord[] = [];
  let line = 0;
  let progress: CsvProgress = { rows: 0, bytes: 0, totalBytes: 0 };
  for await (const row of readCsvFile(path, (p) => (progress = p))) {
    line++;
    if (line === 1) continue;
    summary.rows++;
    for (const record of plan.recordsOf(row, line)) {
      if (record.eventName === "ml.actual") summary.actuals++;
      else summary.predictions++;
      pending.push(record);
    }
    if (pending.length >= perRequest) {
      send(pending);
      pending = [];
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      if (failure !== undefined) break;
      options.onProgress?.({ ...progress, sentRecords: summary.accepted + summary.rejected, rejectedRecords: summary.rejected });
    }
  }
  if (failure === undefined && pending.length > 0) send(pending);
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  options.onProgress?.({ ...progress, sentRecords: summary.accepted + summary.rejected, rejectedRecords: summary.rejected });
  return summary;
}

function noteReason(summary: BackfillSummary, message: string): void {
  const known = summary.reasons.find((r) => r.message === message);
  if (known !== undefined) known.requests++;
  else if (summary.reasons.length < MAX_REASONS) summary.reasons.push({ message, requests: 1 });
}

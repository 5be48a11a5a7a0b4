import { parseArgs } from "node:util";
import { backfillCsv } from "../backfill/backfill.ts";
import type { BackfillSummary } from "../backfill/backfill.ts";
import { formatProgress } from "./progress.ts";
import { ExitCode, UsageError, endpointOf, tokenOf } from "./usage.ts";
import type { CliIo } from "./usage.ts";

/** `driftline backfill --help`. */
export const BACKFILL_HELP = `Usage: driftline backfill --csv <file> --model <id> --version <v> --time-column <col> [options]

Sends a historical CSV (RFC 4180, header row first) to the Worker as OTLP ml.prediction events
with each row's own timestamp, and ml.actual events when an actual column is given. Every
column not named below is a feature (numeric when every non-empty cell is a number, boolean
when every one is True/False, else categorical). Records up to 48 h old land in minute
buckets, older ones in hour buckets (90 days) and day buckets (2 years); older still are
refused and counted. Progress on stderr; a summary of what was accepted and refused on stdout.

Options:
  --csv <file>             The file                                       (required)
  --time-column <col>      ISO 8601 time (UTC unless zoned) or epoch s/ms (required)
  --id-column <col>        ml.prediction.id, what actuals join on
  --actual-column <col>    Ground truth: an ml.actual per row (needs --id-column)
  --batch-column <col>     ml.batch.id: the scoring batch a row belongs to
  --prediction-column <col> The model's output (numbers: a value; else a label)
  --score-column <col>     A classifier's score for its label
  --exclude <col>          Column to leave out (repeatable)
  --batch-size <n>         Log records per request (default 1000)
  --concurrency <n>        Requests in flight (default 4)
  --model <id>             Model id (ml.model.id)                         (required)
  --version <version>      Model version (ml.model.version)               (required)
  --endpoint <url>         Worker URL; default $DRIFTLINE_ENDPOINT
  --token <token>          Ingest token; default $DRIFTLINE_TOKEN
  -h, --help               Show this help

Exit codes: 0 all accepted, 1 failure, 2 usage error, 6 some records refused (see the summary).
`;

/** Exit code when the Worker refused some records: the run finished, the data is not all in. */
export const REFUSED_EXIT_CODE = 6;

/** Runs `driftline backfill ...`; returns the exit code. */
export async function backfillCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      csv: { type: "string" },
      "time-column": { type: "string" },
      "id-column": { type: "string" },
      "actual-column": { type: "string" },
      "batch-column": { type: "string" },
      "prediction-column": { type: "string" },
      "score-column": { type: "string" },
      exclude: { type: "string", multiple: true },
      "batch-size": { type: "string" },
      concurrency: { type: "string" },
      model: { type: "string" },
      version: { type: "string" },
      endpoint: { type: "string" },
      token: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout.write(BACKFILL_HELP);
    return ExitCode.ok;
  }
  if (values.csv === undefined) throw new UsageError("missing --csv <file>");
  if (values["time-column"] === undefined) throw new UsageError("missing --time-column <col>");
  if (values.model === undefined) throw new UsageError("missing --model <id>");
  if (values.version === undefined) throw new UsageError("missing --version <version>");
  const target = { endpoint: endpointOf(values.endpoint, io.env), token: tokenOf(values.token, io.env, ["DRIFTLINE_TOKEN"]) };
  let lastDrawMs = 0;
  const summary = await backfillCsv(
    values.csv,
    {
      model: values.model,
      version: values.version,
      timeColumn: values["time-column"],
      idColumn: values["id-column"],
      actualColumn: values["actual-column"],
      batchColumn: values["batch-column"],
      predictionColumn: values["prediction-column"],
      scoreColumn: values["score-column"],
      exclude: values.exclude,
      recordsPerRequest: positive(values["batch-size"], "--batch-size", 1000),
      concurrency: positive(values.concurrency, "--concurrency", 4),
      onProgress: (progress) => {
        // A terminal gets the bar redrawn in place; piped stderr a line every 5 s, so logs stay short.
        const now = Date.now();
        if (now - lastDrawMs < (io.stderr.isTTY ? 100 : 5000)) return;
        lastDrawMs = now;
        io.stderr.write(`${io.stderr.isTTY ? "\r" : ""}${formatProgress(progress)}  ${progress.sentRecords.toLocaleString("en-US")} records sent${io.stderr.isTTY ? "" : "\n"}`);
      },
    },
    target,
  );
  if (io.stderr.isTTY) io.stderr.write("\n");
  io.stdout.write(describe(summary, values.model, values.version));
  return summary.rejected > 0 ? REFUSED_EXIT_CODE : ExitCode.ok;
}

function positive(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new UsageError(`${flag} must be a whole number from 1 to 100000, got ${JSON.stringify(text)}`);
  return n;
}

/** The summary on stdout: one line of counts, then one line per reason the Worker gave. */
export function describe(summary: BackfillSummary, model: string, version: string): string {
  const lines = [
    `backfill of model ${model} version ${version}: ${summary.rows} rows, ${summary.predictions} predictions and ${summary.actuals} actuals in ${summary.requests} requests; ${summary.accepted} records accepted, ${summary.rejected} refused`,
  ];
  for (const reason of summary.reasons) lines.push(`refused (${reason.requests} request${reason.requests === 1 ? "" : "s"}): ${reason.message}`);
  return lines.join("\n") + "\n";
}

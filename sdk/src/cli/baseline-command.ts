import { parseArgs } from "node:util";
import { buildBaseline } from "../baseline/build.ts";
import { uploadBaseline, useReferenceWindow } from "../baseline/upload.ts";
import type { StoredBaseline } from "../baseline/upload.ts";
import { ProgressBar } from "./progress.ts";
import { ExitCode, UsageError, endpointOf, tokenOf } from "./usage.ts";
import type { CliIo } from "./usage.ts";

/** `driftline baseline --help`. */
export const BASELINE_HELP = `Usage: driftline baseline <command> [options]

Commands:
  upload   Build a baseline from a training CSV and upload it for a model version
  window   Make a time range of the version's received traffic its baseline

Run "driftline baseline <command> --help" for a command's options.
`;

const COMMON_OPTIONS = `  --model <id>          Model id (ml.model.id)                       (required)
  --version <version>   Model version (ml.model.version)             (required)
  --endpoint <url>      Worker URL; default $DRIFTLINE_ENDPOINT
  --token <token>       Ingest token; default $DRIFTLINE_TOKEN
  -h, --help            Show this help`;

/** `driftline baseline upload --help`. */
export const UPLOAD_HELP = `Usage: driftline baseline upload --model <id> --version <v> --csv <file> [options]

Reads the CSV (RFC 4180, header row first) and builds the sketches the collector builds: a
t-digest per numeric column (every non-empty cell a number), category counts per other column.
Empty cells are missing; True/False (any case) are booleans; an unnamed first column (the
index pandas writes) is skipped. Shows progress on stderr when it is a terminal.

Options:
  --csv <file>          Training data                                 (required)
  --prediction <col>    Column holding the model's prediction (numbers: a value; else a label)
  --score <col>         Column holding a classifier's score for its label
  --target <col>        Ground-truth column: left out of the features, kept for target drift
  --exclude <col>       Column to leave out (repeatable)
  --categorical <col>   Column to read as categories even if numeric (repeatable)
${COMMON_OPTIONS}
`;

/** `driftline baseline window --help`. */
export const WINDOW_HELP = `Usage: driftline baseline window --model <id> --version <v> --from <ISO> --to <ISO> [options]

Makes the Worker merge the version's own minute buckets in [from, to) into its baseline
(minute buckets are kept 48 hours).

Options:
  --from <ISO time>     Window start                                  (required)
  --to <ISO time>       Window end                                    (required)
${COMMON_OPTIONS}
`;

const COMMON = {
  model: { type: "string" },
  version: { type: "string" },
  endpoint: { type: "string" },
  token: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Runs `driftline baseline ...`; returns the exit code. */
export async function baselineCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.stdout.write(BASELINE_HELP);
    return sub === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (sub === "upload") return upload(rest, io);
  if (sub === "window") return referenceWindow(rest, io);
  throw new UsageError(`unknown baseline command ${JSON.stringify(sub)} (commands: upload, window)`);
}

async function upload(args: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({
    args,
    options: { ...COMMON, csv: { type: "string" }, prediction: { type: "string" }, score: { type: "string" }, target: { type: "string" }, exclude: { type: "string", multiple: true }, categorical: { type: "string", multiple: true } },
    strict: true,
  });
  if (values.help) {
    io.stdout.write(UPLOAD_HELP);
    return ExitCode.ok;
  }
  const target = targetOf(values, io);
  if (values.csv === undefined) throw new UsageError("missing --csv <file>");
  const bar = new ProgressBar(io.stderr);
  let last = { rows: 0, bytes: 0, totalBytes: 0 };
  const baseline = await buildBaseline(values.csv, {
    prediction: values.prediction,
    score: values.score,
    target: values.target,
    exclude: values.exclude,
    categorical: values.categorical,
    onProgress: (progress) => {
      last = progress;
      bar.update(progress);
    },
  });
  bar.done(last);
  for (const notice of baseline.notices) io.stderr.write(`notice: ${notice}\n`);
  for (const warning of baseline.warnings) io.stderr.write(`warning: ${warning}\n`);
  if (baseline.rejectedValues > 0) io.stderr.write(`warning: ${baseline.rejectedValues} values longer than maxValueLength (256) were left out, as the collector leaves them out\n`);
  const stored = await uploadBaseline(baseline, target);
  io.stdout.write(describeStored(stored));
  return ExitCode.ok;
}

async function referenceWindow(args: string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseArgs({ args, options: { ...COMMON, from: { type: "string" }, to: { type: "string" } }, strict: true });
  if (values.help) {
    io.stdout.write(WINDOW_HELP);
    return ExitCode.ok;
  }
  const target = targetOf(values, io);
  const from = instant(values.from, "--from");
  const to = instant(values.to, "--to");
  io.stdout.write(describeStored(await useReferenceWindow({ from, to }, target)));
  return ExitCode.ok;
}

function targetOf(values: { model?: string; version?: string; endpoint?: string; token?: string }, io: CliIo) {
  if (values.model === undefined) throw new UsageError("missing --model <id>");
  if (values.version === undefined) throw new UsageError("missing --version <version>");
  return { endpoint: endpointOf(values.endpoint, io.env), token: tokenOf(values.token, io.env, ["DRIFTLINE_TOKEN"]), model: values.model, version: values.version };
}

function instant(value: string | undefined, flag: string): Date {
  if (value === undefined) throw new UsageError(`missing ${flag} <ISO time>`);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`${flag} must be an ISO 8601 time, got ${JSON.stringify(value)}`);
  return date;
}

function describeStored(stored: StoredBaseline): string {
  const features = stored.features.map((f) => `${f.name} (${f.type})`).join(", ");
  const prediction = stored.prediction === null ? "" : `, prediction (${stored.prediction.kind ?? stored.prediction.type})`;
  return `baseline stored for model ${stored.model} version ${stored.version}: ${stored.rows} rows, ${stored.features.length} features: ${features}${prediction}\n`;
}

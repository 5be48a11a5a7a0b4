import { parseArgs } from "node:util";
import { answer, DriftlineHttpError } from "../baseline/upload.ts";
import { formatTable } from "./table.ts";
import { ExitCode, UsageError, endpointOf, tokenOf } from "./usage.ts";
import type { CliIo } from "./usage.ts";

/** `driftline status --help`. */
export const STATUS_HELP = `Usage: driftline status [options]

Lists the tenant's models and versions with their prediction counts and drift status over the
window (ok, warn, alert, no_data; "no baseline" when none was uploaded). As a CI gate, pass
--fail-on: the exit code then says whether the drift passes.

Options:
  --window <w>          Drift window: 5m, 1h, 1d or 7d (default 1h)
  --model <id>          Only this model
  --version <v>         Only this version (with --model)
  --fail-on <level>     warn or alert: exit non-zero when a version reaches it,
                        or when nothing has data to judge
  --json                One JSON document on stdout instead of the table
  --endpoint <url>      Worker URL; default $DRIFTLINE_ENDPOINT
  --token <token>       Read token; default $DRIFTLINE_READ_TOKEN
  -h, --help            Show this help

Exit codes: 0 ok (or below --fail-on), 1 error, 2 usage error, and with --fail-on:
3 warn (--fail-on warn), 4 alert, 5 no data (no version with a baseline and values in the window).
`;

/**
 * Exit codes of `driftline status --fail-on` beyond the CLI's own 0/1/2 (docs/drift.md, "CI
 * gate"). Distinct codes rather than Nagios' 1/2/3 because 1 and 2 already mean error and usage
 * error for every driftline command, and a CI script must tell "drifted" from "broken".
 */
export const GateExit = { warn: 3, alert: 4, noData: 5 } as const;

type ModelList = { models: { model: string }[] };
type ModelDetail = { versions: { version: string; predictions: number; errors: number; lastSeen: string }[] };
type Drift = {
  status: string;
  dataset?: { share: number | null; weightedShare: number | null; status: string };
  features: { name: string; status: string; statusMethod?: string; excluded?: boolean }[];
};

/** One row of the report, as --json prints it. */
type VersionStatus = {
  model: string;
  version: string | null;
  predictions: number;
  errors: number;
  /** ok, warn, alert, no_data, "no baseline" or "no traffic". */
  status: string;
  dataset: Drift["dataset"] | null;
  drifted: { name: string; status: string; method: string | null }[];
};

const RANK: Record<string, number> = { ok: 1, warn: 2, alert: 3 };

/** Runs `driftline status`; returns the exit code. */
export async function statusCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      window: { type: "string", default: "1h" },
      model: { type: "string" },
      version: { type: "string" },
      "fail-on": { type: "string" },
      json: { type: "boolean", default: false },
      endpoint: { type: "string" },
      token: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout.write(STATUS_HELP);
    return ExitCode.ok;
  }
  const failOn = values["fail-on"];
  if (failOn !== undefined && failOn !== "warn" && failOn !== "alert") throw new UsageError(`--fail-on must be warn or alert, got ${JSON.stringify(failOn)}`);
  if (values.version !== undefined && values.model === undefined) throw new UsageError("--version needs --model");
  if (!["5m", "1h", "1d", "7d"].includes(values.window)) throw new UsageError(`--window must be 5m, 1h, 1d or 7d, got ${JSON.stringify(values.window)}`);
  const endpoint = endpointOf(values.endpoint, io.env);
  const token = tokenOf(values.token, io.env, ["DRIFTLINE_READ_TOKEN"]);
  const getJson = async <T>(path: string): Promise<T> => answer<T>(await fetch(`${endpoint}${path}`, { headers: { Authorization: `Bearer ${token}` } }));
  const models = values.model !== undefined ? [values.model] : (await getJson<ModelList>("/api/models")).models.map((m) => m.model);
  const report: VersionStatus[] = [];
  for (const model of models) {
    const detail = await getJson<ModelDetail>(`/api/models/${encodeURIComponent(model)}`);
    const versions = detail.versions.filter((v) => values.version === undefined || v.version === values.version);
    if (versions.length === 0) report.push({ model, version: values.version ?? null, predictions: 0, errors: 0, status: "no traffic", dataset: null, drifted: [] });
    for (const v of versions) {
      const row: VersionStatus = { model, version: v.version, predictions: v.predictions, errors: v.errors, status: "no baseline", dataset: null, drifted: [] };
      try {
        const drift = await getJson<Drift>(`/api/models/${encodeURIComponent(model)}/drift?version=${encodeURIComponent(v.version)}&window=${encodeURIComponent(values.window)}`);
        row.status = drift.status;
        row.dataset = drift.dataset ?? null;
        row.drifted = drift.features.filter((f) => !f.excluded && (f.status === "alert" || f.status === "warn")).map((f) => ({ name: f.name, status: f.status, method: f.statusMethod ?? null }));
      } catch (error) {
        if (!(error instanceof DriftlineHttpError && error.status === 404)) throw error;
      }
      report.push(row);
    }
  }
  const worst = report.reduce((w, r) => ((RANK[r.status] ?? 0) > (RANK[w] ?? 0) ? r.status : w), "no_data");
  if (values.json) io.stdout.write(`${JSON.stringify({ window: values.window, status: worst, versions: report }, null, 2)}\n`);
  else if (report.length === 0) io.stdout.write("no models yet: send predictions to /v1/logs or upload a baseline\n");
  else {
    const rows = report.map((r) => [r.model, r.version ?? "-", String(r.predictions), String(r.errors), r.status, r.dataset?.weightedShare == null ? "" : `${Math.round(r.dataset.weightedShare * 100)} %`, r.drifted.map((f) => `${f.name}:${f.status}`).join(" ")]);
    io.stdout.write(formatTable(["MODEL", "VERSION", "PREDICTIONS", "ERRORS", `DRIFT (${values.window})`, "DRIFTED SHARE", "DRIFTED FEATURES"], rows));
  }
  if (failOn === undefined) return ExitCode.ok;
  if (worst === "alert") return GateExit.alert;
  if (worst === "warn" && failOn === "warn") return GateExit.warn;
  if (worst === "no_data") {
    io.stderr.write(`driftline: no data to judge: no version ${values.model === undefined ? "" : `of ${values.model} `}has a baseline and values in the last ${values.window}\n`);
    return GateExit.noData;
  }
  return ExitCode.ok;
}

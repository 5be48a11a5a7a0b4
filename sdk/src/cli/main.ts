import { backfillCommand } from "./backfill-command.ts";
import { baselineCommand } from "./baseline-command.ts";
import { rulesCommand } from "./rules-command.ts";
import { statusCommand } from "./status-command.ts";
import { ExitCode, UsageError } from "./usage.ts";
import type { CliIo } from "./usage.ts";

/** `driftline --help`. */
export const MAIN_HELP = `Usage: driftline <command> [options]

Commands:
  baseline upload   Build a baseline from a training CSV and upload it
  baseline window   Use a time range of received traffic as a version's baseline
  backfill          Send a historical CSV of predictions (and actuals) with their own timestamps
  status            Models, versions, prediction counts and drift status
  rules apply       Create or replace alert rules from a Prometheus rule file
  rules export      Write the tenant's alert rules as a Prometheus rule file

Environment: DRIFTLINE_ENDPOINT (Worker URL), DRIFTLINE_TOKEN (ingest token, for uploads),
DRIFTLINE_READ_TOKEN (read token, for status and rules export). Flags --endpoint and --token override them.
Exit codes: 0 ok, 1 failure, 2 usage error; status --fail-on adds 3 warn, 4 alert, 5 no data; backfill 6 some records refused. Run "driftline <command> --help" for options.
`;

/**
 * The `driftline` CLI: runs one command and returns its exit code. Errors end as one line on
 * stderr: usage errors (exit 2) with a pointer to --help, everything else (exit 1) with the
 * message the Worker or the file gave.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      io.stderr.write(MAIN_HELP);
      return ExitCode.usage;
    }
    if (command === "--help" || command === "-h" || command === "help") {
      io.stdout.write(MAIN_HELP);
      return ExitCode.ok;
    }
    if (command === "baseline") return await baselineCommand(rest, io);
    if (command === "status") return await statusCommand(rest, io);
    if (command === "rules") return await rulesCommand(rest, io);
    if (command === "backfill") return await backfillCommand(rest, io);
    throw new UsageError(`unknown command ${JSON.stringify(command)} (commands: backfill, baseline, status, rules)`);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr.write(`driftline: ${(error as Error).message}
Run "driftline ${command === "baseline" || command === "status" || command === "rules" || command === "backfill" ? `${command} ` : ""}--help" for usage.
`);
      return ExitCode.usage;
    }
    io.stderr.write(`driftline: ${oneLine(error)}\n`);
    return ExitCode.failure;
  }
}

/** node:util parseArgs' errors (unknown option, missing value) are usage errors. */
function isParseArgsError(error: unknown): boolean {
  const code = error instanceof TypeError ? (error as unknown as { code?: unknown }).code : undefined;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${message}${cause}`.replace(/\s*\n\s*/g, " ");
}

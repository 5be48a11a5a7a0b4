import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { DriftlineHttpError } from "../baseline/upload.ts";
import { ExitCode, UsageError, endpointOf, tokenOf } from "./usage.ts";
import type { CliIo } from "./usage.ts";

/** `driftline rules --help`. */
export const RULES_HELP = `Usage: driftline rules apply -f <rules.yml> [options]
       driftline rules export [--model <id>] [-o <file>] [options]

Alert rules as Prometheus rule files (docs/alerts.md, "Rules as files"): one group per model,
the group's name being the model id. "apply" creates or replaces the file's rules (rules not in
the file stay); a file with any rule Driftline cannot evaluate is refused whole, every problem
listed. "export" writes every rule of the tenant (or of one model), the fixed kinds as their
PromQL equivalent; the file passes "promtool check rules".

Options:
  -f, --file <path>       apply: the rule file ("-" reads stdin)
  --receivers <path>      apply: a JSON array of receivers (docs/alerts.md) for every rule of the
                          file; without it a replaced rule keeps its receivers, a new one has none
  --model <id>            export: only this model
  -o, --output <path>     export: write the file here instead of stdout
  --endpoint <url>        Worker URL; default $DRIFTLINE_ENDPOINT
  --token <token>         apply: ingest token, default $DRIFTLINE_TOKEN;
                          export: read token, default $DRIFTLINE_READ_TOKEN
  -h, --help              Show this help
`;

type Applied = { groups: { model: string; rules: { name: string; outcome: string; kind: string }[] }[] };

/** Runs `driftline rules apply|export`; returns the exit code. */
export async function rulesCommand(args: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      file: { type: "string", short: "f" },
      receivers: { type: "string" },
      model: { type: "string" },
      output: { type: "string", short: "o" },
      endpoint: { type: "string" },
      token: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help || action === "--help" || action === "-h") {
    io.stdout.write(RULES_HELP);
    return ExitCode.ok;
  }
  const endpoint = endpointOf(values.endpoint, io.env);
  if (action === "export") {
    if (values.file !== undefined || values.receivers !== undefined) throw new UsageError("export takes --model and -o, not -f or --receivers");
    const token = tokenOf(values.token, io.env, ["DRIFTLINE_READ_TOKEN"]);
    const query = values.model === undefined ? "" : `?model=${encodeURIComponent(values.model)}`;
    const response = await fetch(`${endpoint}/api/rules${query}`, { headers: { Authorization: `Bearer ${token}` } });
    const text = await response.text();
    if (!response.ok) throw new DriftlineHttpError(response.status, `${response.status} ${response.statusText}: ${errorOf(text)}`);
    if (values.output === undefined) io.stdout.write(text);
    else await writeFile(values.output, text);
    return ExitCode.ok;
  }
  if (action !== "apply") throw new UsageError(`rules needs apply or export, got ${JSON.stringify(action ?? "")}`);
  if (values.file === undefined) throw new UsageError("apply needs -f <rules.yml>");
  if (values.model !== undefined || values.output !== undefined) throw new UsageError("apply takes -f and --receivers; the groups of the file name the models");
  const token = tokenOf(values.token, io.env, ["DRIFTLINE_TOKEN"]);
  const file = values.file === "-" ? await readStdin() : await readFile(values.file, "utf8");
  let init: RequestInit = { method: "PUT", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/yaml" }, body: file };
  if (values.receivers !== undefined) {
    const receivers = JSON.parse(await readFile(values.receivers, "utf8")) as unknown;
    init = { method: "PUT", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify({ file, receivers }) };
  }
  const response = await fetch(`${endpoint}/api/rules`, init);
  const text = await response.text();
  if (!response.ok) {
    const problems = problemsOf(text);
    if (problems.length > 1) {
      io.stderr.write(`driftline: ${values.file} refused (${response.status}), nothing was stored:\n${problems.map((p) => `  ${p}\n`).join("")}`);
      return ExitCode.failure;
    }
    throw new DriftlineHttpError(response.status, `${response.status} ${response.statusText}: ${errorOf(text)}`);
  }
  for (const group of (JSON.parse(text) as Applied).groups) {
    for (const rule of group.rules) io.stdout.write(`${group.model}/${rule.name}: ${rule.outcome} (${rule.kind})\n`);
  }
  return ExitCode.ok;
}

function errorOf(text: string): string {
  try {
    return (JSON.parse(text) as { error?: string }).error ?? text;
  } catch {
    return text;
  }
}

function problemsOf(text: string): string[] {
  try {
    return (JSON.parse(text) as { problems?: string[] }).problems ?? [];
  } catch {
    return [];
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

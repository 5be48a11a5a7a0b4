/**
 * The tenant's alert rules as Prometheus rule files (docs/alerts.md, "Rules as files"), mounted
 * at /api/rules:
 * - `GET /api/rules[?model=<id>]` (read token): every model's rules as one YAML file, a group
 *   per model; fixed kinds as their PromQL equivalent.
 * - `PUT /api/rules` (ingest token): applies a file. The body is the YAML (`application/yaml`,
 *   `application/x-yaml`, `text/yaml` or `text/plain`), or JSON `{ "file": "<yaml>",
 *   "receivers": [...] }` to give the rules receivers. The whole file is validated first; any
 *   rule Driftline cannot evaluate refuses the file (400 naming every group, rule and reason) and
 *   nothing is stored. Each model's rules are then applied in one transaction.
 */
import { Hono } from "hono";
import { MAX_RULE_FILE_BYTES, RuleFileError, exportRuleFile, rulesOfFile } from "@driftline/collector/alerts";
import type { ModelRules } from "@driftline/collector/alerts";
import { HttpError } from "../http/http-error.ts";
import { readBody } from "../http/read-body.ts";
import { requireCoding } from "../otlp/content-negotiation.ts";
import { configOf, limitsFromEnv } from "../config.ts";
import { admitModel, modelStore, tenantDirectory } from "../http/stores.ts";
import type { AppEnv } from "../http/app-env.ts";
import type { AppliedRule } from "../store/alerts/rules-table.ts";

/** The rule-file routes; mount at "/api/rules". */
export const ruleFilesApi = new Hono<AppEnv>();

const YAML_TYPES = /^(application\/(x-)?yaml|text\/(x-)?yaml|text\/plain)\s*(;|$)/i;

ruleFilesApi.get("/", async (c) => {
  const tenant = c.get("tenant");
  const only = c.req.query("model");
  const models = (await tenantDirectory(c.env, tenant).list()).map((e) => e.modelId).filter((m) => only === undefined || m === only);
  if (only !== undefined && models.length === 0) throw new HttpError(404, `no model ${JSON.stringify(only)}: GET /api/models lists them`);
  const rules: ModelRules[] = await Promise.all(models.map(async (model) => ({ model, rules: await modelStore(c.env, tenant, model).alertRuleSpecs() })));
  rules.sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  return c.body(exportRuleFile(rules), 200, { "Content-Type": "application/yaml; charset=utf-8" });
});

ruleFilesApi.put("/", async (c) => {
  const { file, receivers } = await readRuleFileBody(c.req.raw, c.get("lingerOn"));
  const limits = limitsFromEnv(c.env);
  const config = configOf(c.env);
  const requestUrl = new URL(c.req.url);
  let models: ModelRules[];
  try {
    models = rulesOfFile(file, {
      minIntervalMs: config.alertMinIntervalSeconds * 1000, maxNameLength: limits.maxNameLength,
      receivers: { allowLoopback: config.allowLocalReceivers, ownHost: requestUrl.host }, baseUrl: requestUrl.origin,
    }, receivers);
  } catch (error) {
    if (error instanceof RuleFileError) return c.json({ error: `rule file refused: ${error.message}`, problems: error.problems }, 400);
    throw error;
  }
  const tenant = c.get("tenant");
  const applied: { model: string; rules: AppliedRule[] }[] = [];
  for (const { model, rules } of models) {
    // A group without rules changes nothing, and does not create its model.
    if (rules.length === 0) continue;
    if (!(await admitModel(c.env, tenant, model, limits))) {
      throw new HttpError(400, `rule file refused at group ${JSON.stringify(model)}: the tenant has maxModelsPerTenant (${limits.maxModelsPerTenant}) models${appliedSoFar(applied)}`);
    }
    const result = await modelStore(c.env, tenant, model).applyAlertRules(rules, receivers !== undefined);
    if ("refused" in result) throw new HttpError(400, `rule file refused at group ${JSON.stringify(model)}: ${result.refused}${appliedSoFar(applied)}`);
    applied.push({ model, rules: result });
  }
  return c.json({ groups: applied });
});

function appliedSoFar(applied: readonly { model: string }[]): string {
  return applied.length === 0 ? "; nothing was stored" : `; the groups before it were applied (${applied.map((a) => a.model).join(", ")})`;
}

async function readRuleFileBody(request: Request, lingerOn: AppEnv["Variables"]["lingerOn"]): Promise<{ file: string; receivers?: unknown }> {
  const type = request.headers.get("Content-Type") ?? "";
  const json = /^application\/json\s*(;|$)/i.test(type);
  if (!json && !YAML_TYPES.test(type)) {
    throw new HttpError(415, `a rule file must be Content-Type: application/yaml (or text/yaml, text/plain), or application/json { "file", "receivers" }; got ${JSON.stringify(type)}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readBody(request, requireCoding(request.headers.get("Content-Encoding") ?? undefined), { maxBodyBytes: MAX_RULE_FILE_BYTES, maxDecompressedBytes: MAX_RULE_FILE_BYTES }, lingerOn);
  } catch (error) {
    if (error instanceof HttpError && error.status === 413) throw new HttpError(413, `rule file exceeds MAX_RULE_FILE_BYTES (${MAX_RULE_FILE_BYTES} bytes)`);
    throw error;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new HttpError(400, "rule file is not UTF-8");
  }
  if (!json) return { file: text };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `rule file body is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof body !== "object" || body === null || typeof (body as { file?: unknown }).file !== "string") throw new HttpError(400, "a JSON rule-file body is { \"file\": \"<the YAML>\", \"receivers\"?: [...] }");
  const { file, receivers, ...rest } = body as { file: string; receivers?: unknown };
  if (Object.keys(rest).length > 0) throw new HttpError(400, `unknown field ${JSON.stringify(Object.keys(rest)[0])} (fields: file, receivers)`);
  return receivers === undefined ? { file } : { file, receivers };
}

/**
 * Prometheus' /api/v1/rules and /api/v1/alerts over a tenant: fans out in parallel to the
 * stores of the tenant's models, as the query API does (query/source.ts), and shapes the rule
 * views with prometheus.ts.
 */
import type { Env } from "../env.ts";
import { modelStore, tenantDirectory } from "../http/stores.ts";
import { alertsData, rulesData } from "./alert-shapes.ts";
import type { PromAlert, PromRuleGroup } from "./alert-shapes.ts";
import type { RuleView } from "../store/alerts/rules-table.ts";

async function tenantRules(env: Env, tenant: string, only?: readonly string[]): Promise<{ model: string; rules: RuleView[] }[]> {
  const models = (await tenantDirectory(env, tenant).list()).map((e) => e.modelId).filter((m) => only === undefined || only.length === 0 || only.includes(m));
  return Promise.all(models.map(async (model) => ({ model, rules: await modelStore(env, tenant, model).listAlertRules() })));
}

/** GET /api/v1/rules: `type`, `rule_name[]`, `rule_group[]` (a group is a model) and `exclude_alerts`. */
export async function prometheusRules(env: Env, tenant: string, params: URLSearchParams): Promise<{ groups: PromRuleGroup[] }> {
  const groupNames = params.getAll("rule_group[]");
  const filter = { type: params.get("type"), ruleNames: params.getAll("rule_name[]"), groupNames, excludeAlerts: params.get("exclude_alerts") === "true" };
  return rulesData(await tenantRules(env, tenant, groupNames), filter);
}

/** GET /api/v1/alerts: the tenant's pending and firing alerts. */
export async function prometheusAlerts(env: Env, tenant: string): Promise<{ alerts: PromAlert[] }> {
  return alertsData(await tenantRules(env, tenant));
}

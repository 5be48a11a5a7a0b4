import type { Limits } from "@driftline/collector";
import type { Env } from "../env.ts";

/**
 * Models this isolate has seen admitted, per tenant: the directory is asked once per model per
 * isolate, never on the steady-state ingest path. Bounded like the directory itself
 * (maxModelsPerTenant per tenant); an isolate serves few tenants.
 */
const admitted = new Map<string, Set<string>>();

/** The name of a model's store: one per tenant, model and shard (shard 0 until a model is split). */
export function modelStoreName(tenant: string, modelId: string, shard = 0): string {
  return shard === 0 ? `${tenant}\u0000${modelId}` : `${tenant}\u0000${modelId}\u0000${shard}`;
}

/** The RPC stub of a model's store. */
export function modelStore(env: Env, tenant: string, modelId: string, shard = 0) {
  return env.MODEL_STORE.getByName(modelStoreName(tenant, modelId, shard));
}

/** The RPC stub of a tenant's directory. */
export function tenantDirectory(env: Env, tenant: string) {
  return env.TENANT_DIRECTORY.getByName(tenant);
}

/** True when the tenant may write to this model: already known, or new and under the model cap. */
export async function admitModel(env: Env, tenant: string, modelId: string, limits: Limits): Promise<boolean> {
  let models = admitted.get(tenant);
  if (models?.has(modelId)) return true;
  const entry = await tenantDirectory(env, tenant).admit(modelId, limits.maxModelsPerTenant);
  if (entry === null) return false;
  if (models === undefined) admitted.set(tenant, (models = new Set()));
  models.add(modelId);
  return true;
}

import { HttpError } from "../http/http-error.ts";
import { tenantDirectory } from "../http/stores.ts";
import type { Env } from "../env.ts";

/**
 * Throws 404 unless the tenant has `model`: read routes check the directory first, so a typo
 * names the mistake instead of creating or reading an empty store.
 */
export async function requireKnownModel(env: Env, tenant: string, model: string): Promise<void> {
  if ((await tenantDirectory(env, tenant).get(model)) === null) {
    throw new HttpError(404, `no model ${JSON.stringify(model)} for this tenant: GET /api/models lists the models`);
  }
}

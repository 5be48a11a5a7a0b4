import { DEFAULT_LIMITS } from "@driftline/collector";
import type { Limits } from "@driftline/collector";

let cached: { source: Record<string, unknown>; limits: Limits } | undefined;

/**
 * The caps in force: DEFAULT_LIMITS, each overridable by a var named after it in
 * SCREAMING_SNAKE_CASE (`maxFeaturesPerModel` → `MAX_FEATURES_PER_MODEL`). Parsed once per
 * isolate; a var that is not a positive integer is a configuration error that names the var.
 */
export function limitsFromEnv(env: object): Limits {
  const source = env as Record<string, unknown>;
  if (cached !== undefined && cached.source === source) return cached.limits;
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const name = key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
    const raw = source[name];
    if (raw === undefined || raw === "") continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
    limits[key] = value;
  }
  cached = { source, limits };
  return limits;
}

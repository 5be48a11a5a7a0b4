import { resolveThresholds } from "./thresholds.ts";
import { DriftMethod } from "../series/drift-methods.ts";

/**
 * Drift settings of one model, per version and feature (docs/drift.md, "Settings"): which method
 * decides a feature's status and at which levels, which features are left out of the status and
 * of the dataset share, and how much each feature weighs in the importance-weighted share.
 *
 * Resolution, field by field, most specific first: `versions[v].features[f]`, `features[f]`,
 * `versions[v].defaults`, `defaults`. The prediction's key is `__prediction__`, as the `feature`
 * label of `driftline_drift_status`.
 */

/** Settings of one feature (or a default for several). */
export type FeatureDriftSettings = {
  /** The method whose status is the feature's status; default: by type and window size. */
  readonly method?: DriftMethod;
  /** Warn level of `method` (a distance, or a p-value for ks and chisquare). Needs `method`. */
  readonly warn?: number;
  /** Alert level of `method`. Needs `method`. */
  readonly alert?: number;
  /** Left out of the status, the dataset share and the status series (still reported by the drift API). */
  readonly exclude?: boolean;
  /** Importance in the weighted dataset share; ≥ 0, default 1. */
  readonly weight?: number;
};

/** Settings of one version. */
export type VersionDriftSettings = {
  readonly defaults?: FeatureDriftSettings;
  readonly features?: Readonly<Record<string, FeatureDriftSettings>>;
};

/** A model's drift settings, as `PUT /api/models/:model/drift/settings` takes and returns them. */
export type DriftSettings = {
  readonly defaults?: FeatureDriftSettings;
  readonly features?: Readonly<Record<string, FeatureDriftSettings>>;
  readonly versions?: Readonly<Record<string, VersionDriftSettings>>;
};

/** The settings of one feature of one version after resolution. */
export type ResolvedFeatureSettings = {
  method?: DriftMethod;
  warn?: number;
  alert?: number;
  exclude: boolean;
  weight: number;
};

/** A settings document that cannot be meant; the message names the field. */
export class DriftSettingsError extends Error {
  override name = "DriftSettingsError";
}

const FEATURE_FIELDS = ["method", "warn", "alert", "exclude", "weight"];
const METHODS: readonly string[] = Object.values(DriftMethod);
/** Bounds the document: a model has at most this many entries in each map. */
export const MAX_SETTINGS_ENTRIES = 10_000;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function onlyFields(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new DriftSettingsError(`${where}: unknown field ${JSON.stringify(key)} (fields: ${allowed.join(", ")})`);
  }
}

function parseFeature(value: unknown, where: string): FeatureDriftSettings {
  if (!isObject(value)) throw new DriftSettingsError(`${where} must be an object`);
  onlyFields(value, FEATURE_FIELDS, where);
  const { method, warn, alert, exclude, weight } = value;
  if (method !== undefined && (typeof method !== "string" || !METHODS.includes(method))) {
    throw new DriftSettingsError(`${where}.method must be one of ${METHODS.join(", ")}, got ${JSON.stringify(method)}`);
  }
  for (const [name, level] of [["warn", warn], ["alert", alert]] as const) {
    if (level !== undefined && (typeof level !== "number" || !Number.isFinite(level))) throw new DriftSettingsError(`${where}.${name} must be a finite number`);
  }
  if ((warn !== undefined || alert !== undefined) && method === undefined) {
    throw new DriftSettingsError(`${where}: warn and alert are levels of one method (a distance or a p-value), so they need method too`);
  }
  if (method !== undefined) {
    try {
      resolveThresholds(method as DriftMethod, { warn: warn as number | undefined, alert: alert as number | undefined });
    } catch (error) {
      throw new DriftSettingsError(`${where}: ${(error as Error).message}`);
    }
  }
  if (exclude !== undefined && typeof exclude !== "boolean") throw new DriftSettingsError(`${where}.exclude must be true or false`);
  if (weight !== undefined && (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0)) throw new DriftSettingsError(`${where}.weight must be a finite number ≥ 0`);
  return value as FeatureDriftSettings;
}

function parseFeatures(value: unknown, where: string): Record<string, FeatureDriftSettings> {
  if (!isObject(value)) throw new DriftSettingsError(`${where} must be an object keyed by feature name`);
  const entries = Object.entries(value);
  if (entries.length > MAX_SETTINGS_ENTRIES) throw new DriftSettingsError(`${where} has ${entries.length} entries, more than ${MAX_SETTINGS_ENTRIES}`);
  return Object.fromEntries(entries.map(([name, feature]) => [name, parseFeature(feature, `${where}.${name}`)]));
}

/** Validates a settings document (the body of the PUT); throws {@link DriftSettingsError} naming the field. */
export function parseDriftSettings(value: unknown): DriftSettings {
  if (!isObject(value)) throw new DriftSettingsError("drift settings must be a JSON object with defaults, features and versions");
  onlyFields(value, ["defaults", "features", "versions"], "settings");
  const out: { defaults?: FeatureDriftSettings; features?: Record<string, FeatureDriftSettings>; versions?: Record<string, VersionDriftSettings> } = {};
  if (value.defaults !== undefined) out.defaults = parseFeature(value.defaults, "defaults");
  if (value.features !== undefined) out.features = parseFeatures(value.features, "features");
  if (value.versions !== undefined) {
    if (!isObject(value.versions)) throw new DriftSettingsError("versions must be an object keyed by model version");
    const versions = Object.entries(value.versions);
    if (versions.length > MAX_SETTINGS_ENTRIES) throw new DriftSettingsError(`versions has ${versions.length} entries, more than ${MAX_SETTINGS_ENTRIES}`);
    out.versions = {};
    for (const [version, settings] of versions) {
      const where = `versions.${version}`;
      if (!isObject(settings)) throw new DriftSettingsError(`${where} must be an object with defaults and features`);
      onlyFields(settings, ["defaults", "features"], where);
      out.versions[version] = {
        ...(settings.defaults === undefined ? {} : { defaults: parseFeature(settings.defaults, `${where}.defaults`) }),
        ...(settings.features === undefined ? {} : { features: parseFeatures(settings.features, `${where}.features`) }),
      };
    }
  }
  return out;
}

/**
 * The settings of `feature` in `version`. `method` and its levels come together from the most
 * specific level that names a method, so a feature's own method never inherits a default's
 * levels meant for another method.
 */
export function resolveFeatureSettings(settings: DriftSettings | null, version: string, feature: string): ResolvedFeatureSettings {
  const own = (map: Readonly<Record<string, FeatureDriftSettings>> | undefined): FeatureDriftSettings | undefined => (map !== undefined && Object.hasOwn(map, feature) ? map[feature] : undefined);
  const versionSettings = settings?.versions !== undefined && Object.hasOwn(settings.versions, version) ? settings.versions[version] : undefined;
  const levels = [own(versionSettings?.features), own(settings?.features), versionSettings?.defaults, settings?.defaults].filter((s): s is FeatureDriftSettings => s !== undefined);
  const withMethod = levels.find((s) => s.method !== undefined);
  return {
    ...(withMethod === undefined ? {} : { method: withMethod.method, warn: withMethod.warn, alert: withMethod.alert }),
    exclude: levels.find((s) => s.exclude !== undefined)?.exclude ?? false,
    weight: levels.find((s) => s.weight !== undefined)?.weight ?? 1,
  };
}

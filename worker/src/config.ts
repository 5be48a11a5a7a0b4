// Runs wherever the Worker's code runs: at the edge and inside the Durable Objects, which read
// the same vars and secrets. Every variable is parsed here and nowhere else.
import { DEFAULT_LIMITS } from "@driftline/collector";
import type { Limits } from "@driftline/collector";
import { minuteRetentionOf as minuteRetentionMinutes } from "@driftline/collector/series";

/**
 * A variable that is missing or malformed. Its message names the variable and what it must be;
 * the edge answers 500 "server misconfigured: …" with it (http/on-error.ts), a Durable Object's
 * alarm logs it and retries. Never carries a secret's value.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Size limits on one request body, in bytes (docs/limits.md says why these defaults). */
export type BodyLimits = {
  /** Body as sent on the wire (after any gzip/deflate), `MAX_BODY_BYTES`. */
  maxBodyBytes: number;
  /** Body after inflation, `MAX_DECOMPRESSED_BYTES`. */
  maxDecompressedBytes: number;
};

/** 4 MiB: the OTel Collector's batch of a few thousand points compresses far below this. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** 16 MiB: decoded and folded in a 128 MB isolate with room to spare. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024;
/**
 * Neither body limit may be configured above 64 MiB: decoding holds the body plus the decoded
 * records (several times the body), and a Worker isolate has 128 MB in all.
 */
export const MAX_CONFIGURABLE_BYTES = 64 * 1024 * 1024;
/** Shortest alert evaluation interval a rule may set by default, in seconds (docs/alerts.md). */
export const DEFAULT_ALERT_MIN_INTERVAL_SECONDS = 60;

/**
 * Admission control for OTLP exports (docs/limits.md, "Overload"): what one Worker isolate and one
 * ModelStore take on before they answer 503 + Retry-After instead of queueing.
 */
export type AdmissionLimits = {
  /** `MAX_EXPORTS_IN_FLIGHT`: export requests one isolate works on at once, whatever they cost. */
  maxExportsInFlight: number;
  /** `MAX_EXPORT_BYTES_IN_FLIGHT`: body bytes (inflated, once known) one isolate holds for its exports in flight. */
  maxExportBytesInFlight: number;
  /** `MAX_EXPORT_WAIT_MS`: longest an admitted export is expected to take, from the isolate's measured service time. */
  maxExportWaitMs: number;
  /** `MAX_STORE_QUEUE_MS`: longest an ingest RPC may have waited before its ModelStore starts on it. */
  maxStoreQueueMs: number;
};

/** 16: with the measured wait below it rarely binds; it bounds the isolate's work when nothing has been measured yet. */
export const DEFAULT_MAX_EXPORTS_IN_FLIGHT = 16;
/** 32 MiB: two exports at the inflated limit, in a 128 MB isolate whose decoded records take several times their bytes. */
export const DEFAULT_MAX_EXPORT_BYTES_IN_FLIGHT = 32 * 1024 * 1024;
/**
 * 2 s: the p99 an exporter should see at ten times the sustainable rate (issue 11). At 1 s, on a
 * loaded 2-core machine, it admitted a quarter to a half of the sustained rate (docs/benchmarks.md).
 */
export const DEFAULT_MAX_EXPORT_WAIT_MS = 2_000;
/** 500 ms: many times a normal ingest RPC (3-10 ms of the object's time, docs/operations.md). */
export const DEFAULT_MAX_STORE_QUEUE_MS = 500;

/** Everything the Worker and its Durable Objects read from their vars, parsed. */
export type Config = {
  /** The caps (DEFAULT_LIMITS, each overridable by its SCREAMING_SNAKE_CASE var). */
  limits: Limits;
  body: BodyLimits;
  admission: AdmissionLimits;
  /** `ALERT_MIN_INTERVAL_SECONDS`: the shortest `interval` an alert rule may ask for. */
  alertMinIntervalSeconds: number;
  /**
   * `ALLOW_LOCAL_RECEIVERS`: alert receivers on loopback are allowed (local development only;
   * `npm start` and the tests set it, a deployed Worker must not; docs/alerts.md).
   */
  allowLocalReceivers: boolean;
};

/** The vars this module reads; the rest of Env is bindings. */
type Vars = Readonly<Record<string, unknown>>;

/** Parsed configuration per env object: the env of an isolate (or an object) never changes. */
const parsed = new WeakMap<object, Config>();

/**
 * The configuration in force, parsed once per isolate (per env object). Throws ConfigError
 * naming the first malformed variable; a failed parse is not cached, so the error repeats.
 */
export function configOf(env: object): Config {
  let config = parsed.get(env);
  if (config === undefined) {
    const vars = env as Vars;
    config = {
      limits: parseLimits(vars),
      body: {
        maxBodyBytes: wholeNumber(vars, "MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, MAX_CONFIGURABLE_BYTES, "bytes"),
        maxDecompressedBytes: wholeNumber(vars, "MAX_DECOMPRESSED_BYTES", DEFAULT_MAX_DECOMPRESSED_BYTES, MAX_CONFIGURABLE_BYTES, "bytes"),
      },
      admission: {
        maxExportsInFlight: wholeNumber(vars, "MAX_EXPORTS_IN_FLIGHT", DEFAULT_MAX_EXPORTS_IN_FLIGHT, 1_000, ""),
        maxExportBytesInFlight: wholeNumber(vars, "MAX_EXPORT_BYTES_IN_FLIGHT", DEFAULT_MAX_EXPORT_BYTES_IN_FLIGHT, MAX_CONFIGURABLE_BYTES, "bytes"),
        maxExportWaitMs: wholeNumber(vars, "MAX_EXPORT_WAIT_MS", DEFAULT_MAX_EXPORT_WAIT_MS, 60_000, "milliseconds"),
        maxStoreQueueMs: wholeNumber(vars, "MAX_STORE_QUEUE_MS", DEFAULT_MAX_STORE_QUEUE_MS, 60_000, "milliseconds"),
      },
      alertMinIntervalSeconds: wholeNumber(vars, "ALERT_MIN_INTERVAL_SECONDS", DEFAULT_ALERT_MIN_INTERVAL_SECONDS, 86_400, "seconds"),
      allowLocalReceivers: flag(vars, "ALLOW_LOCAL_RECEIVERS", "allow loopback alert receivers, local development only"),
    };
    parsed.set(env, config);
  }
  return config;
}

/** The caps in force: `configOf(env).limits`. */
export function limitsFromEnv(env: object): Limits {
  return configOf(env).limits;
}

/** The request body limits in force: `configOf(env).body`. */
export function bodyLimits(env: object): BodyLimits {
  return configOf(env).body;
}

/** The admission limits in force: `configOf(env).admission`. */
export function admissionLimits(env: object): AdmissionLimits {
  return configOf(env).admission;
}

/**
 * Minute buckets a ModelStore keeps, in minutes (series/retention.ts): they cover how far back
 * data lands in minutes (maxPastSeconds) plus the hour being rolled up. Derived from the
 * configuration only, so a running object, one just restarted and the Worker's fold agree.
 */
export function minuteRetentionOf(limits: Limits): number {
  return minuteRetentionMinutes(limits.maxPastSeconds);
}

/** DEFAULT_LIMITS with each key overridden by its var (`maxFeaturesPerModel` → `MAX_FEATURES_PER_MODEL`). */
function parseLimits(vars: Vars): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const name = key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
    limits[key] = wholeNumber(vars, name, DEFAULT_LIMITS[key], Number.MAX_SAFE_INTEGER, "");
  }
  return limits;
}

/** A boolean var: 1/true on, 0/false/unset/empty off; anything else is a ConfigError naming it. */
function flag(vars: Vars, name: string, what: string): boolean {
  const raw = vars[name];
  const text = raw === undefined || raw === null ? "" : String(raw).trim().toLowerCase();
  if (text === "" || text === "0" || text === "false") return false;
  if (text === "1" || text === "true") return true;
  throw new ConfigError(`${name} must be 1 (${what}) or 0, got ${JSON.stringify(String(raw))}`);
}

/** A whole number from 1 to `max` from a var, or `fallback` when it is unset or empty. */
function wholeNumber(vars: Vars, name: string, fallback: number, max: number, unit: string): number {
  const raw = vars[name];
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) return fallback;
  const text = String(raw);
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? "a positive whole number" : `a whole number${unit ? ` of ${unit}` : ""} from 1 to ${max}`;
    throw new ConfigError(`${name} must be ${range}, got ${JSON.stringify(text)}`);
  }
  return value;
}

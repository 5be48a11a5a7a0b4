/**
 * Alert rules as a user writes them (PUT /api/models/:model/alerts/:name, docs/alerts.md) and as
 * the ModelStore keeps them. Parsing is strict: an unknown field, a wrong type or a value past a
 * limit is an {@link AlertRuleError} naming the field and the limit, never a silent default.
 */
import { parseDurationMs } from "./duration.ts";
import { AlertRuleError, isObject } from "./errors.ts";
import { parseReceivers } from "./receivers.ts";
import { parsePromqlFields } from "./promql-rule.ts";
import type { ReceiverPolicy } from "./receiver-address.ts";
import type { Receiver } from "./receivers.ts";
import { ACCURACY_METRICS, PER_CLASS_METRICS, isAccuracyMetric, isErrorMetric } from "../series/accuracy-metrics.ts";
import type { AccuracyMetric } from "../series/accuracy-metrics.ts";
import { DRIFT_METHODS, isDriftMethod } from "../series/drift-methods.ts";
import type { DriftMethod } from "../series/drift-methods.ts";
import { LONGEST_WINDOW_MINUTES, WINDOW_NAMES, windowOfMinutes } from "../series/windows.ts";

/** What a rule watches. Accuracy is listed but needs the accuracy store (see docs/alerts.md). */
export const RuleKind = {
  /** A drift statistic of one feature, or of the prediction, above a threshold. */
  drift: "drift",
  /** A latency quantile above a bound, in seconds. */
  latency: "latency",
  /** errors / predictions over the window above a bound. */
  errorRate: "error_rate",
  /** An accuracy metric below a bound. */
  accuracy: "accuracy",
  /** No prediction for longer than a duration. */
  noData: "no_data",
  /** A data-quality ratio of one feature above a bound (docs/drift.md, "Data quality"). */
  dataQuality: "data_quality",
  /** Any PromQL expression over the model's series, one alert per output series (promql-rule.ts). */
  promql: "promql",
} as const;
/** One of {@link RuleKind}. */
export type RuleKind = (typeof RuleKind)[keyof typeof RuleKind];

/**
 * Whether a rule fires when its value is above the threshold, or below: below for accuracy
 * scores (accuracy, precision, recall, f1, auc), above for everything else, error metrics included.
 */
export function firesAbove(rule: { kind: RuleKind; metric?: string }): boolean {
  return rule.kind !== RuleKind.accuracy || (rule.metric !== undefined && isErrorMetric(rule.metric));
}

/**
 * Data-quality ratios a rule may name, each the drift API's ratio of the same name and a
 * Prometheus series: `missing` (driftline_feature_missing_ratio), `type_mismatch`
 * (driftline_feature_type_mismatch_ratio), `out_of_range` (driftline_feature_out_of_range_ratio,
 * numeric features) and `new_categories` (driftline_feature_new_category_ratio, categorical features).
 */
export const RULE_QUALITY_RATIOS = ["missing", "type_mismatch", "out_of_range", "new_categories"] as const;

/** A validated rule. Durations are in milliseconds; `threshold` is in the kind's unit. */
export type AlertRule = {
  name: string;
  /** The model the rule belongs to (the store does not otherwise know its own model id). */
  model: string;
  kind: RuleKind;
  /** Model version the rule reads; drift needs one (baselines are per version), others default to all. */
  version?: string;
  /** A segment the rule reads instead of the whole model (`segment` and `segment_value`, docs/segments.md). */
  segment?: { name: string; value: string };
  /** Drift: the feature, or absent for the prediction. */
  feature?: string;
  /** Drift: the method whose statistic is compared (`value` of docs/drift.md); absent with `fromSettings`: the settings' or the default rule's. */
  method?: DriftMethod;
  /**
   * Drift without a `threshold`: the rule reads the status of its method (the rule's, else the
   * model's drift settings', else the default rule's) graded with the settings' levels, as
   * driftline_drift_status does: value 0 ok, 1 warn, 2 alert; it fires at alert (threshold 1)
   * and resolves at ok (resolveThreshold 0).
   */
  fromSettings?: true;
  /** Data quality: which ratio, one of {@link RULE_QUALITY_RATIOS}. */
  quality?: (typeof RULE_QUALITY_RATIOS)[number];
  /** Latency: the quantile in (0, 1). */
  quantile?: number;
  /** Accuracy: the metric name, one of the vocabulary's `ACCURACY_METRICS`. */
  metric?: AccuracyMetric;
  /** Accuracy: a class, for a per-class precision, recall or f1; absent for the macro average. */
  className?: string;
  /** The window read at each evaluation, (t − window, t]; whole minutes. 0 for no_data. */
  windowMs: number;
  /** Fires past this (above, or below for accuracy); for no_data, the silence in seconds. */
  threshold: number;
  /** Hysteresis: a firing rule resolves only once the value is back past this. */
  resolveThreshold: number;
  /** How long the condition must hold before the rule fires (Prometheus' `for`). */
  forMs: number;
  /** Evaluation period. */
  intervalMs: number;
  /** While firing, a reminder is sent this often (Alertmanager's repeat_interval). */
  repeatIntervalMs: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  receivers: Receiver[];
  /** Where the rule can be read in Driftline's API (set from the URL it was stored through). */
  generatorURL?: string;
  /** PromQL rules: the expression, parse-checked when stored. */
  expr?: string;
  /** PromQL rules: how long a firing alert keeps firing after its series left the output (Prometheus' keep_firing_for). */
  keepFiringForMs?: number;
};

/** Limits and defaults that parsing applies. */
export type RuleLimits = {
  /** Shortest evaluation period (default 60 s; lowered by ALERT_MIN_INTERVAL_SECONDS for tests). */
  minIntervalMs: number;
  maxNameLength: number;
  /** Which hosts a receiver may point at (receiver-address.ts). */
  receivers: ReceiverPolicy;
  /** The Worker's origin as the rule's author reached it, for links in notifications. */
  baseUrl?: string;
};

/** Default evaluation period (the default). */
export const DEFAULT_INTERVAL_MS = 60_000;
/** Default reminder period while firing (Alertmanager's default repeat_interval). */
export const DEFAULT_REPEAT_INTERVAL_MS = 4 * 3_600_000;
/**
 * Shortest and longest rule window: minute buckets are the unit; a day keeps a read bounded.
 * Accuracy rules read the accuracy store's windows instead, the vocabulary's, up to its longest.
 */
export const MIN_WINDOW_MS = 60_000;
export const MAX_WINDOW_MS = 24 * 3_600_000;
/** Longest `for`, interval and repeat interval. */
export const MAX_PERIOD_MS = 7 * 24 * 3_600_000;
/** Labels and annotations per rule, and the longest value of either. */
export const MAX_LABELS = 20;
export const MAX_LABEL_VALUE_LENGTH = 1024;

const COMMON_FIELDS = ["kind", "version", "segment", "segment_value", "for", "interval", "repeatInterval", "labels", "annotations", "receivers"];
const FIELDS_OF: Record<RuleKind, string[]> = {
  drift: [...COMMON_FIELDS, "feature", "method", "window", "threshold", "resolveThreshold"],
  latency: [...COMMON_FIELDS, "quantile", "window", "threshold", "resolveThreshold"],
  error_rate: [...COMMON_FIELDS, "window", "threshold", "resolveThreshold"],
  accuracy: [...COMMON_FIELDS, "metric", "class", "window", "threshold", "resolveThreshold"],
  no_data: [...COMMON_FIELDS, "duration"],
  data_quality: [...COMMON_FIELDS, "feature", "quality", "window", "threshold", "resolveThreshold"],
  promql: ["kind", "expr", "for", "keep_firing_for", "interval", "repeatInterval", "labels", "annotations", "receivers"],
};

/** A rule name: 1-64 letters, digits, `_`, `.`, `-` (it is a URL segment and an `alertname` label). */
export const RULE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Parses and validates a PUT body; throws {@link AlertRuleError} with what to fix. */
export function parseRule(name: string, model: string, body: unknown, limits: RuleLimits): AlertRule {
  if (!RULE_NAME.test(name)) throw new AlertRuleError(`rule name ${JSON.stringify(name)} must be 1-64 letters, digits, "_", "." or "-"`);
  if (!isObject(body)) throw new AlertRuleError("a rule must be a JSON object with at least { kind, ... } (docs/alerts.md)");
  const kind = body.kind;
  if (typeof kind !== "string" || !Object.hasOwn(FIELDS_OF, kind)) {
    throw new AlertRuleError(`kind must be one of ${Object.keys(FIELDS_OF).join(", ")}, got ${JSON.stringify(kind)}`);
  }
  const k = kind as RuleKind;
  for (const key of Object.keys(body)) {
    if (!FIELDS_OF[k].includes(key)) throw new AlertRuleError(`unknown field ${JSON.stringify(key)} for kind ${k} (fields: ${FIELDS_OF[k].join(", ")})`);
  }
  const rule: AlertRule = {
    name,
    model,
    kind: k,
    windowMs: 0,
    threshold: 0,
    resolveThreshold: 0,
    forMs: optionalDuration(body.for, "for", 0, 0, MAX_PERIOD_MS),
    intervalMs: optionalDuration(body.interval, "interval", DEFAULT_INTERVAL_MS, limits.minIntervalMs, MAX_PERIOD_MS),
    repeatIntervalMs: 0,
    labels: stringMap(body.labels, "labels"),
    annotations: stringMap(body.annotations, "annotations"),
    receivers: parseReceivers(body.receivers, limits.receivers),
  };
  if (limits.baseUrl !== undefined) rule.generatorURL = `${limits.baseUrl}/api/models/${encodeURIComponent(model)}/alerts/${name}`;
  rule.repeatIntervalMs = optionalDuration(body.repeatInterval, "repeatInterval", DEFAULT_REPEAT_INTERVAL_MS, rule.intervalMs, MAX_PERIOD_MS);
  if (k === RuleKind.promql) return parsePromqlFields(rule, body);
  if (body.version !== undefined) rule.version = nameField(body.version, "version", limits);
  if (body.segment !== undefined || body.segment_value !== undefined) {
    if (k === RuleKind.accuracy) throw new AlertRuleError("an accuracy rule reads the whole model version (the accuracy store has no segments): remove segment, or watch the segment with a promql rule");
    if (body.segment === undefined || body.segment_value === undefined) throw new AlertRuleError("segment and segment_value go together: the segment's name (ml.segment.<name>) and its value");
    rule.segment = { name: nameField(body.segment, "segment", limits), value: nameField(body.segment_value, "segment_value", limits) };
    if (rule.segment.name.includes("=")) throw new AlertRuleError(`segment ${JSON.stringify(rule.segment.name)} may not contain "=" (a segment name is the <name> of ml.segment.<name>)`);
  }
  if (k === RuleKind.noData) {
    if (body.duration === undefined) throw new AlertRuleError("a no_data rule needs duration, e.g. \"15m\": how long without predictions before it fires");
    const durationMs = duration(body.duration, "duration", MIN_WINDOW_MS, MAX_PERIOD_MS);
    rule.threshold = rule.resolveThreshold = durationMs / 1000;
    return rule;
  }
  if (body.window === undefined) throw new AlertRuleError(`a ${k} rule needs window, e.g. "5m": the span (t - window, t] each evaluation reads`);
  rule.windowMs = duration(body.window, "window", MIN_WINDOW_MS, k === RuleKind.accuracy ? LONGEST_WINDOW_MINUTES * 60_000 : MAX_WINDOW_MS);
  if (rule.windowMs % 60_000 !== 0) throw new AlertRuleError(`window must be whole minutes (buckets are minutes), got ${JSON.stringify(body.window)}`);
  if (k === RuleKind.drift && body.threshold === undefined) {
    // The model's drift settings decide (docs/alerts.md, "Drift rules and the settings").
    if (body.resolveThreshold !== undefined) throw new AlertRuleError("resolveThreshold needs threshold: without one a drift rule fires at the status alert and resolves at ok");
    rule.fromSettings = true;
    rule.threshold = 1;
    rule.resolveThreshold = 0;
  } else {
    rule.threshold = finite(body.threshold, "threshold");
    rule.resolveThreshold = body.resolveThreshold === undefined ? rule.threshold : finite(body.resolveThreshold, "resolveThreshold");
  }
  if (k === RuleKind.accuracy) {
    if (typeof body.metric !== "string" || !isAccuracyMetric(body.metric)) {
      throw new AlertRuleError(`metric must be one of ${ACCURACY_METRICS.join(", ")}, got ${JSON.stringify(body.metric)}`);
    }
    rule.metric = body.metric;
    if (body.class !== undefined) {
      if (!PER_CLASS_METRICS.includes(body.metric)) throw new AlertRuleError(`class applies to ${PER_CLASS_METRICS.join(", ")} only, not ${body.metric}`);
      rule.className = nameField(body.class, "class", limits);
    }
  }
  const above = firesAbove(rule);
  if (above ? rule.resolveThreshold > rule.threshold : rule.resolveThreshold < rule.threshold) {
    throw new AlertRuleError(`resolveThreshold (${rule.resolveThreshold}) must be ${above ? "at or below" : "at or above"} threshold (${rule.threshold}): it is the level the value must return past before the alert resolves`);
  }
  if (k === RuleKind.drift) {
    if (rule.version === undefined) throw new AlertRuleError("a drift rule needs version: baselines are per model version");
    if (body.feature !== undefined) rule.feature = nameField(body.feature, "feature", limits);
    // With a threshold and no method the statistic is PSI's, as before the settings existed.
    const method = body.method ?? (rule.fromSettings ? undefined : "psi");
    if (method !== undefined) {
      if (typeof method !== "string" || !isDriftMethod(method)) {
        throw new AlertRuleError(`method must be one of ${DRIFT_METHODS.join(", ")}, got ${JSON.stringify(method)}`);
      }
      rule.method = method;
    }
  } else if (k === RuleKind.dataQuality) {
    if (rule.version === undefined) throw new AlertRuleError("a data_quality rule needs version: the ratios compare with the version's baseline");
    if (body.feature === undefined) throw new AlertRuleError("a data_quality rule needs feature: the ratios are per feature");
    rule.feature = nameField(body.feature, "feature", limits);
    if (typeof body.quality !== "string" || !(RULE_QUALITY_RATIOS as readonly string[]).includes(body.quality)) {
      throw new AlertRuleError(`quality must be one of ${RULE_QUALITY_RATIOS.join(", ")}, got ${JSON.stringify(body.quality)}`);
    }
    rule.quality = body.quality as AlertRule["quality"];
    if (rule.threshold < 0 || rule.threshold > 1) throw new AlertRuleError(`threshold is a fraction of the feature's values, from 0 to 1, got ${rule.threshold}`);
  } else if (k === RuleKind.latency) {
    const q = body.quantile ?? 0.99;
    if (typeof q !== "number" || !(q > 0 && q < 1)) throw new AlertRuleError(`quantile must be a number between 0 and 1 (exclusive), got ${JSON.stringify(q)}`);
    rule.quantile = q;
    if (rule.threshold <= 0) throw new AlertRuleError(`threshold is a latency in seconds and must be positive, got ${rule.threshold}`);
  } else if (k === RuleKind.errorRate) {
    if (rule.threshold < 0 || rule.threshold > 1) throw new AlertRuleError(`threshold is a fraction of predictions, from 0 to 1, got ${rule.threshold}`);
  } else if (k === RuleKind.accuracy) {
    if (rule.version === undefined) throw new AlertRuleError("an accuracy rule needs version: accuracy is computed per model version");
    if (windowOfMinutes(rule.windowMs / 60_000) === undefined) {
      throw new AlertRuleError(`an accuracy rule's window must be one of ${WINDOW_NAMES.join(", ")} (the windows the accuracy store reads), got ${JSON.stringify(body.window)}`);
    }
  }
  return rule;
}

/** A duration field that may be absent (then `fallbackMs`, at least `minMs`). */
export function optionalDuration(value: unknown, field: string, fallbackMs: number, minMs: number, maxMs: number): number {
  return value === undefined ? Math.max(fallbackMs, minMs) : duration(value, field, minMs, maxMs);
}

/** A duration field within [minMs, maxMs]; throws AlertRuleError naming the field and the bound. */
export function duration(value: unknown, field: string, minMs: number, maxMs: number): number {
  const ms = typeof value === "string" ? parseDurationMs(value) : undefined;
  if (ms === undefined) throw new AlertRuleError(`${field} must be a duration such as "30s", "5m", "1h" or "1d", got ${JSON.stringify(value)}`);
  if (ms < minMs) throw new AlertRuleError(`${field} ${JSON.stringify(value)} is shorter than the minimum of ${minMs / 1000} s`);
  if (ms > maxMs) throw new AlertRuleError(`${field} ${JSON.stringify(value)} is longer than the maximum of ${maxMs / 1000} s`);
  return ms;
}

function finite(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new AlertRuleError(`${field} must be a finite number, got ${JSON.stringify(value)}`);
  return value;
}

function nameField(value: unknown, field: string, limits: RuleLimits): string {
  if (typeof value !== "string" || value === "") throw new AlertRuleError(`${field} must be a non-empty string, got ${JSON.stringify(value)}`);
  if (value.length > limits.maxNameLength) throw new AlertRuleError(`${field} of ${value.length} characters, more than maxNameLength (${limits.maxNameLength})`);
  return value;
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value)) throw new AlertRuleError(`${field} must be an object of string values`);
  const entries = Object.entries(value);
  if (entries.length > MAX_LABELS) throw new AlertRuleError(`${field} has ${entries.length} entries, more than the limit of ${MAX_LABELS}`);
  for (const [key, v] of entries) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new AlertRuleError(`${field} key ${JSON.stringify(key)} is not a Prometheus label name ([A-Za-z_][A-Za-z0-9_]*)`);
    if (typeof v !== "string") throw new AlertRuleError(`${field}.${key} must be a string, got ${JSON.stringify(v)}`);
    if (v.length > MAX_LABEL_VALUE_LENGTH) throw new AlertRuleError(`${field}.${key} is ${v.length} characters, more than the limit of ${MAX_LABEL_VALUE_LENGTH}`);
  }
  return { ...(value as Record<string, string>) };
}

/**
 * Custom metrics as Prometheus series (docs/query-api.md, "Custom metrics"). The fold stores a
 * custom metric under `metric.name{attr="value",…}` (collector/src/fold/metrics.ts,
 * customSeriesName); the query layer turns that back into a Prometheus name and labels the way
 * OpenTelemetry's Prometheus exporters do: characters outside [a-zA-Z0-9_:] become `_`, a counter
 * gets `_total`, and the family is namespaced under `driftline_custom_` so it never collides with
 * Driftline's own families.
 */
import type { Labels } from "../promql/index.ts";
import type { FamilyMetadata } from "./families.ts";

/** Prefix of every custom-metric family. */
export const CUSTOM_PREFIX = "driftline_custom_";

/** The quantiles of a custom gauge's or histogram's summary: min, median, p90, p99, max. */
export const CUSTOM_QUANTILES: readonly number[] = [0, 0.5, 0.9, 0.99, 1];

/**
 * Labels Driftline sets itself; an attribute of the same name is renamed `exported_<name>`, as
 * Prometheus renames a target label that collides with one of its own.
 */
const RESERVED_LABELS: ReadonlySet<string> = new Set(["model", "version", "window", "quantile", "segment", "segment_value", "le", "type", "feature", "method"]);

/** A stored custom series name, parsed: the OTel metric name and its attributes. */
export type CustomName = { metric: string; attributes: [string, string][] };

/** Splits `queue.depth{region="eu"}` into the metric name and its attribute pairs. */
export function parseCustomName(stored: string): CustomName {
  const brace = stored.indexOf("{");
  if (brace < 0 || !stored.endsWith("}")) return { metric: stored, attributes: [] };
  const attributes: [string, string][] = [];
  // Values were written with JSON.stringify, so a JSON string literal follows each `key=`.
  for (const match of stored.slice(brace + 1, -1).matchAll(/(?:^|,)([^=]+)=("(?:[^"\\]|\\.)*")/g)) {
    attributes.push([match[1] as string, JSON.parse(match[2] as string) as string]);
  }
  return { metric: stored.slice(0, brace), attributes };
}

/** A metric or label name with every character Prometheus does not allow replaced by `_`. */
export function sanitizeName(name: string, allowColon: boolean): string {
  const cleaned = name.replace(allowColon ? /[^a-zA-Z0-9_:]/g : /[^a-zA-Z0-9_]/g, "_");
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

/**
 * The Prometheus name and labels of a stored custom series: `counter` true for the running total
 * of a sum (`…_total`), false for the summary of a gauge's or histogram's values.
 */
export function customSeriesLabels(stored: string, counter: boolean): Labels {
  const { metric, attributes } = parseCustomName(stored);
  const base = CUSTOM_PREFIX + sanitizeName(metric, true);
  const labels: Labels = { __name__: counter && !base.endsWith("_total") ? `${base}_total` : base };
  for (const [key, value] of attributes) {
    let name = sanitizeName(key, false);
    if (name.startsWith("__")) name = `key${name}`;
    if (RESERVED_LABELS.has(name)) name = `exported_${name}`;
    labels[name] = value;
  }
  return labels;
}

/** True for a custom-metric family name. */
export function isCustomFamily(name: string): boolean {
  return name.startsWith(CUSTOM_PREFIX);
}

/** Type and HELP of a custom family: a `_total` is a counter, anything else a windowed summary. */
export function customMetadata(name: string): FamilyMetadata {
  return name.endsWith("_total")
    ? { type: "counter", help: "Custom metric (an OpenTelemetry sum) sent with ml.model.id: its running total.", unit: "" }
    : { type: "summary", help: "Custom metric (an OpenTelemetry gauge or histogram) sent with ml.model.id: quantiles of its values over (t - window, t].", unit: "" };
}

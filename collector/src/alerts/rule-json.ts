/**
 * A stored rule as reads show it: the fields a PUT takes, durations written back as strings,
 * receivers without their secrets. PUTting this back (with the secrets) gives the same rule.
 */
import { formatDurationMs } from "./duration.ts";
import { publicReceiver } from "./receivers.ts";
import type { PublicReceiver } from "./receivers.ts";
import type { AlertRule } from "./rule.ts";

/** What GET shows of a rule's definition. */
export type PublicRule = {
  kind: AlertRule["kind"];
  version?: string;
  segment?: string;
  segment_value?: string;
  feature?: string;
  method?: string;
  quality?: string;
  quantile?: number;
  metric?: string;
  class?: string;
  window?: string;
  threshold?: number;
  resolveThreshold?: number;
  duration?: string;
  expr?: string;
  keep_firing_for?: string;
  for: string;
  interval: string;
  repeatInterval: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  receivers: PublicReceiver[];
};

/** The public form of a rule (never a secret). */
export function publicRule(rule: AlertRule): PublicRule {
  const out: PublicRule = {
    kind: rule.kind,
    for: formatDurationMs(rule.forMs),
    interval: formatDurationMs(rule.intervalMs),
    repeatInterval: formatDurationMs(rule.repeatIntervalMs),
    labels: rule.labels,
    annotations: rule.annotations,
    receivers: rule.receivers.map(publicReceiver),
  };
  if (rule.version !== undefined) out.version = rule.version;
  if (rule.segment !== undefined) {
    out.segment = rule.segment.name;
    out.segment_value = rule.segment.value;
  }
  if (rule.feature !== undefined) out.feature = rule.feature;
  if (rule.method !== undefined) out.method = rule.method;
  if (rule.quantile !== undefined) out.quantile = rule.quantile;
  if (rule.metric !== undefined) out.metric = rule.metric;
  if (rule.className !== undefined) out.class = rule.className;
  if (rule.quality !== undefined) out.quality = rule.quality;
  if (rule.kind === "promql") {
    out.expr = rule.expr!;
    out.keep_firing_for = formatDurationMs(rule.keepFiringForMs ?? 0);
  } else if (rule.kind === "no_data") out.duration = formatDurationMs(rule.threshold * 1000);
  else {
    out.window = formatDurationMs(rule.windowMs);
    // A drift rule graded by the settings has no threshold of its own (rule.ts, fromSettings).
    if (rule.fromSettings !== true) {
      out.threshold = rule.threshold;
      out.resolveThreshold = rule.resolveThreshold;
    }
  }
  return out;
}

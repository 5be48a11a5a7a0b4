/**
 * GET /metrics: every series' current value in the Prometheus text exposition format 0.0.4,
 * families in a fixed order with HELP and TYPE lines, for scrapers that do not speak PromQL.
 * Fans out to the tenant's models in parallel (each store's `queryCurrent`).
 */
import { Hono } from "hono";
import { formatValue } from "@driftline/collector/promql";
import type { Labels } from "@driftline/collector/promql";
import type { AppEnv } from "../http/app-env.ts";
import { modelStore, tenantDirectory } from "../http/stores.ts";
import { FAMILY_METADATA } from "@driftline/collector/series";
import type { FamilyMetadata } from "@driftline/collector/series";
import { customMetadata, isCustomFamily } from "@driftline/collector/series";

/** The exposition's media type. */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** The /metrics route; mount at "/metrics" behind the read token. */
export const metricsApi = new Hono<AppEnv>();

metricsApi.get("/", async (c) => {
  const tenant = c.get("tenant");
  const models = await tenantDirectory(c.env, tenant).list();
  const answers = await Promise.all(models.map((m) => modelStore(c.env, tenant, m.modelId).queryCurrent(m.modelId)));
  return c.body(exposition(answers.flat()), 200, { "Content-Type": EXPOSITION_CONTENT_TYPE });
});

/** The family a series belongs to: its name without a histogram suffix. */
function familyOf(name: string): string {
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    const base = name.slice(0, -suffix.length);
    if (name.endsWith(suffix) && FAMILY_METADATA[base as keyof typeof FAMILY_METADATA]?.type === "histogram") return base;
  }
  return name;
}

/**
 * The text format: one HELP and TYPE per family, then its samples; a histogram's `_bucket`
 * series in ascending `le` per label set, then `_sum` and `_count`, as parsers expect.
 */
export function exposition(samples: { labels: Labels; value: number }[]): string {
  const byFamily = new Map<string, { labels: Labels; value: number }[]>();
  for (const s of samples) {
    const family = familyOf(s.labels.__name__ ?? "");
    const list = byFamily.get(family);
    if (list === undefined) byFamily.set(family, [s]);
    else list.push(s);
  }
  const lines: string[] = [];
  // Driftline's families in a fixed order, then the custom metrics by name.
  const families: [string, FamilyMetadata][] = Object.entries(FAMILY_METADATA);
  for (const family of [...byFamily.keys()].filter(isCustomFamily).sort()) families.push([family, customMetadata(family)]);
  for (const [family, meta] of families) {
    const list = byFamily.get(family);
    if (list === undefined) continue;
    lines.push(`# HELP ${family} ${escapeHelp(meta.help)}`, `# TYPE ${family} ${meta.type}`);
    list.sort((a, b) => compareForExposition(a.labels, b.labels));
    for (const s of list) lines.push(`${s.labels.__name__}${formatLabels(s.labels)} ${formatValue(s.value)}`);
  }
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}

/** Groups a histogram's or summary's series by label set (le, quantile aside), buckets by bound, quantiles ascending, then _sum, _count. */
function compareForExposition(a: Labels, b: Labels): number {
  const key = (l: Labels): string => JSON.stringify(Object.entries(l).filter(([k]) => k !== "__name__" && k !== "le" && k !== "quantile").sort());
  const ka = key(a);
  const kb = key(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  const rank = (l: Labels): number => (l.__name__.endsWith("_sum") ? 1 : l.__name__.endsWith("_count") ? 2 : 0);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const le = (l: Labels): number => (l.le === undefined ? 0 : l.le === "+Inf" ? Infinity : Number(l.le));
  if (le(a) !== le(b)) return le(a) - le(b);
  return Number(a.quantile ?? 0) - Number(b.quantile ?? 0);
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels)
    .filter(([name]) => name !== "__name__")
    .map(([name, value]) => `${name}="${value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/**
 * GET /api/models/:model/compare?window=<5m|1h|1d|7d> (read token): champion and challengers side
 * by side over the same window (issue 6, docs/query-api.md "Comparing versions"). Each figure is
 * an instant PromQL query over the whole-model series (`segment=""`), evaluated by the same engine
 * and StoreSource as /api/v1/query, so the JSON says exactly what the dashboards draw.
 */
import { Hono } from "hono";
import { instantQuery } from "@driftline/collector/promql";
import type { AppEnv } from "../http/app-env.ts";
import { requireKnownModel } from "./known-model.ts";
import { HttpError } from "../http/http-error.ts";
import { DRIFT_WINDOWS } from "@driftline/collector/series";
import { Family, PREDICTION_FEATURE } from "@driftline/collector/series";
import { StoreSource } from "../query/source.ts";

/** Drift status names by `driftline_drift_status` value. */
const STATUS_NAMES = ["ok", "warn", "alert"] as const;

/** One version's figures over the window. */
export type VersionComparison = {
  version: string;
  /** Predictions received in the window, and per second over it. */
  predictions: number;
  predictionsPerSecond: number;
  errors: number;
  /** errors / predictions; null without predictions. */
  errorRatio: number | null;
  /** Quantiles of the merged latency digest of the window; null without latencies. */
  latencySeconds: { p50: number; p90: number; p99: number } | null;
  /** Worst status over features and prediction, and each one's status; null without a baseline or data. */
  drift: { status: (typeof STATUS_NAMES)[number]; features: Record<string, (typeof STATUS_NAMES)[number]>; prediction: (typeof STATUS_NAMES)[number] | null } | null;
  /**
   * `driftline_accuracy` per metric over the window (whole-model series with only a `metric`
   * label), once the Worker serves that family; {} before.
   */
  accuracy: Record<string, number>;
};

/** What GET /api/models/:model/compare answers. */
export type Comparison = { model: string; window: string; from: string; to: string; versions: VersionComparison[] };

/** The compare route; mount at "/api/models" behind the read token. */
export const compareApi = new Hono<AppEnv>();

compareApi.get("/:model/compare", async (c) => {
  const model = c.req.param("model");
  const window = c.req.query("window") ?? "1h";
  if (!Object.hasOwn(DRIFT_WINDOWS, window)) throw new HttpError(400, `window must be one of ${Object.keys(DRIFT_WINDOWS).join(", ")}, got ${JSON.stringify(window)}`);
  const tenant = c.get("tenant");
  await requireKnownModel(c.env, tenant, model);
  const nowMs = Date.now();
  const source = new StoreSource(c.env, tenant);
  return c.json(await compareVersions(source, model, window, nowMs));
});

/** The comparison at `nowMs`: one instant query per figure, all in parallel. */
export async function compareVersions(source: StoreSource, model: string, window: string, nowMs: number): Promise<Comparison> {
  const sel = `model=${JSON.stringify(model)}, segment=""`;
  const range = `[${window}]`;
  const byVersion = async (expr: string): Promise<Map<string, number>> => {
    const data = await instantQuery(source, expr, nowMs);
    const out = new Map<string, number>();
    if (data.resultType !== "vector") return out;
    for (const r of data.result as { metric: Record<string, string>; value: [number, string] }[]) out.set(r.metric.version ?? "", Number(r.value[1]));
    return out;
  };
  const quantile = (q: number) => byVersion(`histogram_quantile(${q}, sum by (le, version) (rate(${Family.duration}_bucket{${sel}}${range})))`);
  const labelled = async (expr: string): Promise<Record<string, string>[]> => {
    const data = await instantQuery(source, expr, nowMs);
    if (data.resultType !== "vector") return [];
    return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({ ...r.metric, __value__: r.value[1] }));
  };
  const [predictions, errors, p50, p90, p99, status, accuracy] = await Promise.all([
    byVersion(`sum by (version) (increase(${Family.predictions}{${sel}}${range}))`),
    byVersion(`sum by (version) (increase(${Family.errors}{${sel}}${range}))`),
    quantile(0.5),
    quantile(0.9),
    quantile(0.99),
    labelled(`${Family.driftStatus}{${sel}, window=${JSON.stringify(window)}}`),
    labelled(`driftline_accuracy{${sel}, window=${JSON.stringify(window)}}`),
  ]);
  const versions = new Set([...predictions.keys(), ...status.map((s) => s.version ?? "")]);
  const windowSeconds = DRIFT_WINDOWS[window as keyof typeof DRIFT_WINDOWS] * 60;
  const compared = [...versions].sort().map((version): VersionComparison => {
    const n = predictions.get(version) ?? 0;
    const e = errors.get(version) ?? 0;
    const p = [p50.get(version), p90.get(version), p99.get(version)];
    return {
      version,
      predictions: n,
      predictionsPerSecond: n / windowSeconds,
      errors: e,
      errorRatio: n > 0 ? e / n : null,
      latencySeconds: p.every((x) => x !== undefined && Number.isFinite(x)) ? { p50: p[0]!, p90: p[1]!, p99: p[2]! } : null,
      drift: driftOf(status.filter((s) => s.version === version)),
      accuracy: Object.fromEntries(
        accuracy
          .filter((s) => s.version === version && s.metric !== undefined && Object.keys(s).every((k) => ["__name__", "model", "version", "window", "metric", "__value__"].includes(k)))
          .map((s) => [s.metric as string, Number(s.__value__)]),
      ),
    };
  });
  return { model, window, from: new Date(nowMs - windowSeconds * 1000).toISOString(), to: new Date(nowMs).toISOString(), versions: compared };
}

function driftOf(series: Record<string, string>[]): VersionComparison["drift"] {
  if (series.length === 0) return null;
  const features: Record<string, (typeof STATUS_NAMES)[number]> = {};
  let prediction: (typeof STATUS_NAMES)[number] | null = null;
  let worst = 0;
  for (const s of series) {
    const value = Number(s.__value__);
    const name = STATUS_NAMES[value] ?? "alert";
    worst = Math.max(worst, value);
    if (s.feature === PREDICTION_FEATURE) prediction = name;
    else features[s.feature ?? ""] = name;
  }
  return { status: STATUS_NAMES[worst] ?? "alert", features, prediction };
}

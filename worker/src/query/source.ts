/**
 * The PromQL engine's {@link SeriesSource} over a tenant's ModelStores: every read fans out, in
 * parallel, to the stores of the models the selector's `model` matchers allow, and each store
 * reads only the series its matchers select (store/read/select.ts, docs/query-api.md).
 */
import { ErrorType, PromQLError, matchesAll } from "@driftline/collector/promql";
import type { HistogramQuantileRequest, HistogramQuantileSeries, Labels, Matcher, MetadataQuery, SelectHints, SeriesData, SeriesSource } from "@driftline/collector/promql";
import type { Env } from "../env.ts";
import { modelStore, tenantDirectory } from "../http/stores.ts";
import { Family } from "@driftline/collector/series";
import type { ReadRefusal } from "../store/read/read-limit.ts";

/** Most evaluation times the histogram_quantile pushdown answers; past it the engine evaluates the buckets. */
export const MAX_PUSHDOWN_TIMES = 11_000;
/** The latency histogram's labels besides `model` and `le`, which a pushdown grouping may keep. */
const LATENCY_LABELS: readonly string[] = ["version", "segment", "segment_value"];
/** Most series a metadata route returns when the request sets no limit. */
export const DEFAULT_METADATA_LIMIT = 10_000;

/** A SeriesSource for one tenant, for one request. */
export class StoreSource implements SeriesSource {
  private readonly env: Env;
  private readonly tenant: string;
  private modelIds: Promise<string[]> | undefined;

  constructor(env: Env, tenant: string) {
    this.env = env;
    this.tenant = tenant;
  }

  /** The tenant's models that the `model` matchers allow (the directory is asked once per request). */
  async models(matchers: readonly Matcher[]): Promise<string[]> {
    this.modelIds ??= tenantDirectory(this.env, this.tenant)
      .list()
      .then((entries) => entries.map((e) => e.modelId));
    const onModel = matchers.filter((m) => m.name === "model");
    return (await this.modelIds).filter((model) => matchesAll({ model }, onModel));
  }

  async select(matchers: Matcher[], startMs: number, endMs: number, hints: SelectHints): Promise<SeriesData[]> {
    const models = await this.models(matchers);
    const request = { matchers, startMs, endMs, stepMs: hints.stepMs, rangeMs: hints.rangeMs, lookbackMs: hints.lookbackMs };
    const answers = await Promise.all(models.map((model) => modelStore(this.env, this.tenant, model).querySelect({ ...request, model })));
    return answers.flatMap(orRefused);
  }

  /**
   * The latency histogram's quantiles from the merged digest of each window (exact digest
   * quantiles, not interpolated buckets). A store merges per model (and per version and segment when
   * the grouping keeps them); a grouping that merges models is left to the engine when there are several.
   */
  async histogramQuantile(request: HistogramQuantileRequest): Promise<HistogramQuantileSeries[] | undefined> {
    if (request.metric !== Family.duration || request.timesMs.length > MAX_PUSHDOWN_TIMES) return undefined;
    const keeps = (label: string): boolean => ("by" in request.grouping ? request.grouping.by.includes(label) : !request.grouping.without.includes(label));
    const models = await this.models(request.matchers);
    if (!keeps("model") && models.length > 1) return undefined;
    const answers = await Promise.all(
      models.map((model) =>
        modelStore(this.env, this.tenant, model).queryLatencyQuantiles({
          model: model, q: request.q, matchers: request.matchers, groupBy: LATENCY_LABELS.filter(keeps), rangeMs: request.rangeMs, timesMs: request.timesMs,
        }),
      ),
    );
    return answers.flatMap(orRefused).map((s) => ({ labels: kept(s.labels, keeps), values: s.values, present: s.present }));
  }

  async series(query: MetadataQuery): Promise<Labels[]> {
    // A model matcher narrows the fan-out only when every selector has it.
    const models = await this.models(query.selectors.length === 1 ? query.selectors[0] : []);
    const lists = await Promise.all(models.map((model) => modelStore(this.env, this.tenant, model).querySeries(model, query.selectors, query.startMs, query.endMs)));
    const limit = query.limit > 0 ? query.limit : DEFAULT_METADATA_LIMIT;
    return lists.flat().slice(0, limit);
  }

  async labelNames(query: MetadataQuery): Promise<string[]> {
    const names = new Set<string>();
    for (const labels of await this.series({ ...query, limit: 0 })) for (const name of Object.keys(labels)) names.add(name);
    return capped([...names].sort(), query.limit);
  }

  async labelValues(name: string, query: MetadataQuery): Promise<string[]> {
    const values = new Set<string>();
    for (const labels of await this.series({ ...query, limit: 0 })) if (labels[name] !== undefined) values.add(labels[name]);
    return capped([...values].sort(), query.limit);
  }
}

/** A store's answer, or Prometheus' 422 with the store's message when a read limit refused it. */
function orRefused<T>(answer: T[] | ReadRefusal): T[] {
  if (isReadRefusal(answer)) throw new PromQLError(ErrorType.execution, answer.refused);
  return answer;
}

function kept(labels: Labels, keeps: (label: string) => boolean): Labels {
  const out: Labels = {};
  for (const [name, value] of Object.entries(labels)) if (keeps(name)) out[name] = value;
  return out;
}

function capped<T>(values: T[], limit: number): T[] {
  return limit > 0 ? values.slice(0, limit) : values;
}

/** True when a query RPC's answer is a refusal. */
function isReadRefusal(answer: unknown): answer is ReadRefusal {
  return typeof answer === "object" && answer !== null && !Array.isArray(answer) && typeof (answer as ReadRefusal).refused === "string";
}

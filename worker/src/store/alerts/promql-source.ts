/**
 * The PromQL engine's {@link SeriesSource} inside one ModelStore, for PromQL alert rules: the
 * same reads the query API asks of this store over RPC (store/read/select.ts), called directly.
 * A rule therefore sees only its own model's series (docs/alerts.md, "PromQL rules"): a
 * selector for another model's series selects nothing.
 *
 * The reads are synchronous SQLite; the engine's interface is async, so each answer is an
 * already-resolved promise and an evaluation never yields to other events of the object.
 */
import type { HistogramQuantileRequest, HistogramQuantileSeries, Labels, Matcher, SelectHints, SeriesData, SeriesSource } from "@driftline/collector/promql";
import { Family } from "@driftline/collector/series";
import { latencyQuantiles, selectSeries } from "../read/select.ts";
import type { CatalogRows, ReadContext } from "../read/select.ts";

/** The latency histogram's labels besides `model` and `le` (as query/source.ts offers them). */
const LATENCY_LABELS: readonly string[] = ["version", "segment", "segment_value"];

/** A SeriesSource over this store's SQLite, for one evaluation. */
export class StoreRuleSource implements SeriesSource {
  private readonly sql: SqlStorage;
  private readonly model: string;
  private readonly context: ReadContext;
  /** The series catalog's rows, read once for all the rules of one alarm (nothing writes meanwhile). */
  private readonly rows: CatalogRows;

  constructor(sql: SqlStorage, model: string, context: ReadContext, rows: CatalogRows) {
    this.sql = sql;
    this.model = model;
    this.context = context;
    this.rows = rows;
  }

  async select(matchers: Matcher[], startMs: number, endMs: number, hints: SelectHints): Promise<SeriesData[]> {
    return selectSeries(this.sql, { model: this.model, matchers, startMs, endMs, stepMs: hints.stepMs, rangeMs: hints.rangeMs, lookbackMs: hints.lookbackMs }, this.context, this.rows);
  }

  /** The latency quantile from merged digests, as the query API answers it (one model: always possible). */
  async histogramQuantile(request: HistogramQuantileRequest): Promise<HistogramQuantileSeries[] | undefined> {
    if (request.metric !== Family.duration) return undefined;
    const keeps = (label: string): boolean => ("by" in request.grouping ? request.grouping.by.includes(label) : !request.grouping.without.includes(label));
    const answer = latencyQuantiles(this.sql, { model: this.model, q: request.q, matchers: request.matchers, groupBy: LATENCY_LABELS.filter(keeps), rangeMs: request.rangeMs, timesMs: request.timesMs }, this.context);
    return answer.map((s) => ({ labels: kept(s.labels, keeps), values: s.values, present: s.present }));
  }
}

function kept(labels: Labels, keeps: (label: string) => boolean): Labels {
  const out: Labels = {};
  for (const [name, value] of Object.entries(labels)) if (keeps(name)) out[name] = value;
  return out;
}

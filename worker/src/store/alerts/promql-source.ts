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

/**
 * Answers already read in this alarm, by request: rules often share a selector (a warning and a
 * critical threshold over one series), and the second read costs nothing. Lives for one alarm.
 */
export type ReadMemo = Map<string, Promise<unknown>>;

/** A SeriesSource over this store's SQLite, for one evaluation. */
export class StoreRuleSource implements SeriesSource {
  private readonly sql: SqlStorage;
  private readonly model: string;
  private readonly context: ReadContext;
  /** The series catalog's rows, read once for all the rules of one alarm (nothing writes meanwhile). */
  private readonly rows: CatalogRows;
  private readonly memo: ReadMemo;

  constructor(sql: SqlStorage, model: string, context: ReadContext, rows: CatalogRows, memo: ReadMemo = new Map()) {
    this.sql = sql;
    this.model = model;
    this.context = context;
    this.rows = rows;
    this.memo = memo;
  }

  private remember<T>(key: string, read: () => T): Promise<T> {
    let answer = this.memo.get(key) as Promise<T> | undefined;
    if (answer === undefined) {
      answer = Promise.resolve(read());
      this.memo.set(key, answer);
    }
    return answer;
  }

  async select(matchers: Matcher[], startMs: number, endMs: number, hints: SelectHints): Promise<SeriesData[]> {
    const request = { model: this.model, matchers, startMs, endMs, stepMs: hints.stepMs, rangeMs: hints.rangeMs, lookbackMs: hints.lookbackMs };
    return this.remember(`select ${JSON.stringify(request)}`, () => selectSeries(this.sql, request, this.context, this.rows));
  }

  /** The latency quantile from merged digests, as the query API answers it (one model: always possible). */
  async histogramQuantile(request: HistogramQuantileRequest): Promise<HistogramQuantileSeries[] | undefined> {
    if (request.metric !== Family.duration) return undefined;
    const keeps = (label: string): boolean => ("by" in request.grouping ? request.grouping.by.includes(label) : !request.grouping.without.includes(label));
    const store = { model: this.model, q: request.q, matchers: request.matchers, groupBy: LATENCY_LABELS.filter(keeps), rangeMs: request.rangeMs, timesMs: request.timesMs };
    const answer = await this.remember(`quantile ${JSON.stringify({ ...store, timesMs: [...store.timesMs] })}`, () => latencyQuantiles(this.sql, store, this.context));
    return answer.map((s) => ({ labels: kept(s.labels, keeps), values: s.values, present: s.present }));
  }
}

function kept(labels: Labels, keeps: (label: string) => boolean): Labels {
  const out: Labels = {};
  for (const [name, value] of Object.entries(labels)) if (keeps(name)) out[name] = value;
  return out;
}

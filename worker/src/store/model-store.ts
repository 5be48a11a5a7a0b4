import { DurableObject } from "cloudflare:workers";
import { Rejections } from "@driftline/collector";
import type { Limits, ModelBatch, SeriesKind } from "@driftline/collector";
import type { Env } from "../env.ts";
import { OpenBuckets } from "./write/open-buckets.ts";
import { hasData, markDirty, nextAlarmMs, rollUpAndExpire } from "./write/rollup.ts";
import { migrate } from "./schema.ts";
import { SeriesIndex } from "./write/series-index.ts";
import { summarize } from "./read/summary.ts";
import { entriesFromWindow, readBaseline, replaceBaseline } from "./baselines.ts";
import { addBaselinePart, discardBaselineParts, pendingEntries } from "./baseline-parts.ts";
import type { PendingBaseline } from "./baseline-parts.ts";
import type { BaselineEntry, BaselineInfo, BaselineRefusal } from "./baselines.ts";
import { computeDrift } from "./read/drift.ts";
import type { DriftReport } from "./read/drift.ts";
import { readDriftSettings, withVersionSettings, writeDriftSettings } from "./drift-settings.ts";
import type { DriftSettings, VersionDriftSettings } from "@driftline/collector";
import type { WindowName } from "@driftline/collector/series";
import type { ModelSummary } from "./read/summary.ts";
import { currentSeries, latencyQuantiles, listSeries, selectSeries } from "./read/select.ts";
import type { ReadContext, StoreQuantile, StoreQuantileSeries, StoreSelect, StoreSeries } from "./read/select.ts";
import type { Labels, Matcher } from "@driftline/collector/promql";
import { refusingLimits } from "./read/read-limit.ts";
import { GaugeCache } from "./read/gauge-cache.ts";
import { SqlChunkBacking } from "./read/gauge-chunks.ts";
import { JoinTable } from "./write/joins.ts";
import type { JoinSettings, JoinSettingsRefusal } from "./write/joins.ts";
import { eventDeltas } from "./write/join-deltas.ts";
import { accuracyReport } from "./read/accuracy.ts";
import { batchReport, listBatches, versionsOfBatch } from "./read/batches.ts";
import type { BatchReport, BatchSummary } from "./read/batches.ts";
import type { AccuracyReport } from "./read/accuracy.ts";
import { earliest, runAlertStep } from "./alerts/evaluate.ts";
import { READERS } from "./alerts/readings.ts";
import { fetchSender, listDeliveries } from "./alerts/outbox.ts";
import type { DeliveryView } from "./alerts/outbox.ts";
import { applyRules, deleteRule, getStoredRule, listStoredRules, putRule, viewOf } from "./alerts/rules-table.ts";
import type { AppliedRule, RuleRefusal, RuleView } from "./alerts/rules-table.ts";
import type { AlertRule } from "@driftline/collector/alerts";
import { admissionLimits, limitsFromEnv, minuteRetentionOf } from "../config.ts";
import type { ReadRefusal } from "./read/read-limit.ts";
import { overloadedAfterMs } from "./write/admission.ts";
import { countRejections, seriesIdFor, writeBatch } from "./write/ingest-batch.ts";
import type { WriteState } from "./write/ingest-batch.ts";

/** A rule-file apply that the store refused, thrown to roll the transaction back. */
class RefusedApply extends Error {}


/** What an ingest RPC reports back: records that lost values to a cap, and why. */
/**
 * What an ingest RPC reports: records rejected and why; or, with `overloadedAfterMs`, that it was
 * refused unprocessed after waiting that long in the object's queue (write/admission.ts).
 */
export type IngestReceipt = { rejected: number; message: string; overloadedAfterMs?: number };

/**
 * One Durable Object per tenant and model (and, when a model is split, per shard): it owns that
 * model's series and their minute, hour and day buckets in SQLite.
 *
 * Cost model: an ingest RPC carries one compact sketch per (series, minute) of the request; the
 * object merges each into its decoded open bucket and writes one row per series, all in one
 * synchronous transaction that commits before the RPC returns (so the Worker acknowledges only
 * what is durable). Memory holds the series index (bounded by the caps) and the open buckets
 * (bounded by OpenBuckets' limits).
 */
export class ModelStore extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** Every stored series by its labels; reloaded from storage when a transaction fails. */
  private index = new SeriesIndex();
  private readonly buckets: OpenBuckets;
  /** Predictions and actuals waiting for their other side (docs/accuracy.md). */
  private readonly joins: JoinTable;
  /** When the alarm is due (null: none set; undefined: unknown, read again); mirrors storage so ingest needs no read. */
  private alarmAtMs: number | null | undefined = undefined;
  /** When rollups are next due (null: unknown, or nothing to roll up); see alarm(). */
  private rollupDueMs: number | null = null;
  /**
   * Windowed gauge values of closed minutes (read/gauge-cache.ts): told of every write, cleared by
   * a new baseline, kept in the object's SQLite across evictions (read/gauge-chunks.ts). Made once
   * the schema is migrated.
   */
  private gaugeCache!: GaugeCache;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.buckets = new OpenBuckets(this.sql);
    this.joins = new JoinTable(this.sql);
    ctx.blockConcurrencyWhile(async () => {
      migrate(this.sql);
      this.gaugeCache = new GaugeCache(undefined, new SqlChunkBacking(this.sql));
      this.alarmAtMs = await ctx.storage.getAlarm();
      this.loadIndex();
    });
  }

  /**
   * The caps in force, from the object's own configuration (config.ts), the same whether the
   * object has just started or has run for days. RPCs accept a `limits` override for tests only.
   */
  private get limits(): Limits {
    return limitsFromEnv(this.env);
  }

  /** Minute buckets kept, in minutes: covers how far back data lands in minutes (config.ts, series/retention.ts). */
  private get minuteRetention(): number {
    return minuteRetentionOf(this.limits);
  }

  /**
   * Merges one request's batch for this model and commits it. Series past a cap are refused
   * (never written) and reported; everything else is durable when this returns. Cumulative points
   * and join records are folded here, under the same caps and the same `rejections`: a value they
   * lose to a cap is counted and reported like any other (issue 10). With `sentAtMs` (when the
   * Worker sent it), a call that waited too long in the queue is refused unprocessed.
   */
  async ingest(batch: ModelBatch, limits: Limits = this.limits, sentAtMs?: number): Promise<IngestReceipt> {
    const { maxStoreQueueMs } = admissionLimits(this.env);
    const overloaded = overloadedAfterMs(sentAtMs, Date.now(), maxStoreQueueMs);
    if (overloaded !== undefined) {
      return { rejected: 0, message: `the model's store had this request waiting ${overloaded} ms, over MAX_STORE_QUEUE_MS (${maxStoreQueueMs} ms)`, overloadedAfterMs: overloaded };
    }
    const written = this.transaction(() => writeBatch(this.writeState(), batch, limits, this.minuteRetention, Date.now()));
    const { rejections, minutes, wroteLate } = written;
    let lostRecords = written.lostRecords;
    // Points and join records that lost a value to a cap were counted one each as they were folded.
    lostRecords += rejections.records;
    // Late data changes the windows that hold its minute; data for the open minute costs nothing here.
    for (const { seriesId, minute } of written.series) this.gaugeCache.invalidate(seriesId, minute);
    // Late data for an hour that has ended makes that hour's rollup due at the next alarm.
    const currentHour = Math.floor(Date.now() / 3_600_000);
    for (const minute of minutes) if (Math.floor(minute / 60) < currentHour) this.rollupDueMs = null;
    // So does a backfilled hour's day (late-buckets.ts).
    if (wroteLate) this.rollupDueMs = null;
    // Waiting join rows need the alarm too: it expires them (docs/accuracy.md).
    if ((minutes.size > 0 || wroteLate || (batch.joins?.length ?? 0) > 0) && (await this.alarmAt()) === null) {
      this.alarmAtMs = nextAlarmMs(this.sql, Date.now());
      await this.ctx.storage.setAlarm(this.alarmAtMs);
    }
    return { rejected: lostRecords, message: rejections.message() };
  }

  /**
   * Rolls minutes up into hours and hours into days, and enforces retention (store/rollup.ts).
   * Idempotent, and never lets an error escape: a failed run is logged and retried in 5 minutes.
   */
  override async alarm(): Promise<void> {
    let next: number | null;
    try {
      next = await this.alarmSteps();
    } catch (error) {
      // A malformed variable (ConfigError) or anything unforeseen: never escape, come back later.
      console.error("alarm failed; retrying in 5 minutes", error);
      this.resetMirrors();
      next = Date.now() + 5 * 60_000;
    }
    this.alarmAtMs = next;
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  /** The alarm's work: rollups when due, join expiry, alert rules; returns when to come back. */
  private async alarmSteps(): Promise<number | null> {
    // Alert rules wake the object every evaluation period; rollups (and their retention scans)
    // run only when due, as when they were the alarm's only job.
    if (this.rollupDueMs === null || Date.now() >= this.rollupDueMs) {
      try {
        const report = this.transaction(() => rollUpAndExpire(this.sql, Date.now(), this.minuteRetention));
        if (report.hours + report.days + report.deleted > 0) console.log(`rollup: ${report.hours} hours, ${report.days} days, ${report.deleted} rows expired, ${report.pending} pending`);
        this.rollupDueMs = hasData(this.sql) ? nextAlarmMs(this.sql, Date.now()) : null;
      } catch (error) {
        console.error("rollup alarm failed; retrying in 5 minutes", error);
        this.rollupDueMs = Date.now() + 5 * 60_000;
      }
    }
    let next = this.rollupDueMs;
    // Predictions and actuals waiting past their TTL (docs/accuracy.md); never throws.
    const joinsDue = this.expireJoins();
    if (joinsDue !== null && (next === null || joinsDue < next)) next = joinsDue;
    // Alert rules and queued notifications (worker/src/alerts/); never throws, never runs in ingest.
    return earliest(next, await this.keepingValuesAsync(() => runAlertStep(this.ctx.storage, Date.now(), this.readContext(this.limits), fetchSender)));
  }

  /** What arrived: versions, series, counts per kind, first and last seen (GET /api/models/:model). */
  async summary(): Promise<ModelSummary> {
    return summarize(this.sql);
  }

  /**
   * Replaces a version's baseline with uploaded sketches (validated by the route); docs/baselines.md.
   * With `settings` (the upload's own drift settings), they become the version's entry in the
   * model's drift settings, replacing the previous one, once the baseline is stored.
   */
  async putBaseline(version: string, entries: BaselineEntry[], rows: number, limits: Limits = this.limits, settings?: VersionDriftSettings): Promise<BaselineInfo | BaselineRefusal> {
    const refusal = replaceBaseline(this.ctx.storage, version, entries, { rows, source: "upload", uploadedMs: Date.now(), maxVersions: limits.maxVersionsPerModel });
    if (refusal === null && settings !== undefined) {
      this.ctx.storage.transactionSync(() => writeDriftSettings(this.sql, withVersionSettings(readDriftSettings(this.sql), version, settings), Date.now()));
    }
    this.gaugeCache.clear();
    return refusal ?? readBaseline(this.sql, version)!;
  }

  /**
   * Replaces a version's baseline with the merge of its own minute buckets in [fromMinute,
   * toMinute); refused when the window holds no feature or prediction values.
   */
  async putBaselineFromWindow(version: string, fromMinute: number, toMinute: number, limits: Limits = this.limits): Promise<BaselineInfo | BaselineRefusal> {
    const window = entriesFromWindow(this.sql, version, fromMinute, toMinute, limits.maxCategoriesPerSeries);
    if (window.entries.length === 0) {
      return { refused: `version ${JSON.stringify(version)} has no feature or prediction values in [${window.from}, ${window.to}) (minute buckets are kept ${limits.maxPastSeconds / 3600} h)` };
    }
    const refusal = replaceBaseline(this.ctx.storage, version, window.entries, { rows: window.rows, source: "window", uploadedMs: Date.now(), maxVersions: limits.maxVersionsPerModel });
    this.gaugeCache.clear();
    return refusal ?? readBaseline(this.sql, version)!;
  }

  /** Merges one part of a chunked CSV baseline into the version's pending baseline (store/baseline-parts.ts). */
  async putBaselinePart(version: string, part: number, entries: BaselineEntry[], rows: number, limits: Limits = this.limits): Promise<PendingBaseline | BaselineRefusal> {
    return addBaselinePart(this.ctx.storage, version, part, entries, rows, limits);
  }

  /** Makes the version's pending parts its baseline (replacing the old one), then discards the parts. */
  async commitBaselineParts(version: string, limits: Limits = this.limits): Promise<(BaselineInfo & { parts: number[] }) | BaselineRefusal> {
    const pending = await pendingEntries(this.ctx.storage, version);
    if ("refused" in pending) return pending;
    const refusal = replaceBaseline(this.ctx.storage, version, pending.entries, { rows: pending.rows, source: "upload", uploadedMs: Date.now(), maxVersions: limits.maxVersionsPerModel });
    if (refusal !== null) return refusal;
    this.gaugeCache.clear();
    await discardBaselineParts(this.ctx.storage, version);
    return { ...readBaseline(this.sql, version)!, parts: pending.parts };
  }

  /** Discards a version's pending baseline parts; returns how many there were. */
  async discardBaselineParts(version: string): Promise<number> {
    return discardBaselineParts(this.ctx.storage, version);
  }

  /** A version's baseline (names, types, counts), or null. */
  async getBaseline(version: string): Promise<BaselineInfo | null> {
    return readBaseline(this.sql, version);
  }

  /**
   * Drift of a version's baselined series (or of one feature, with its counts per category) over
   * the window ending now, or null without a baseline.
   */
  async drift(version: string, window: WindowName, limits: Limits = this.limits, feature?: string, segment = ""): Promise<DriftReport | null> {
    return computeDrift(this.sql, version, window, Date.now(), limits.maxCategoriesPerSeries, feature, segment);
  }

  /** The model's drift settings (validated by the route), or null when none were stored. */
  async driftSettings(): Promise<DriftSettings | null> {
    return readDriftSettings(this.sql);
  }

  /** Replaces the model's drift settings (validated by the route); returns what is stored. */
  async putDriftSettings(settings: DriftSettings): Promise<DriftSettings> {
    this.ctx.storage.transactionSync(() => writeDriftSettings(this.sql, settings, Date.now()));
    // Statuses, and the dataset figures built on them, depend on the settings: cached minutes are stale.
    this.gaugeCache.clear();
    return settings;
  }

  /**
   * Query API: samples of the series a selector selects (store/query.ts, docs/query-api.md), or
   * `{ refused }` when the read would pass a limit (the Worker answers 422 with the message).
   */
  async querySelect(request: StoreSelect, limits: Limits = this.limits): Promise<StoreSeries[] | ReadRefusal> {
    return this.keepingValues(() => refusingLimits(() => selectSeries(this.sql, request, this.readContext(limits))));
  }

  /** Query API: the histogram_quantile pushdown over this model's latency digests. */
  async queryLatencyQuantiles(request: StoreQuantile, limits: Limits = this.limits): Promise<StoreQuantileSeries[] | ReadRefusal> {
    return this.keepingValues(() => refusingLimits(() => latencyQuantiles(this.sql, request, this.readContext(limits))));
  }

  /** Query API: label sets of the series any of `selectors` selects with samples in [startMs, endMs], values not computed. */
  async querySeries(model: string, selectors: Matcher[][], startMs = -Infinity, endMs = Infinity): Promise<Labels[]> {
    return listSeries(this.sql, model, selectors, startMs, endMs);
  }

  /** /metrics: every series' current value. */
  async queryCurrent(model: string, limits: Limits = this.limits): Promise<{ labels: Labels; value: number }[]> {
    return this.keepingValues(() => currentSeries(this.sql, model, this.readContext(limits)));
  }

  /** Runs a read, then writes back the windowed values it computed (GaugeCache.persist, which never throws). */
  private keepingValues<T>(read: () => T): T {
    try {
      return read();
    } finally {
      this.gaugeCache.persist();
    }
  }

  /** {@link keepingValues} for a read that awaits (the alarm's alert step). */
  private async keepingValuesAsync<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } finally {
      this.gaugeCache.persist();
    }
  }

  /** Alerts: stores a rule (validated by the route) and arms the alarm for its first evaluation. */
  async putAlertRule(rule: AlertRule): Promise<RuleView | RuleRefusal> {
    if (rule.kind !== "promql" && READERS[rule.kind] === undefined) {
      return { refused: `kind ${rule.kind} is not evaluated by this version; kinds evaluated: ${[...Object.keys(READERS), "promql"].join(", ")}` };
    }
    const nowMs = Date.now();
    const view = this.transaction(() => putRule(this.sql, rule, nowMs));
    const alarmAtMs = await this.alarmAt();
    if (!("refused" in view) && (alarmAtMs === null || alarmAtMs > nowMs)) {
      this.alarmAtMs = nowMs;
      await this.ctx.storage.setAlarm(nowMs);
    }
    return view;
  }

  /**
   * Alerts: applies a model's rules from a rule file, all or none (store/alerts/rules-table.ts
   * applyRules), and arms the alarm for their first evaluation.
   */
  async applyAlertRules(rules: AlertRule[], receiversGiven: boolean): Promise<AppliedRule[] | RuleRefusal> {
    const nowMs = Date.now();
    let applied: AppliedRule[];
    try {
      applied = this.transaction(() => {
        const result = applyRules(this.sql, rules, receiversGiven, nowMs);
        if ("refused" in result) throw new RefusedApply(result.refused);
        return result;
      });
    } catch (error) {
      if (error instanceof RefusedApply) return { refused: error.message };
      throw error;
    }
    const alarmAtMs = await this.alarmAt();
    if (applied.some((a) => a.outcome !== "unchanged") && (alarmAtMs === null || alarmAtMs > nowMs)) {
      this.alarmAtMs = nowMs;
      await this.ctx.storage.setAlarm(nowMs);
    }
    return applied;
  }

  /** Alerts: the model's rules as stored, receivers left out (for rule-file export). */
  async alertRuleSpecs(): Promise<AlertRule[]> {
    return listStoredRules(this.sql).map(({ rule }) => ({ ...rule, receivers: [] }));
  }

  /** Alerts: one rule with its state, or null. */
  async getAlertRule(name: string): Promise<RuleView | null> {
    const stored = getStoredRule(this.sql, name);
    return stored === null ? null : viewOf(stored.rule, stored.state);
  }

  /** Alerts: every rule with its state. */
  async listAlertRules(): Promise<RuleView[]> {
    return listStoredRules(this.sql).map((s) => viewOf(s.rule, s.state));
  }

  /** Alerts: deletes a rule, its queued notifications and its log; false when there was none. */
  async deleteAlertRule(name: string): Promise<boolean> {
    return this.transaction(() => deleteRule(this.sql, name));
  }

  /** Alerts: a rule's delivery log, newest first, or null without the rule. */
  async alertDeliveries(name: string): Promise<DeliveryView[] | null> {
    return getStoredRule(this.sql, name) === null ? null : listDeliveries(this.sql, name);
  }

  /** Accuracy: the model's join settings (TTL, row bound), after storing `changes` when given. */
  async joinSettings(changes: Partial<JoinSettings> = {}): Promise<JoinSettings | JoinSettingsRefusal> {
    return this.transaction(() => this.joins.configure(changes));
  }

  /** Accuracy: how many predictions and actuals wait, and how many joined ids are kept for retries. */
  async joinCounts(): Promise<{ waitingPredictions: number; waitingActuals: number; joined: number }> {
    return this.joins.counts();
  }

  /**
   * Accuracy of `version` over the window ending at `atMs` (now when absent), every figure of
   * docs/accuracy.md; null figures where the window has no pairs. What alert rules read.
   */
  async accuracy(version: string, window: WindowName, limits: Limits = this.limits, atMs?: number): Promise<AccuracyReport | ReadRefusal> {
    return refusingLimits(() => accuracyReport(this.sql, { version, window, atMs: atMs ?? Date.now(), categoriesCap: limits.maxCategoriesPerSeries }));
  }

  /** Batches (`ml.batch.id`), newest last prediction first; of one version when given (read/batches.ts). */
  async batches(version: string | undefined, limit: number): Promise<BatchSummary[]> {
    return listBatches(this.sql, version, limit);
  }

  /**
   * One batch's report; without `version`, the one version holding the id. `{ versions }` when
   * there is none (empty) or several to choose from.
   */
  async batch(id: string, version: string | undefined, limits: Limits = this.limits): Promise<BatchReport | { versions: string[] }> {
    const versions = version === undefined ? versionsOfBatch(this.sql, id) : [version];
    if (versions.length !== 1) return { versions };
    return batchReport(this.sql, versions[0], id, limits.maxCategoriesPerSeries) ?? { versions: [] };
  }

  /**
   * Expires waiting predictions and actuals past their TTL and counts them; returns when the
   * alarm should come back for the rest (null: nothing waits). Never throws.
   */
  private expireJoins(): number | null {
    const nowMs = Date.now();
    try {
      const limits = this.limits;
      const more = this.transaction(() => {
        const { events, more } = this.joins.expire(nowMs);
        const minutes: number[] = [];
        const rejections = new Rejections();
        for (const delta of eventDeltas(events, limits, nowMs, rejections)) {
          const id = seriesIdFor(this.writeState(), delta, limits, rejections);
          if (id === undefined) continue;
          this.buckets.merge(id, delta, limits.maxCategoriesPerSeries);
          this.gaugeCache.invalidate(id, delta.minute);
          this.sql.exec("UPDATE series SET total = total + ?, last_minute = max(last_minute, ?) WHERE id = ?", delta.value, delta.minute, id);
          minutes.push(delta.minute);
        }
        markDirty(this.sql, minutes);
        countRejections(this.sql, rejections);
        return more;
      });
      if (more) return nowMs + 60_000;
      return this.joins.size > 0 ? nowMs + 3_600_000 : null;
    } catch (error) {
      console.error("join expiry failed; retrying in 5 minutes", error);
      return nowMs + 5 * 60_000;
    }
  }

  /** Runs `work` in one SQLite transaction; when it throws, storage rolls back and so do the mirrors. */
  private transaction<T>(work: () => T): T {
    try {
      return this.ctx.storage.transactionSync(work);
    } catch (error) {
      this.resetMirrors();
      throw error;
    }
  }

  /**
   * Brings every in-memory mirror of stored state back to what storage holds, after a failed
   * transaction rolled storage back (STYLE.md rule 12; issue 10): open buckets are dropped, the
   * series index and the join table's row count are read again, and the alarm time and the
   * rollup due time become unknown, to be read or recomputed.
   */
  private resetMirrors(): void {
    this.buckets.reset();
    this.joins.forgetSize();
    this.rollupDueMs = null;
    this.alarmAtMs = undefined;
    try {
      this.loadIndex();
    } catch (error) {
      // Storage itself failing: the next ingest fails too and the object is restarted by the runtime.
      console.error("series index reload failed", error);
    }
  }

  /** Reads the series index from storage (at start, and after a rolled-back transaction). */
  private loadIndex(): void {
    this.index = new SeriesIndex();
    for (const row of this.sql.exec<{ id: number; kind: string; version: string; name: string; segment: string }>("SELECT id, kind, version, name, segment FROM series")) {
      this.index.load({ kind: row.kind as SeriesKind, version: row.version, name: row.name, segment: row.segment }, row.id);
    }
  }

  /** When the alarm is due (null: none), read from storage when the mirror is unknown. */
  private async alarmAt(): Promise<number | null> {
    if (this.alarmAtMs === undefined) this.alarmAtMs = await this.ctx.storage.getAlarm();
    return this.alarmAtMs;
  }

  private readContext(limits: Limits): ReadContext {
    this.gaugeCache.useSettings(limits.maxCategoriesPerSeries);
    return { nowMs: Date.now(), minuteRetention: this.minuteRetention, categoriesCap: limits.maxCategoriesPerSeries, gaugeCache: this.gaugeCache };
  }

  /** Storage and the mirrors the write path updates (the index is replaced when reloaded). */
  private writeState(): WriteState {
    return { sql: this.sql, index: this.index, buckets: this.buckets, joins: this.joins };
  }
}

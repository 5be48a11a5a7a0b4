import { JoinEvent } from "@driftline/collector";
import type { JoinRecord, JoinedPair, PredictionJoinRecord, ActualJoinRecord } from "@driftline/collector";

/** A model's join settings (docs/accuracy.md). */
export type JoinSettings = {
  /** How long a prediction waits for its actual (and an actual for its prediction), from its timestamp. */
  ttlSeconds: number;
  /** Rows the join table may hold: waiting predictions, waiting actuals and recently joined ids. */
  maxRows: number;
};

/** The defaults: 30 days (DESIGN.md) and a million rows (a few hundred MB at most, well inside an object's 10 GB). */
export const DEFAULT_JOIN_SETTINGS: JoinSettings = { ttlSeconds: 30 * 86_400, maxRows: 1_000_000 };

/**
 * The longest TTL accepted: a pair is counted in its prediction's hour, and hour buckets are kept
 * 90 days (rollup.ts), so a prediction may not wait longer than its hour is kept.
 */
export const MAX_JOIN_TTL_SECONDS = 89 * 86_400;

/** How many rows one expiry pass deletes at most: bounds an alarm's work; the rest wait for the next. */
const MAX_EXPIRED_PER_RUN = 20_000;

/** A count of one join event for one version. */
export type JoinEventCount = { version: string; event: JoinEvent; count: number };

/** What accepting a batch's join records did. */
export type JoinOutcome = { pairs: JoinedPair[]; events: JoinEventCount[] };

/** Why settings were refused. */
export type JoinSettingsRefusal = { refused: string };

const STATE = { prediction: "p", actual: "a", joined: "j" } as const;

/**
 * Ids per SELECT and rows per INSERT: a Durable Object's SQLite takes at most 100 bound
 * parameters per statement (one for the version plus the ids; five per row).
 */
const SELECT_IDS = 99;
const INSERT_ROWS = 20;

/**
 * The ModelStore's join table (table `joins`, migration 4): each prediction that carries an id
 * waits under (version, id) for its actual, and an actual that comes first waits for its
 * prediction. When both are there the pair is returned once and the row becomes a small
 * "joined" marker, kept until a retry of either record can no longer arrive (its timestamp would
 * be refused as older than maxPastSeconds), so at-least-once delivery never joins twice.
 *
 * Rules (docs/accuracy.md): the first record of a side wins, later ones with the same (version,
 * id) are duplicates, counted and ignored; a record that finds the table at `maxRows` is refused
 * and counted; waiting rows expire `ttlSeconds` after their record's timestamp (or its arrival,
 * when later: a backfill), counted.
 * Must run inside the caller's transaction.
 */
export class JoinTable {
  private readonly sql: SqlStorage;
  /** Rows in the table; read once, then kept in step with every insert and delete. */
  private rows: number | undefined;

  constructor(sql: SqlStorage) {
    this.sql = sql;
  }

  /** The model's settings: the defaults, overridden by what `configure` stored. */
  settings(): JoinSettings {
    const out = { ...DEFAULT_JOIN_SETTINGS };
    for (const row of this.sql.exec<{ key: string; value: number }>("SELECT key, value FROM join_settings")) {
      if (row.key === "ttlSeconds" || row.key === "maxRows") out[row.key] = row.value;
    }
    return out;
  }

  /** Stores new settings (each field optional), or refuses values out of range, naming the limit. */
  configure(changes: Partial<JoinSettings>): JoinSettings | JoinSettingsRefusal {
    const { ttlSeconds, maxRows } = changes;
    if (ttlSeconds !== undefined && !(Number.isInteger(ttlSeconds) && ttlSeconds > 0 && ttlSeconds <= MAX_JOIN_TTL_SECONDS)) {
      return { refused: `ttlSeconds must be a whole number of seconds in [1, ${MAX_JOIN_TTL_SECONDS}] (89 days: hour buckets are kept 90), got ${ttlSeconds}` };
    }
    if (maxRows !== undefined && !(Number.isInteger(maxRows) && maxRows > 0 && maxRows <= 10 * DEFAULT_JOIN_SETTINGS.maxRows)) {
      return { refused: `maxRows must be a whole number in [1, ${10 * DEFAULT_JOIN_SETTINGS.maxRows}], got ${maxRows}` };
    }
    for (const [key, value] of Object.entries({ ttlSeconds, maxRows })) {
      if (value !== undefined) this.sql.exec("INSERT OR REPLACE INTO join_settings (key, value) VALUES (?, ?)", key, value);
    }
    return this.settings();
  }

  /** Forgets the cached row count, to be read again (after a rolled-back transaction). */
  forgetSize(): void {
    this.rows = undefined;
  }

  /** Rows held now. */
  get size(): number {
    return (this.rows ??= this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM joins").one().n);
  }

  /** Counts of waiting predictions, waiting actuals and joined markers. */
  counts(): { waitingPredictions: number; waitingActuals: number; joined: number } {
    const out = { waitingPredictions: 0, waitingActuals: 0, joined: 0 };
    for (const row of this.sql.exec<{ state: string; n: number }>("SELECT state, count(*) AS n FROM joins GROUP BY state")) {
      if (row.state === STATE.prediction) out.waitingPredictions = row.n;
      else if (row.state === STATE.actual) out.waitingActuals = row.n;
      else out.joined = row.n;
    }
    return out;
  }

  /**
   * Files each record: joins it with its waiting other side, or makes it wait, or counts it as a
   * duplicate or a refusal. `retryWindowMs` is how long after its timestamp a record can still be
   * accepted (maxPastSeconds plus the clock skew allowed): how long a joined marker is kept.
   * A record older than `retryWindowMs` at its arrival `nowMs` is a backfill (docs/backfill.md):
   * its clocks start at its arrival instead, so a backfilled prediction waits its full TTL for the
   * actual that the same backfill sends after it rather than expiring on arrival. Live records
   * keep the TTL from their timestamp.
   */
  accept(records: readonly JoinRecord[], retryWindowMs: number, nowMs: number): JoinOutcome {
    const settings = this.settings();
    const pairs: JoinedPair[] = [];
    const events = new Map<string, JoinEventCount>();
    const count = (version: string, event: JoinEvent): void => {
      const key = version + "\u0000" + event;
      const found = events.get(key);
      if (found === undefined) events.set(key, { version, event, count: 1 });
      else found.count += 1;
    };
    // The rows the records' ids already have, read a chunk of ids per statement; then each
    // record in order, new rows queued and written a chunk per statement (a request carries up
    // to thousands of ids: a statement per record would cost a SQLite call each).
    const known = this.readStates(records);
    const queued: unknown[][] = [];
    const flush = (): void => {
      for (let at = 0; at < queued.length; at += INSERT_ROWS) {
        const chunk = queued.slice(at, at + INSERT_ROWS);
        this.sql.exec(`INSERT INTO joins (version, id, state, record, expires_ms) VALUES ${chunk.map(() => "(?, ?, ?, ?, ?)").join(", ")}`, ...chunk.flat());
      }
      queued.length = 0;
    };
    for (const record of records) {
      const own = record.side === "prediction" ? STATE.prediction : STATE.actual;
      const key = record.version + "\u0000" + record.id;
      const row = known.get(key);
      if (row === undefined) {
        if (this.size >= settings.maxRows) {
          count(record.version, JoinEvent.refusedFull);
          continue;
        }
        queued.push([record.version, record.id, own, JSON.stringify(record), clockStart(record.timeMs, nowMs, retryWindowMs) + settings.ttlSeconds * 1000]);
        known.set(key, { state: own, record });
        this.rows = this.size + 1;
      } else if (row.state === own || row.state === STATE.joined) {
        count(record.version, JoinEvent.duplicate);
      } else {
        flush(); // the other side may be queued still
        const other = row.record ?? this.waitingRecord(record.version, record.id);
        const pair: JoinedPair =
          record.side === "prediction" ? { prediction: record, actual: other as ActualJoinRecord } : { prediction: other as PredictionJoinRecord, actual: record };
        pairs.push(pair);
        const keepUntilMs = clockStart(Math.max(pair.prediction.timeMs, pair.actual.timeMs), nowMs, retryWindowMs) + retryWindowMs;
        this.sql.exec("UPDATE joins SET state = ?, record = NULL, expires_ms = ? WHERE version = ? AND id = ?", STATE.joined, keepUntilMs, record.version, record.id);
        known.set(key, { state: STATE.joined, record: null });
      }
    }
    flush();
    return { pairs, events: [...events.values()] };
  }

  /**
   * The stored states of the records' (version, id) keys, by "version\0id"; a waiting row's
   * record is read later, only for the ids that join (most ids are new, or duplicates).
   */
  private readStates(records: readonly JoinRecord[]): Map<string, { state: string; record: JoinRecord | null }> {
    const out = new Map<string, { state: string; record: JoinRecord | null }>();
    const idsByVersion = new Map<string, string[]>();
    for (const record of records) {
      const ids = idsByVersion.get(record.version);
      if (ids === undefined) idsByVersion.set(record.version, [record.id]);
      else ids.push(record.id);
    }
    for (const [version, ids] of idsByVersion) {
      for (let at = 0; at < ids.length; at += SELECT_IDS) {
        const chunk = ids.slice(at, at + SELECT_IDS);
        const rows = this.sql.exec<{ id: string; state: string }>(`SELECT id, state FROM joins WHERE version = ? AND id IN (${chunk.map(() => "?").join(", ")})`, version, ...chunk);
        for (const row of rows) out.set(version + "\u0000" + row.id, { state: row.state, record: null });
      }
    }
    return out;
  }

  /** The record a waiting row holds. */
  private waitingRecord(version: string, id: string): JoinRecord {
    const row = this.sql.exec<{ record: string }>("SELECT record FROM joins WHERE version = ? AND id = ?", version, id).one();
    return JSON.parse(row.record) as JoinRecord;
  }

  /**
   * Deletes rows whose time has passed (at most MAX_EXPIRED_PER_RUN per call) and counts the
   * waiting ones per version and side. Idempotent: a row is deleted once, so counted once.
   */
  expire(nowMs: number): { events: JoinEventCount[]; more: boolean } {
    const rows = this.sql
      .exec<{ version: string; id: string; state: string }>("SELECT version, id, state FROM joins WHERE expires_ms <= ? ORDER BY expires_ms LIMIT ?", nowMs, MAX_EXPIRED_PER_RUN)
      .toArray();
    const events = new Map<string, JoinEventCount>();
    for (const row of rows) {
      this.sql.exec("DELETE FROM joins WHERE version = ? AND id = ?", row.version, row.id);
      if (row.state === STATE.joined) continue;
      const event = row.state === STATE.prediction ? JoinEvent.expiredPrediction : JoinEvent.expiredActual;
      const key = row.version + "\u0000" + event;
      const found = events.get(key);
      if (found === undefined) events.set(key, { version: row.version, event, count: 1 });
      else found.count += 1;
    }
    if (this.rows !== undefined) this.rows -= rows.length;
    return { events: [...events.values()], more: rows.length === MAX_EXPIRED_PER_RUN };
  }
}

/** When a record's TTL starts: its timestamp, or its arrival when it is older than the retry window (a backfill). */
function clockStart(timeMs: number, nowMs: number, retryWindowMs: number): number {
  return timeMs < nowMs - retryWindowMs ? nowMs : timeMs;
}

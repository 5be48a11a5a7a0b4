import { runMigrations } from "./migrations.ts";

/**
 * The ModelStore's SQLite schema, one migration per version. Each runs once, in order, inside
 * the constructor's blockConcurrencyWhile; `meta.schema_version` records how far a store is.
 */
const MIGRATIONS: readonly string[] = [
  // 1: series, minute/hour/day buckets, cumulative streams, rejection counters.
  `
  CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    version TEXT NOT NULL,
    name TEXT NOT NULL,
    segment TEXT NOT NULL,
    first_minute INTEGER NOT NULL,
    last_minute INTEGER NOT NULL,
    -- Counter increments, or values folded into the sketch, over the series' whole life.
    total REAL NOT NULL DEFAULT 0,
    UNIQUE (kind, version, name, segment)
  );
  CREATE TABLE bucket_1m (
    series_id INTEGER NOT NULL,
    minute INTEGER NOT NULL,
    value REAL NOT NULL,
    sketch BLOB,
    PRIMARY KEY (series_id, minute)
  ) WITHOUT ROWID;
  CREATE TABLE bucket_1h (
    series_id INTEGER NOT NULL,
    hour INTEGER NOT NULL,
    value REAL NOT NULL,
    sketch BLOB,
    PRIMARY KEY (series_id, hour)
  ) WITHOUT ROWID;
  CREATE TABLE bucket_1d (
    series_id INTEGER NOT NULL,
    day INTEGER NOT NULL,
    value REAL NOT NULL,
    sketch BLOB,
    PRIMARY KEY (series_id, day)
  ) WITHOUT ROWID;
  CREATE TABLE streams (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    updated_minute INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX streams_by_age ON streams (updated_minute);
  CREATE TABLE rejections (
    reason TEXT PRIMARY KEY,
    count INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  // 2: baselines, one row per (version, series kind, name); docs/baselines.md.
  `
  CREATE TABLE baselines (
    version TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    sketch BLOB NOT NULL,
    -- Values in the sketch (a digest's count, the counts' total), so listing needs no decode.
    count REAL NOT NULL,
    -- Rows of the training set (uploads) or predictions in the window (reference windows).
    rows INTEGER NOT NULL,
    -- "upload" or "window".
    source TEXT NOT NULL,
    uploaded_ms INTEGER NOT NULL,
    PRIMARY KEY (version, kind, name)
  ) WITHOUT ROWID;
  `,
  // 3: hours and days whose rollups are out of date (new or late minute data); the alarm
  // recomputes them (worker/src/store/write/rollup.ts).
  `
  CREATE TABLE dirty_rollups (
    level TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    PRIMARY KEY (level, bucket)
  ) WITHOUT ROWID;
  `,
  // 4: the accuracy join (worker/src/store/write/joins.ts, docs/accuracy.md): predictions and actuals
  // waiting for their other side, and recently joined ids (so a retried record is not joined twice).
  `
  CREATE TABLE joins (
    version TEXT NOT NULL,
    id TEXT NOT NULL,
    -- 'p' a prediction waiting, 'a' an actual waiting, 'j' joined (kept only to spot retries).
    state TEXT NOT NULL,
    -- The waiting record (JSON of its join record); NULL once joined.
    record TEXT,
    expires_ms INTEGER NOT NULL,
    PRIMARY KEY (version, id)
  ) WITHOUT ROWID;
  CREATE INDEX joins_by_expiry ON joins (expires_ms);
  CREATE TABLE join_settings (
    key TEXT PRIMARY KEY,
    value REAL NOT NULL
  ) WITHOUT ROWID;
  `,
  // 5: alert rules with their state, the notification outbox and the bounded delivery log
  // (worker/src/alerts/, docs/alerts.md).
  `
  CREATE TABLE alert_rules (
    name TEXT PRIMARY KEY,
    -- The validated rule as JSON (collector/src/alerts/rule.ts), receiver secrets included.
    spec TEXT NOT NULL,
    -- AlertState as JSON (collector/src/alerts/state.ts).
    state TEXT NOT NULL,
    next_eval_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE alert_outbox (
    id INTEGER PRIMARY KEY,
    rule TEXT NOT NULL,
    receiver INTEGER NOT NULL,
    event TEXT NOT NULL,
    -- The Notification as JSON, rendered for the receiver at each attempt.
    notification TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
  );
  CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_ms);
  CREATE TABLE alert_deliveries (
    id INTEGER PRIMARY KEY,
    rule TEXT NOT NULL,
    delivery INTEGER NOT NULL,
    receiver INTEGER NOT NULL,
    receiver_type TEXT NOT NULL,
    event TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    at_ms INTEGER NOT NULL,
    -- delivered, retrying, gave_up or dropped.
    outcome TEXT NOT NULL,
    http_status INTEGER,
    error TEXT,
    duration_ms INTEGER NOT NULL
  );
  CREATE INDEX alert_deliveries_by_rule ON alert_deliveries (rule, id);
  `,
  // 6: notification ids never repeat (issue 17): the outbox's id, sent as Driftline-Delivery, is
  // AUTOINCREMENT, so SQLite never reuses one once the outbox empties. The sequence starts past
  // every id already sent (the delivery log keeps them), so no id from before this migration
  // comes back either.
  `
  CREATE TABLE alert_outbox_next (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule TEXT NOT NULL,
    receiver INTEGER NOT NULL,
    event TEXT NOT NULL,
    notification TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
  );
  INSERT INTO alert_outbox_next SELECT id, rule, receiver, event, notification, attempts, next_attempt_ms, created_ms FROM alert_outbox;
  DROP TABLE alert_outbox;
  ALTER TABLE alert_outbox_next RENAME TO alert_outbox;
  CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_ms);
  DELETE FROM sqlite_sequence WHERE name = 'alert_outbox';
  INSERT INTO sqlite_sequence (name, seq) VALUES ('alert_outbox', max(coalesce((SELECT max(delivery) FROM alert_deliveries), 0), coalesce((SELECT max(id) FROM alert_outbox), 0)));
  `,
  // 7: the model's drift settings, one JSON document (collector/src/drift/settings.ts, docs/drift.md).
  `
  CREATE TABLE drift_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    doc TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
  );
  `,
  // 8: batches (issue 18, docs/backfill.md): per (version, ml.batch.id) its time span, and one
  // sketch per series kind and name merged over the whole batch (no time buckets).
  `
  CREATE TABLE batches (
    version TEXT NOT NULL,
    batch TEXT NOT NULL,
    first_minute INTEGER NOT NULL,
    last_minute INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (version, batch)
  ) WITHOUT ROWID;
  CREATE TABLE batch_sketches (
    version TEXT NOT NULL,
    batch TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    value REAL NOT NULL,
    sketch BLOB,
    PRIMARY KEY (version, batch, kind, name)
  ) WITHOUT ROWID;
  `,
  // 9: the windowed-value cache kept across evictions (store/read/gauge-chunks.ts, issue 14): a
  // day of one gauge's values per row, and which series' writes also invalidate another's values.
  `
  CREATE TABLE gauge_chunks (
    series_id INTEGER NOT NULL,
    gauge TEXT NOT NULL,
    day INTEGER NOT NULL,
    categories_cap INTEGER NOT NULL,
    last_minute INTEGER NOT NULL,
    saved_ms INTEGER NOT NULL,
    vals BLOB NOT NULL,
    state BLOB NOT NULL,
    PRIMARY KEY (series_id, gauge, day)
  ) WITHOUT ROWID;
  CREATE INDEX gauge_chunks_saved ON gauge_chunks (saved_ms);
  CREATE TABLE gauge_aliases (
    member INTEGER NOT NULL,
    owner INTEGER NOT NULL,
    PRIMARY KEY (member, owner)
  ) WITHOUT ROWID;
  `,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the store's schema up to SCHEMA_VERSION; a no-op when it is there already. */
export function migrate(sql: SqlStorage): void {
  runMigrations(sql, MIGRATIONS, "store");
}

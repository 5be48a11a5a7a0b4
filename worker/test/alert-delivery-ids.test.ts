/**
 * Issue 17's defect: the resolved notification reused the firing notification's
 * Driftline-Delivery id, because alert_outbox.id was an INTEGER PRIMARY KEY without
 * AUTOINCREMENT and SQLite reuses rowids once the outbox is empty. docs/alerts.md tells
 * receivers to deduplicate on that id, so such a receiver dropped the resolution.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SignatureHeader, parseRule } from "@driftline/collector/alerts";
import type { Notification } from "@driftline/collector/alerts";
import type { ModelStore } from "../src/store/model-store.ts";
import { deliverDue, enqueue } from "../src/store/alerts/outbox.ts";
import { putRule } from "../src/store/alerts/rules-table.ts";
import { migrate } from "../src/store/schema.ts";

const T0 = Math.floor(Date.now() / 60_000) * 60_000;
let next = 0;
const store = () => env.MODEL_STORE.getByName(`acme\u0000delivery-ids-${next++}`);
const rule = parseRule("r", "m", { kind: "no_data", version: "v1", duration: "5m", receivers: [{ type: "slack", url: "https://hooks.slack.test/x" }] }, { minIntervalMs: 60_000, maxNameLength: 128, receivers: { allowLoopback: false, ownHost: "driftline.test" } });

function notification(status: "firing" | "resolved"): Notification {
  return { version: "1", status, repeat: false, model: "m", rule: "r", kind: "no_data", summary: "s", labels: {}, annotations: {}, value: 0, threshold: 0, resolveThreshold: 0, query: "q", startsAt: "x", endsAt: null, evaluatedAt: "x" };
}

/** Queues one notification and delivers the outbox; returns the Driftline-Delivery ids sent. */
async function sendOne(s: ReturnType<typeof store>, status: "firing" | "resolved", nowMs: number): Promise<string[]> {
  return runInDurableObject(s, async (_i: ModelStore, state) => {
    const ids: string[] = [];
    enqueue(state.storage.sql, rule, status, notification(status), nowMs);
    await deliverDue(state.storage.sql, nowMs, async (_url, init) => (ids.push(init.headers[SignatureHeader.delivery]), 200));
    return ids;
  });
}

describe("delivery ids", () => {
  it("Delivery ids never repeat for a model: across firing and resolution, an emptied outbox and a restart", async () => {
    const s = store();
    await runInDurableObject(s, (_i: ModelStore, state) => putRule(state.storage.sql, rule, T0));
    const ids = [...(await sendOne(s, "firing", T0)), ...(await sendOne(s, "resolved", T0 + 60_000))];
    await evictDurableObject(s);
    ids.push(...(await sendOne(s, "firing", T0 + 120_000)), ...(await sendOne(s, "resolved", T0 + 180_000)));
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
  });

  it("continues past the ids a store sent before the migration that made them unique", async () => {
    const s = store();
    await runInDurableObject(s, async (_i: ModelStore, state) => {
      const sql = state.storage.sql;
      // A store at schema 5: the outbox without AUTOINCREMENT, emptied, and id 7 in the delivery log.
      sql.exec("DROP TABLE alert_outbox");
      sql.exec("CREATE TABLE alert_outbox (id INTEGER PRIMARY KEY, rule TEXT NOT NULL, receiver INTEGER NOT NULL, event TEXT NOT NULL, notification TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_ms INTEGER NOT NULL, created_ms INTEGER NOT NULL)");
      sql.exec("INSERT INTO alert_deliveries (rule, delivery, receiver, receiver_type, event, attempt, at_ms, outcome, duration_ms) VALUES ('r', 7, 0, 'slack', 'resolved', 1, 0, 'delivered', 1)");
      // Tables of later migrations go too, so that migrate() recreates them after migration 6.
      sql.exec("DROP TABLE IF EXISTS drift_settings");
      sql.exec("DROP TABLE IF EXISTS batches");
      sql.exec("DROP TABLE IF EXISTS batch_sketches");
      sql.exec("DROP TABLE IF EXISTS gauge_chunks");
      sql.exec("DROP TABLE IF EXISTS gauge_aliases");
      sql.exec("UPDATE meta SET value = '5' WHERE key = 'schema_version'");
      migrate(sql);
      putRule(sql, rule, T0);
      const ids: string[] = [];
      enqueue(sql, rule, "firing", notification("firing"), T0);
      await deliverDue(sql, T0, async (_url, init) => (ids.push(init.headers[SignatureHeader.delivery]), 200));
      expect(ids).toEqual(["8"]);
    });
  });
});

import { DurableObject } from "cloudflare:workers";
import { runMigrations } from "./store/migrations.ts";
import type { Env } from "./env.ts";

/** A model as the tenant's directory knows it. */
export type DirectoryEntry = { modelId: string; createdAt: string };

/**
 * The directory's schema, one migration per version (store/migrations.ts). Directories created
 * before versioning already have the table, hence IF NOT EXISTS in the first.
 */
const MIGRATIONS: readonly string[] = [
  // 1: the tenant's models.
  "CREATE TABLE IF NOT EXISTS models (model_id TEXT PRIMARY KEY, shards INTEGER NOT NULL DEFAULT 1, created_ms INTEGER NOT NULL) WITHOUT ROWID",
  // 2: no shard count until a model can be split (issue 19 brings it back with its meaning).
  "ALTER TABLE models DROP COLUMN shards",
];

/**
 * One Durable Object per tenant: the list of its models and the per-tenant model cap. The Worker
 * asks it only for a model it has not seen in this isolate, so in the steady state ingest never
 * calls it.
 */
export class TenantDirectory extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {
      runMigrations(this.sql, MIGRATIONS, "tenant directory");
    });
  }

  /**
   * Admits a model: true when it is known, or new and the tenant is under `maxModels`. A model
   * refused here is never written anywhere.
   */
  async admit(modelId: string, maxModels: number): Promise<DirectoryEntry | null> {
    const known = this.entry(modelId);
    if (known !== null) return known;
    const count = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM models").one().n;
    if (count >= maxModels) return null;
    this.sql.exec("INSERT INTO models (model_id, created_ms) VALUES (?, ?)", modelId, Date.now());
    return this.entry(modelId);
  }

  /** Every model of the tenant, by id. */
  async list(): Promise<DirectoryEntry[]> {
    return this.sql
      .exec<{ model_id: string; created_ms: number }>("SELECT model_id, created_ms FROM models ORDER BY model_id")
      .toArray()
      .map((row) => ({ modelId: row.model_id, createdAt: new Date(row.created_ms).toISOString() }));
  }

  /** One model, or null when the tenant has none by that id. */
  async get(modelId: string): Promise<DirectoryEntry | null> {
    return this.entry(modelId);
  }

  private entry(modelId: string): DirectoryEntry | null {
    const row = this.sql.exec<{ model_id: string; created_ms: number }>("SELECT model_id, created_ms FROM models WHERE model_id = ?", modelId).toArray()[0];
    return row === undefined ? null : { modelId: row.model_id, createdAt: new Date(row.created_ms).toISOString() };
  }
}

import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TenantDirectory } from "../src/tenant-directory.ts";

let next = 0;
const directory = () => env.TENANT_DIRECTORY.getByName(`directory-${next++}`);

describe("TenantDirectory", () => {
  it("records its schema version and admits models up to the cap", async () => {
    const d = directory();
    expect(await d.admit("a", 2)).toMatchObject({ modelId: "a" });
    expect(await d.admit("b", 2)).toMatchObject({ modelId: "b" });
    expect(await d.admit("c", 2)).toBeNull();
    expect((await d.list()).map((m) => m.modelId)).toEqual(["a", "b"]);
    const version = await runInDurableObject(d, (_i: TenantDirectory, state) => state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").one().value);
    expect(version).toBe("2");
  });

  it("migrates a directory created before schema versions, keeping its models", async () => {
    const d = directory();
    await runInDurableObject(d, async (_i: TenantDirectory, state) => {
      // The layout of the first release: the table with its unused shards column, no meta row.
      state.storage.sql.exec("DROP TABLE models");
      state.storage.sql.exec("DROP TABLE meta");
      state.storage.sql.exec("CREATE TABLE models (model_id TEXT PRIMARY KEY, shards INTEGER NOT NULL DEFAULT 1, created_ms INTEGER NOT NULL) WITHOUT ROWID");
      state.storage.sql.exec("INSERT INTO models (model_id, created_ms) VALUES ('old', 1700000000000)");
      const migrated = new TenantDirectory(state, env);
      // The constructor migrates under blockConcurrencyWhile; wait for it as a request would.
      await state.blockConcurrencyWhile(async () => {});
      expect(await migrated.list()).toEqual([{ modelId: "old", createdAt: "2023-11-14T22:13:20.000Z" }]);
      const columns = state.storage.sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('models')").toArray().map((c) => c.name);
      expect(columns).toEqual(["model_id", "created_ms"]);
    });
  });
});

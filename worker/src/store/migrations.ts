/**
 * Ordered schema migrations for a Durable Object's SQLite, shared by the ModelStore and the
 * TenantDirectory: migration i (0-based) brings the schema from version i to i + 1, each runs
 * once, in order, in the constructor's blockConcurrencyWhile, and `meta.schema_version` records
 * how far the object is. An object whose schema is newer than the code refuses to start rather
 * than write rows an older layout cannot read.
 */
export function runMigrations(sql: SqlStorage, migrations: readonly string[], what: string): void {
  sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").toArray()[0];
  const current = row === undefined ? 0 : Number(row.value);
  if (current > migrations.length) {
    throw new Error(`${what} schema version ${current} is newer than this code's ${migrations.length}: deploy the newer Worker`);
  }
  for (let v = current; v < migrations.length; v++) sql.exec(migrations[v]);
  sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", String(migrations.length));
}

import type { ChunkBacking, StoredChunk } from "./gauge-cache.ts";

/**
 * Most chunks one ModelStore keeps in its SQLite (13 KiB each: ~26 MiB). Past it the chunks
 * written longest ago go first; a value no longer stored is computed again on its next read.
 */
export const MAX_STORED_CHUNKS = 2_000;

/**
 * The gauge cache's chunks in the ModelStore's SQLite (gauge-cache.ts, "Persistence"): one row per
 * (series, gauge, day) with the values, their states and the category cap they were computed
 * under, so the cache survives the object's eviction.
 */
export class SqlChunkBacking implements ChunkBacking {
  private readonly sql: SqlStorage;
  private readonly maxChunks: number;

  constructor(sql: SqlStorage, maxChunks = MAX_STORED_CHUNKS) {
    this.sql = sql;
    this.maxChunks = maxChunks;
  }

  load(seriesId: number, gauge: string, day: number, categoriesCap: number): StoredChunk | undefined {
    const row = this.sql
      .exec<{ vals: ArrayBuffer; state: ArrayBuffer; last_minute: number }>(
        "SELECT vals, state, last_minute FROM gauge_chunks WHERE series_id = ? AND gauge = ? AND day = ? AND categories_cap = ?",
        seriesId,
        gauge,
        day,
        categoriesCap,
      )
      .toArray()[0];
    if (row === undefined) return undefined;
    return { seriesId, gauge, day, values: new Float64Array(row.vals.slice(0)), state: new Uint8Array(row.state.slice(0)), lastMinute: row.last_minute };
  }

  save(chunks: readonly StoredChunk[], categoriesCap: number): void {
    const now = Date.now();
    for (const c of chunks) {
      this.sql.exec(
        "INSERT OR REPLACE INTO gauge_chunks (series_id, gauge, day, categories_cap, last_minute, saved_ms, vals, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        c.seriesId,
        c.gauge,
        c.day,
        categoriesCap,
        c.lastMinute,
        now,
        c.values.buffer.slice(c.values.byteOffset, c.values.byteOffset + c.values.byteLength),
        c.state.buffer.slice(c.state.byteOffset, c.state.byteOffset + c.state.byteLength),
      );
    }
    const count = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM gauge_chunks").one().n;
    if (count > this.maxChunks) {
      this.sql.exec("DELETE FROM gauge_chunks WHERE (series_id, gauge, day) IN (SELECT series_id, gauge, day FROM gauge_chunks ORDER BY saved_ms LIMIT ?)", count - this.maxChunks);
    }
  }

  dropFrom(seriesId: number, day: number): void {
    this.sql.exec("DELETE FROM gauge_chunks WHERE series_id = ? AND day >= ?", seriesId, day);
  }

  dropAll(): void {
    this.sql.exec("DELETE FROM gauge_chunks");
  }

  lastMinutes(): Map<number, number> {
    const out = new Map<number, number>();
    for (const r of this.sql.exec<{ series_id: number; last: number }>("SELECT series_id, max(last_minute) AS last FROM gauge_chunks GROUP BY series_id")) out.set(r.series_id, r.last);
    return out;
  }

  aliases(): [number, number][] {
    return this.sql
      .exec<{ member: number; owner: number }>("SELECT member, owner FROM gauge_aliases")
      .toArray()
      .map((r) => [r.member, r.owner]);
  }

  addAlias(member: number, owner: number): void {
    this.sql.exec("INSERT OR IGNORE INTO gauge_aliases (member, owner) VALUES (?, ?)", member, owner);
  }
}

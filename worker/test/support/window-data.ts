/** Minute and hour buckets of one numeric series for the window tests, with the raw values kept for exact answers. */
import { TDigest } from "@driftline/collector";
import { seededRandom } from "@driftline/collector/testing";
import { mergeDigests } from "../../src/store/baselines.ts";

// Whole hours, so hour boundaries fall where the test expects them.
export const NOW_MINUTE = Math.floor(Date.now() / 3_600_000) * 60;
/** A deterministic PRNG (mulberry32), so a failure can be replayed. */
export const prng = seededRandom;

/** Minute buckets of one numeric series whose mean drifts with time, so neighbouring windows differ. */
export type Seeded = { id: number; values: Map<number, number[]>; hoursRolled: Set<number> };

/**
 * `minutes` minute buckets ending at NOW_MINUTE (40 values each, some minutes empty), every ended
 * hour rolled up into bucket_1h as the merge of its minutes (as the alarm does), `dirtyHour`
 * marked dirty (its rollup must then be ignored). `wholeNumbers` rounds every value (ages, counts).
 */
export function seed(sql: SqlStorage, minutes: number, dirtyHour: number | null, options: { name?: string; wholeNumbers?: boolean } = {}): Seeded {
  const random = prng(7);
  const from = NOW_MINUTE - minutes + 1;
  const { id } = sql
    .exec<{ id: number }>("INSERT INTO series (kind, version, name, segment, first_minute, last_minute, total) VALUES ('numeric_feature', 'v1', ?, '', ?, ?, 0) RETURNING id", options.name ?? "x", from, NOW_MINUTE)
    .one();
  const values = new Map<number, number[]>();
  for (let m = from; m <= NOW_MINUTE; m++) {
    if (random() < 0.1) continue;
    const shift = Math.sin((m - from) / 97) * 3;
    const list = Array.from({ length: 40 }, () => {
      const v = shift + random() + random() + random() - 1.5;
      return options.wholeNumbers ? Math.round(v * 3) : v;
    });
    values.set(m, list);
    sql.exec("INSERT INTO bucket_1m (series_id, minute, value, sketch) VALUES (?, ?, ?, ?)", id, m, list.length, digestOf(list).toBytes());
  }
  const hoursRolled = new Set<number>();
  for (let hour = Math.ceil(from / 60); (hour + 1) * 60 <= NOW_MINUTE; hour++) {
    const parts: TDigest[] = [];
    for (let m = hour * 60; m < hour * 60 + 60; m++) if (values.has(m)) parts.push(digestOf(values.get(m)!));
    sql.exec("INSERT INTO bucket_1h (series_id, hour, value, sketch) VALUES (?, ?, 0, ?)", id, hour, mergeDigests(parts).toBytes());
    hoursRolled.add(hour);
  }
  if (dirtyHour !== null) {
    sql.exec("INSERT INTO dirty_rollups (level, bucket) VALUES ('h', ?)", dirtyHour);
    hoursRolled.delete(dirtyHour);
  }
  return { id, values, hoursRolled };
}

export function digestOf(values: readonly number[]): TDigest {
  const d = new TDigest();
  for (const v of values) d.add(v);
  return d;
}

/** The raw values of the window, sorted: the exact answer both merges approximate. */
export function exactWindow(seeded: Seeded, windowMinutes: number, hi: number): Float64Array {
  const out: number[] = [];
  for (let m = hi - windowMinutes + 1; m <= hi; m++) out.push(...(seeded.values.get(m) ?? []));
  return Float64Array.from(out).sort();
}


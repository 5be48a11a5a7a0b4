/**
 * How long each bucket level is kept, and so which level a timestamp of a given age lands in
 * (DESIGN.md, Storage; docs/backfill.md). The fold (which rounds an old record's minute to its
 * hour or day), the ModelStore's write path (which merges it there) and its rollups and reads
 * all decide with this one unit, so the Worker and the store never disagree about a level.
 */

/** Retention per level, in that level's units: minutes 48 h, hours 90 days, days 2 years. */
export const RETENTION = {
  minutes: 48 * 60,
  hours: 90 * 24,
  days: 2 * 366,
} as const;

/** Where a timestamp's values go: its minute, its hour, its day, or nowhere (past every retention). */
export const BucketLevel = { minute: "minute", hour: "hour", day: "day", expired: "expired" } as const;
/** One of the {@link BucketLevel} values. */
export type BucketLevel = (typeof BucketLevel)[keyof typeof BucketLevel];

/**
 * Minute buckets a store keeps, in minutes: they must cover how far back data lands in minutes
 * (`maxPastSeconds`) plus the hour being rolled up, so no hour is ever recomputed from a partial
 * set of its minutes. Derived from the configuration only, so the Worker and the store agree.
 */
export function minuteRetentionOf(maxPastSeconds: number): number {
  return Math.max(RETENTION.minutes, Math.ceil(maxPastSeconds / 60) + 60);
}

/**
 * The level a minute's values belong to at `nowMinute`:
 * - `minute` while its whole hour is inside the minute retention (every live record: arithmetic
 *   only, no storage read);
 * - `hour` once some minute of its hour may have been deleted, while its day is inside the hour
 *   retention (the hour bucket is merged directly; its day is recomputed from its hours);
 * - `day` once some hour of its day may have been deleted, back to the day retention (the day
 *   bucket is merged directly);
 * - `expired` past the day retention: refused.
 * The cuts are the ones the rollups delete at (store/write/rollup.ts) and the reads switch
 * levels at (store/read/pieces.ts).
 */
export function levelOf(minute: number, nowMinute: number, minuteRetention: number): BucketLevel {
  const day = Math.floor(minute / 1440);
  const nowHour = Math.floor(nowMinute / 60);
  if (day < Math.floor(nowHour / 24) - RETENTION.days) return BucketLevel.expired;
  if (day * 24 < nowHour - RETENTION.hours) return BucketLevel.day;
  if (Math.floor(minute / 60) * 60 < nowMinute - minuteRetention) return BucketLevel.hour;
  return BucketLevel.minute;
}

/**
 * The minute a record of `minute` is filed under: itself at the minute level, else the first
 * minute of its hour or day, so one request's old records fold into one delta per (series, hour)
 * or (series, day) instead of one per minute (what bounds a backfill request's writes).
 */
export function filedMinute(minute: number, level: BucketLevel): number {
  if (level === BucketLevel.hour) return Math.floor(minute / 60) * 60;
  if (level === BucketLevel.day) return Math.floor(minute / 1440) * 1440;
  return minute;
}

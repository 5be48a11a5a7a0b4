/**
 * The date functions (`hour`, `day_of_week`, …): the UTC calendar field of each sample's value
 * read as Unix seconds, or of the evaluation time when called without an argument, as
 * Prometheus' `dateWrapper` does (Go's `time.Unix(int64(v), 0).UTC()`).
 */

const DAY_MS = 86_400_000;

/** Each date function: Unix seconds → the field. */
export const DATE_FUNCTIONS: Readonly<Record<string, (seconds: number) => number>> = {
  year: (s) => at(s).getUTCFullYear(),
  month: (s) => at(s).getUTCMonth() + 1,
  day_of_month: (s) => at(s).getUTCDate(),
  day_of_week: (s) => at(s).getUTCDay(),
  day_of_year: (s) => {
    const d = at(s);
    return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS) + 1;
  },
  days_in_month: (s) => {
    const d = at(s);
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  },
  hour: (s) => at(s).getUTCHours(),
  minute: (s) => at(s).getUTCMinutes(),
};

/** Go's int64(v) truncates toward zero; a value outside Date's range answers NaN fields. */
function at(seconds: number): Date {
  return new Date(Math.trunc(seconds) * 1000);
}

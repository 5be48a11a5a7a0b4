/** Number formatting shared by every page; tests parse what these print. */

/** A number with `digits` significant digits, "–" for null or NaN; no exponent below 1e6. */
export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-4) return value.toExponential(digits - 1);
  return String(Number(value.toPrecision(digits)));
}

/** A whole count with thousands separators. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return Math.round(value).toLocaleString("en-US");
}

/** A ratio as a percentage with 3 significant digits. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "–";
  return `${formatNumber(ratio * 100)} %`;
}

/** Seconds as milliseconds (latencies are small). */
export function formatSecondsAsMs(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "–";
  return `${formatNumber(seconds * 1000)} ms`;
}

/** An ISO timestamp as "how long ago", with the exact time kept for a title attribute. */
export function formatAgo(iso: string | null, nowMs = Date.now()): string {
  if (iso === null) return "never";
  const seconds = Math.max(0, (nowMs - Date.parse(iso)) / 1000);
  if (seconds < 90) return "just now";
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

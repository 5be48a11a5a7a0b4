/**
 * What Grafana's built-in Prometheus data source sends for one panel query: the step, `$__interval`,
 * `$__rate_interval`, `$__range` and the step-aligned start and end, computed as Grafana 11 computes
 * them, so tests and benchmarks send exactly what a dashboard sends.
 *
 * Two halves, as in Grafana:
 * - the frontend (PanelQueryRunner → rangeutil.calculateInterval): `intervalMs` =
 *   max(roundInterval(range / maxDataPoints), the panel's "Min interval" or else the data source's
 *   scrape interval); maxDataPoints is the panel's, else its width in pixels;
 * - the backend (pkg/promlib/models/query.go): minInterval = the query's "Min step" (`interval`),
 *   else intervalMs; step = max(Calculate(range, minInterval, maxDataPoints), the safe interval
 *   range / 11 000 rounded); `$__interval` = the step; `$__rate_interval` = max(intervalMs +
 *   s, 4 × s) where s is the query's "Min step", else the data source's scrape interval; start
 *   and end are aligned down to a multiple of the step.
 */

/** Grafana's roundInterval (rangeutil.ts, and gtime.RoundInterval in Go): the same table. */
export function roundIntervalMs(intervalMs: number): number {
  const table: [number, number][] = [
    [10, 1], [15, 10], [35, 20], [75, 50], [150, 100], [350, 200], [750, 500], [1_500, 1_000],
    [3_500, 2_000], [7_500, 5_000], [12_500, 10_000], [17_500, 15_000], [25_000, 20_000],
    [45_000, 30_000], [90_000, 60_000], [210_000, 120_000], [450_000, 300_000], [750_000, 600_000],
    [1_050_000, 900_000], [1_500_000, 1_200_000], [2_700_000, 1_800_000], [5_400_000, 3_600_000],
    [9_000_000, 7_200_000], [16_200_000, 10_800_000], [32_400_000, 21_600_000], [86_400_000, 43_200_000],
    [604_800_000, 86_400_000], [1_814_400_000, 604_800_000], [3_628_800_000, 2_592_000_000],
  ];
  for (const [below, rounded] of table) if (intervalMs < below) return rounded;
  return 31_536_000_000;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** An interval string as Grafana reads it ("15s", "1m", "500ms"; a bare number is seconds). */
export function intervalMs(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1_000;
  const m = /^(\d+(?:\.\d+)?)(ms|[smhdwy])$/.exec(text);
  if (m === null) throw new Error(`not an interval Grafana reads: ${JSON.stringify(text)}`);
  return Number(m[1]) * UNIT_MS[m[2]];
}

/** gtime.FormatInterval: the largest whole unit ("1m", "2h", "10s"), as `$__interval` is written. */
export function formatInterval(ms: number): string {
  for (const unit of ["y", "d", "h", "m", "s", "ms"] as const) if (ms >= UNIT_MS[unit]) return `${Math.floor(ms / UNIT_MS[unit])}${unit}`;
  return "1ms";
}

/** Go's time.Duration.String() for whole milliseconds ("4m0s", "1h1m0s", "1m15s"), as `$__rate_interval` is written. */
export function goDuration(ms: number): string {
  if (ms === 0) return "0s";
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1_000;
  if (hours === 0 && minutes === 0 && seconds < 1) return `${ms}ms`;
  return `${hours > 0 ? `${hours}h` : ""}${hours > 0 || minutes > 0 ? `${minutes}m` : ""}${seconds}s`;
}

/** What one panel query sets, and what the data source and the screen set. */
export type GrafanaQueryContext = {
  rangeMs: number;
  /** The data source's "Scrape interval" (jsonData.timeInterval); Grafana's default is 15s. */
  scrapeInterval: string;
  /** The panel's "Max data points", else its width in pixels. */
  maxDataPoints: number;
  /** The panel's "Min interval", when set. */
  panelMinInterval?: string;
  /** The query's "Min step" (`interval` on the target), when set. */
  minStep?: string;
};

/** What Grafana computes for one query. */
export type GrafanaIntervals = { stepMs: number; intervalMs: number; rateIntervalMs: number; expr: (template: string) => string };

/** Grafana's step and built-in variables for one panel query (see the file comment for the sources). */
export function grafanaIntervals(context: GrafanaQueryContext): GrafanaIntervals {
  const { rangeMs, scrapeInterval, maxDataPoints } = context;
  // Frontend: rangeutil.calculateInterval(range, maxDataPoints, panel min interval ?? ds.interval).
  const lowLimitMs = intervalMs(context.panelMinInterval ?? scrapeInterval);
  const frontendMs = Math.max(roundIntervalMs(rangeMs / maxDataPoints), lowLimitMs);
  // Backend: gtime.GetIntervalFrom(dsScrapeInterval, query interval, intervalMs, 15s).
  const minIntervalMs = context.minStep !== undefined ? intervalMs(context.minStep) : frontendMs;
  const calculated = rangeMs / maxDataPoints < minIntervalMs ? minIntervalMs : roundIntervalMs(rangeMs / maxDataPoints);
  const safe = roundIntervalMs(rangeMs / 11_000);
  const stepMs = Math.max(calculated, safe);
  const scrapeMs = intervalMs(context.minStep ?? scrapeInterval);
  const rateIntervalMs = Math.max(frontendMs + scrapeMs, 4 * scrapeMs);
  const rangeSeconds = Math.round(rangeMs / 1_000);
  const expr = (template: string): string =>
    template
      .replaceAll("$__interval_ms", String(stepMs))
      .replaceAll("$__interval", formatInterval(stepMs))
      .replaceAll("$__range_ms", String(rangeMs))
      .replaceAll("$__range_s", String(rangeSeconds))
      .replaceAll("$__range", `${rangeSeconds}s`)
      .replaceAll("$__rate_interval_ms", String(rateIntervalMs))
      .replaceAll("$__rate_interval", goDuration(rateIntervalMs));
  return { stepMs, intervalMs: frontendMs, rateIntervalMs, expr };
}

/** Grafana aligns a query's start and end down to a multiple of the step (AlignTimeRange, UTC). */
export function alignToStep(timeMs: number, stepMs: number): number {
  return Math.floor(timeMs / stepMs) * stepMs;
}

/** Width of the dashboard the tests and benchmarks assume, in pixels: a 1 920-pixel screen. */
export const DASHBOARD_WIDTH_PX = 1_920;

/** Grafana's maxDataPoints for a panel without its own: its width in pixels, `w` of 24 grid columns. */
export function panelWidthPx(gridWidth: number): number {
  return Math.floor((gridWidth / 24) * DASHBOARD_WIDTH_PX);
}

/** The fields of a dashboard target that decide what Grafana sends (dashboards/src/targets.ts' FilledTarget). */
export type GrafanaTarget = { expr: string; instant: boolean; minStep?: string; panelMinInterval?: string; maxDataPoints?: number; gridWidth: number };

/** One request as Grafana's Prometheus data source sends it: the path, the form parameters and the step. */
export type GrafanaRequest = { path: "/api/v1/query" | "/api/v1/query_range"; params: Record<string, string>; stepMs: number; expr: string };

/**
 * What Grafana sends for `target` over the last `rangeMs` at `nowMs`: built-in variables filled,
 * start and end aligned to the step (an instant query is asked at the aligned end).
 */
export function grafanaRequest(target: GrafanaTarget, scrapeInterval: string, rangeMs: number, nowMs: number): GrafanaRequest {
  const grafana = grafanaIntervals({
    rangeMs,
    scrapeInterval,
    maxDataPoints: target.maxDataPoints ?? panelWidthPx(target.gridWidth),
    ...(target.panelMinInterval !== undefined ? { panelMinInterval: target.panelMinInterval } : {}),
    ...(target.minStep !== undefined ? { minStep: target.minStep } : {}),
  });
  const expr = grafana.expr(target.expr);
  const endSeconds = alignToStep(nowMs, grafana.stepMs) / 1000;
  const startSeconds = alignToStep(nowMs - rangeMs, grafana.stepMs) / 1000;
  return target.instant
    ? { path: "/api/v1/query", params: { query: expr, time: String(endSeconds) }, stepMs: grafana.stepMs, expr }
    : { path: "/api/v1/query_range", params: { query: expr, start: String(startSeconds), end: String(endSeconds), step: String(grafana.stepMs / 1000) }, stepMs: grafana.stepMs, expr };
}

/** The headers Grafana's Prometheus data source sends beside the token (POST, a form body). */
export const GRAFANA_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": "application/x-www-form-urlencoded",
  Accept: "application/json, text/plain, */*",
  "User-Agent": "Grafana/11.3.0",
  "X-Grafana-Org-Id": "1",
};

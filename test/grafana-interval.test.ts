/**
 * test/support/grafana-interval.ts against figures Grafana itself shows: the empty rate
 * panel (6 h, 15 s scrape interval → `$__rate_interval` 1m), Go's duration spelling, and the
 * rounding table's edges.
 */
import { describe, expect, it } from "vitest";
import { goDuration, grafanaIntervals, grafanaRequest, roundIntervalMs } from "./support/grafana-interval.ts";

const HOUR_MS = 3_600_000;

describe("Grafana's interval arithmetic", () => {
  it("gives the 1m rate window of a 6 h panel on a data source left at the 15 s default (issue 14)", () => {
    const g = grafanaIntervals({ rangeMs: 6 * HOUR_MS, scrapeInterval: "15s", maxDataPoints: 1_000 });
    expect(g.stepMs).toBe(20_000);
    expect(g.rateIntervalMs).toBe(60_000);
    expect(g.expr("rate(x[$__rate_interval])")).toBe("rate(x[1m0s])");
  });

  it("makes the rate window 4 × the query's min step, whatever the data source's scrape interval", () => {
    for (const scrapeInterval of ["15s", "30s", "1m"]) {
      const g = grafanaIntervals({ rangeMs: HOUR_MS, scrapeInterval, maxDataPoints: 960, minStep: "1m" });
      expect(g.stepMs).toBe(60_000);
      expect(g.rateIntervalMs).toBe(240_000);
      expect(g.expr("[$__rate_interval] $__interval")).toBe("[4m0s] 1m");
    }
  });

  it("rounds range / max data points and never goes under the safe interval of range / 11 000", () => {
    // 7 d over 960 px: 630 s, rounded to 10m; the rate window adds the 1m min step.
    const week = grafanaIntervals({ rangeMs: 7 * 24 * HOUR_MS, scrapeInterval: "15s", maxDataPoints: 960, minStep: "1m" });
    expect(week.stepMs).toBe(600_000);
    expect(week.rateIntervalMs).toBe(660_000);
    expect(week.expr("$__rate_interval $__range")).toBe("11m0s 604800s");
    // Ten thousand points over a day: 8.64 s rounds to 10 s, under the data source's 15 s floor.
    expect(grafanaIntervals({ rangeMs: 24 * HOUR_MS, scrapeInterval: "15s", maxDataPoints: 10_000 }).stepMs).toBe(15_000);
    expect(roundIntervalMs(44_999)).toBe(30_000);
    expect(roundIntervalMs(45_000)).toBe(60_000);
  });

  it("spells durations as Go's time.Duration.String", () => {
    expect(goDuration(75_000)).toBe("1m15s");
    expect(goDuration(3_660_000)).toBe("1h1m0s");
    expect(goDuration(45_000)).toBe("45s");
    expect(goDuration(500)).toBe("500ms");
  });

  it("aligns an instant query's time and a range's ends down to the step", () => {
    const nowMs = Date.UTC(2026, 0, 1, 12, 7, 31);
    const r = grafanaRequest({ expr: "x", instant: false, gridWidth: 12, minStep: "5m" }, "15s", 24 * HOUR_MS, nowMs);
    expect(r.stepMs).toBe(300_000);
    expect(Number(r.params.end) * 1000).toBe(Date.UTC(2026, 0, 1, 12, 5, 0));
    expect(Number(r.params.start) * 1000).toBe(Date.UTC(2025, 11, 31, 12, 5, 0));
    const i = grafanaRequest({ expr: "x", instant: true, gridWidth: 6 }, "1m", HOUR_MS, nowMs);
    expect(i.params.time).toBe(String(Date.UTC(2026, 0, 1, 12, 7, 0) / 1000));
  });
});

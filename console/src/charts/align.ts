/** Turns Prometheus range answers into uPlot's columnar data. */
import type { PromSeries } from "../api.ts";

/** uPlot's AlignedData: x values, then one column per series (null where a series has no sample). */
export type Columns = [number[], ...(number | null)[][]];

/**
 * Aligns series on the union of their timestamps, sorted. NaN and ±Inf become null (a gap),
 * which is what Grafana draws for them too. O(points · log points).
 */
export function alignSeries(series: readonly PromSeries[], scale = 1): Columns {
  const times = [...new Set(series.flatMap((s) => s.values.map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns: (number | null)[][] = series.map((s) => {
    const column: (number | null)[] = new Array(times.length).fill(null);
    for (const [t, v] of s.values) {
      const value = Number(v);
      column[index.get(t) as number] = Number.isFinite(value) ? value * scale : null;
    }
    return column;
  });
  return [times, ...columns];
}

/** True when some column holds at least one number. */
export function hasPoints(columns: Columns): boolean {
  return columns.slice(1).some((column) => column.some((v) => v !== null));
}

/**
 * A line chart drawn by uPlot (the library Grafana's own panels use): a figure with a caption,
 * a canvas, and a legend. The figure's aria-label states the latest value of each series, so a
 * screen reader gets what the lines show.
 */
import uPlot from "uplot";
import { h } from "../dom.ts";
import { colorAt } from "./palette.ts";
import type { Columns } from "./align.ts";

/** What to draw. */
export type ChartSpec = {
  /** Caption and accessible name. */
  title: string;
  /** One label per column after x. */
  labels: readonly string[];
  data: Columns;
  /** Formats a y value for axes and legend (units included). */
  formatY: (value: number) => string;
  /** x is Unix seconds (default) or a plain number (quantile curves). */
  xIsTime?: boolean;
  /** Formats an x value for the axis when xIsTime is false. */
  formatX?: (value: number) => string;
  /** Pixels. */
  height?: number;
  /** Per series: draw it dashed (a baseline beside current values). */
  dashed?: readonly boolean[];
  /** The x range to show (a time chart's whole range, so a series of one point sits where it belongs). */
  xRange?: [number, number];
};

/** Charts still attached, so a page change can destroy them (uPlot holds listeners). */
const live = new Set<uPlot>();

/** Destroys every chart (before a page is replaced). */
export function destroyCharts(): void {
  for (const chart of live) chart.destroy();
  live.clear();
}

/**
 * Draws `spec` into a new figure appended to `parent`, which must be in the document (uPlot
 * measures its width). Returns the figure.
 */
export function timeChart(parent: HTMLElement, spec: ChartSpec): HTMLElement {
  const latest = spec.labels.map((label, i) => {
    const column = spec.data[i + 1];
    for (let j = column.length - 1; j >= 0; j -= 1) if (column[j] !== null) return `${label} ${spec.formatY(column[j] as number)}`;
    return `${label} no data`;
  });
  const plot = h("div", { class: "chart-canvas" });
  const figure = h("figure", { class: "chart", role: "group", "aria-label": `${spec.title}: latest ${latest.join(", ")}` }, h("figcaption", {}, spec.title), plot);
  parent.append(figure);
  const width = Math.max(280, Math.floor(plot.clientWidth || parent.clientWidth || 600));
  const xIsTime = spec.xIsTime ?? true;
  const sparse = spec.data.map((column) => column.filter((v) => v !== null).length <= 3);
  const options: uPlot.Options = {
    width,
    height: spec.height ?? 200,
    scales: { x: spec.xRange === undefined ? { time: xIsTime } : { time: xIsTime, range: spec.xRange } },
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    axes: [
      xIsTime ? { stroke: "#374151", grid: { stroke: "#e5e7eb" } } : { stroke: "#374151", grid: { stroke: "#e5e7eb" }, values: (_u, ticks) => ticks.map((t) => (spec.formatX ?? String)(t)) },
      { stroke: "#374151", grid: { stroke: "#e5e7eb" }, size: 70, values: (_u, ticks) => ticks.map((t) => spec.formatY(t)) },
    ],
    series: [
      { label: xIsTime ? "time" : "x" },
      ...spec.labels.map((label, i) => ({
        label,
        stroke: colorAt(i),
        width: 2,
        dash: spec.dashed?.[i] ? [6, 4] : undefined,
        // A line needs two neighbouring samples: a series with only a few (drift right after
        // traffic starts) would draw nothing, so such a series shows its points.
        points: { show: (_u: uPlot, seriesIndex: number) => sparse[seriesIndex], size: 6 },
        value: (_u: uPlot, v: number | null) => (v === null ? "–" : spec.formatY(v)),
      })),
    ],
  };
  const chart = new uPlot(options, spec.data as uPlot.AlignedData, plot);
  live.add(chart);
  return figure;
}

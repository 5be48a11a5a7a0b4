/**
 * A sparkline: drift of one feature over the range in a table cell. Drawn on a plain canvas
 * (a table of 50 features would otherwise hold 50 uPlot instances); the alert threshold is a
 * dashed line so a rise past it reads at a glance.
 */
import { h } from "../dom.ts";

const WIDTH_PX = 120;
const HEIGHT_PX = 28;

/** A canvas with `values` (null = gap) as a line; `threshold` as a dashed rule when given. */
export function sparkline(values: readonly (number | null)[], label: string, color: string, threshold?: number): HTMLCanvasElement {
  const canvas = h("canvas", { class: "sparkline", role: "img", "aria-label": label, width: WIDTH_PX, height: HEIGHT_PX });
  const ratio = window.devicePixelRatio || 1;
  canvas.width = WIDTH_PX * ratio;
  canvas.height = HEIGHT_PX * ratio;
  const ctx = canvas.getContext("2d");
  const points = values.filter((v): v is number => v !== null);
  if (ctx === null || points.length === 0) return canvas;
  ctx.scale(ratio, ratio);
  const top = Math.max(...points, threshold ?? 0) || 1;
  const y = (v: number) => HEIGHT_PX - 2 - (v / top) * (HEIGHT_PX - 4);
  const x = (i: number) => (values.length === 1 ? WIDTH_PX / 2 : 1 + (i / (values.length - 1)) * (WIDTH_PX - 2));
  if (threshold !== undefined) {
    ctx.strokeStyle = "#9ca3af";
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(0, y(threshold));
    ctx.lineTo(WIDTH_PX, y(threshold));
    ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  let drawing = false;
  values.forEach((v, i) => {
    if (v === null) {
      drawing = false;
      return;
    }
    if (drawing) ctx.lineTo(x(i), y(v));
    else ctx.moveTo(x(i), y(v));
    drawing = true;
  });
  ctx.stroke();
  // The last point as a dot: a single sample is visible too.
  const last = values.findLastIndex((v) => v !== null);
  ctx.beginPath();
  ctx.arc(x(last), y(values[last] as number), 2, 0, 2 * Math.PI);
  ctx.fill();
  return canvas;
}

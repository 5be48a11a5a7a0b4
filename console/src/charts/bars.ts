/**
 * Baseline against current share per category, as grouped bars on a canvas. A category the
 * baseline never saw is marked "new" (the chi-squared and PSI of docs/drift.md count it against
 * a floored baseline share), which a colour alone would not say.
 */
import { h } from "../dom.ts";
import { PALETTE } from "./palette.ts";

/** One category's shares (fractions of each side's total). */
export type CategoryShare = { category: string; baseline: number; current: number; isNew: boolean };

const HEIGHT_PX = 220;
const LABEL_PX = 44;

/** Draws `shares` into a figure appended to `parent` (in the document, for its width). */
export function categoryBars(parent: HTMLElement, title: string, shares: readonly CategoryShare[]): HTMLElement {
  const canvas = h("canvas", { class: "bars" });
  const described = shares.map((s) => `${s.category}${s.isNew ? " (new)" : ""}: baseline ${(s.baseline * 100).toFixed(1)} %, current ${(s.current * 100).toFixed(1)} %`).join("; ");
  const legend = h("p", { class: "legend" }, h("span", { class: "swatch swatch-baseline" }), "baseline ", h("span", { class: "swatch swatch-current" }), "current ", h("span", { class: "tag tag-new" }, "new"), " category not in the baseline");
  const figure = h("figure", { class: "chart", role: "img", "aria-label": `${title}. ${described}` }, h("figcaption", {}, title), canvas, legend);
  parent.append(figure);
  const width = Math.max(280, Math.floor(figure.clientWidth || 600));
  const ratio = window.devicePixelRatio || 1;
  canvas.width = width * ratio;
  canvas.height = HEIGHT_PX * ratio;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${HEIGHT_PX}px`;
  const ctx = canvas.getContext("2d");
  if (ctx === null || shares.length === 0) return figure;
  ctx.scale(ratio, ratio);
  const top = Math.max(...shares.map((s) => Math.max(s.baseline, s.current))) || 1;
  const plotHeight = HEIGHT_PX - LABEL_PX;
  const slot = width / shares.length;
  const bar = Math.min(28, slot / 2.6);
  ctx.font = "12px system-ui, sans-serif";
  ctx.textAlign = "center";
  shares.forEach((s, i) => {
    const center = slot * i + slot / 2;
    const drawBar = (value: number, left: number, color: string) => {
      const barHeight = (value / top) * (plotHeight - 8);
      ctx.fillStyle = color;
      ctx.fillRect(left, plotHeight - barHeight, bar, barHeight);
    };
    drawBar(s.baseline, center - bar - 1, "#9ca3af");
    drawBar(s.current, center + 1, PALETTE[0]);
    ctx.fillStyle = "#111827";
    const text = s.category.length > 14 ? `${s.category.slice(0, 13)}…` : s.category;
    ctx.fillText(text, center, plotHeight + 16);
    if (s.isNew) {
      ctx.fillStyle = "#b91c1c";
      ctx.fillText("new", center, plotHeight + 32);
    }
  });
  // The scale: the tallest bar's share, top left, so bars read as percentages.
  ctx.fillStyle = "#4b5563";
  ctx.textAlign = "left";
  ctx.fillText(`${(top * 100).toFixed(1)} %`, 2, 12);
  ctx.strokeStyle = "#374151";
  ctx.beginPath();
  ctx.moveTo(0, plotHeight + 0.5);
  ctx.lineTo(width, plotHeight + 0.5);
  ctx.stroke();
  return figure;
}

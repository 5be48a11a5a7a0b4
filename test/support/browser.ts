/**
 * A real Chromium for browser tests and benchmarks: Debian's /usr/bin/chromium driven by
 * playwright-core (no browser download), plus what the console's tests check inside a page:
 * whether a canvas drew data, and an axe-core scan.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";

/** Debian's chromium package (.ci/run installs it). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Why browser tests cannot run here, or null when they can. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `${CHROMIUM_PATH} is not installed (apt-get install chromium): the console's browser tests need a real Chromium`;
}

/** Launches headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ["--no-sandbox", "--disable-gpu"] });
}

/** Per canvas of `selector`: its accessible name and how many of its pixels are a saturated colour. */
export type CanvasInk = { label: string; inkPixels: number; width: number; height: number };

/**
 * Counts, per canvas, the pixels whose colour is saturated (max − min channel > 60): the series
 * and bars the console draws use saturated colours, while grid lines, axes and text are greys.
 * So a canvas with only its axes counts 0, and one with a drawn line counts hundreds.
 */
export function canvasInk(page: Page, selector: string): Promise<CanvasInk[]> {
  return page.$$eval(selector, (canvases) =>
    (canvases as HTMLCanvasElement[]).map((canvas) => {
      const ctx = canvas.getContext("2d");
      const label = canvas.closest("figure")?.querySelector("figcaption")?.textContent ?? canvas.getAttribute("aria-label") ?? "";
      if (ctx === null || canvas.width === 0 || canvas.height === 0) return { label, inkPixels: 0, width: canvas.width, height: canvas.height };
      const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let ink = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3] < 128) continue;
        const max = Math.max(pixels[i], pixels[i + 1], pixels[i + 2]);
        const min = Math.min(pixels[i], pixels[i + 1], pixels[i + 2]);
        if (max - min > 60) ink += 1;
      }
      return { label, inkPixels: ink, width: canvas.width, height: canvas.height };
    }),
  );
}

/** One axe-core violation, reduced to what a failure message needs. */
export type AxeViolation = { id: string; impact: string | null; help: string; targets: string[] };

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is. The script is evaluated
 * through the DevTools protocol, which the page's CSP does not govern, so the CSP under test
 * stays strict.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  });
}

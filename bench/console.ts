/**
 * `npm run bench:console` (docs/benchmarks.md, "Console"): what the browser console costs.
 *
 * 1. JavaScript and CSS shipped: the built console (console/build.mjs, minified), gzip -9, beside
 *    uPlot's own minified build gzipped (the part we did not write). Target: ≤ 100 KB of JS.
 * 2. Time until the model page of a 50-feature model has drawn everything, in Debian's Chromium
 *    (headless, playwright-core) against `wrangler dev` on loopback: from navigation start to the
 *    app's `driftline:ready` mark, set once every section has drawn its charts or its notice
 *    (3 health charts, 50 sparklines, the feature's two charts, the tables). A fresh browser
 *    context per run (no cache), the token set in sessionStorage before load. One cold run
 *    (first queries after the seeding) reported apart, then the median of RUNS. Target: ≤ 1.5 s.
 *
 * The model: 50 numeric features, an hour of traffic (40 predictions a minute, backdated), ten
 * features drifting in the second half, a training baseline of 5 000 rows. Loopback only.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildConsole, CONSOLE_DIST } from "../console/build.mjs";
import { buildBaseline, uploadBaseline } from "../sdk/src/index.ts";
import { canvasInk, chromiumMissing, launchChromium } from "../test/support/browser.ts";
import { postLogs } from "../test/support/otlp-json.ts";
import { startWorker } from "../test/support/worker.ts";
import { seededRandom } from "@driftline/collector/testing";

const MODEL = "bench-50";
const FEATURES = Array.from({ length: 50 }, (_, i) => `f${String(i).padStart(2, "0")}`);
const MINUTES = 60;
const PER_MINUTE = 40;
const MINUTES_PER_REQUEST = 10;
const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 7);
const TARGET_JS_KB = 100;
const TARGET_DRAW_MS = 1500;

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const gzipBytes = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function row(random: () => number, drift: boolean): Record<string, number> {
  const out: Record<string, number> = {};
  FEATURES.forEach((name, i) => {
    out[name] = random() + random() + random() - 1.5 + (drift && i < 10 ? 0.5 : 0);
  });
  return out;
}

function predictionsAt(records: Record<string, string | number>[], timesMs: number[]): string {
  const logRecords = records.map((attributes, i) => ({
    timeUnixNano: `${timesMs[i]}000000`,
    eventName: "ml.prediction",
    attributes: Object.entries(attributes).map(([key, value]) => ({ key, value: typeof value === "number" ? { doubleValue: value } : { stringValue: value } })),
  }));
  return JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ scope: { name: "driftline-bench" }, logRecords }] }] });
}

async function shipped(): Promise<void> {
  await buildConsole();
  const js = readFileSync(join(CONSOLE_DIST, "app.js"));
  const css = readFileSync(join(CONSOLE_DIST, "app.css"));
  const html = readFileSync(join(CONSOLE_DIST, "index.html"));
  const uplot = readFileSync(createRequire(import.meta.url).resolve("uplot/dist/uPlot.iife.min.js"));
  console.log("── Shipped (minified, gzip -9)");
  console.log(`  app.js      ${kb(js.length)} KB raw, ${kb(gzipBytes(js))} KB gzip   (target ≤ ${TARGET_JS_KB} KB)`);
  console.log(`    of which uPlot's own minified build: ${kb(uplot.length)} KB raw, ${kb(gzipBytes(uplot))} KB gzip`);
  console.log(`  app.css     ${kb(css.length)} KB raw, ${kb(gzipBytes(css))} KB gzip`);
  console.log(`  index.html  ${kb(html.length)} KB raw, ${kb(gzipBytes(html))} KB gzip`);
}

async function main(): Promise<void> {
  await shipped();
  const missing = chromiumMissing();
  if (missing !== null) throw new Error(`bench:console needs Chromium for the drawing time: ${missing}`);
  const worker = await startWorker();
  const browser = await launchChromium();
  try {
    const random = seededRandom(16);
    const training = Array.from({ length: 5_000 }, () => row(random, false));
    await uploadBaseline(await buildBaseline(training), { endpoint: worker.url, token: worker.ingestToken, model: MODEL, version: "v1" });
    const endMinute = Math.floor(Date.now() / 60_000);
    const firstMinute = endMinute - MINUTES + 1;
    for (let from = firstMinute; from <= endMinute; from += MINUTES_PER_REQUEST) {
      const records: Record<string, string | number>[] = [];
      const timesMs: number[] = [];
      for (let m = from; m < Math.min(from + MINUTES_PER_REQUEST, endMinute + 1); m++) {
        for (let k = 0; k < PER_MINUTE; k++) {
          const record: Record<string, string | number> = { "ml.model.id": MODEL, "ml.model.version": "v1", "ml.prediction.latency": 0.01 + 0.02 * random() };
          for (const [name, value] of Object.entries(row(random, m - firstMinute >= MINUTES / 2))) record[`ml.feature.${name}`] = value;
          records.push(record);
          timesMs.push(Math.min(m * 60_000 + Math.floor((k * 60_000) / PER_MINUTE), Date.now()));
        }
      }
      const response = await postLogs(worker, predictionsAt(records, timesMs));
      if (response.status !== 200) throw new Error(`seeding: ${response.status} ${await response.text()}`);
    }
    console.log(`\n── Model page of a 50-feature model (${MINUTES} min of traffic, ${PER_MINUTE}/min), Chromium against wrangler dev`);
    // The machine is shared: its load says how far the figure is from an idle one.
    console.log(`  machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
    const url = `${worker.url}/#/models/${MODEL}?range=1h&version=v1&feature=f00`;
    const drawOnce = async (): Promise<{ ms: number; charts: number; blank: string[]; slowest: string[] }> => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addInitScript((token) => sessionStorage.setItem("driftline.readToken", token), worker.readToken);
      const page = await context.newPage();
      // Where the time goes: each API request's duration, with its query when it is PromQL.
      const requestMs: { what: string; ms: number }[] = [];
      page.on("requestfinished", (request) => {
        const timing = request.timing();
        const query = new URLSearchParams(request.postData() ?? "").get("query");
        requestMs.push({ what: `${new URL(request.url()).pathname}${query === null ? "" : ` ${query}`}`, ms: timing.responseEnd });
      });
      await page.goto(url);
      await page.waitForSelector("body[data-ready]", { timeout: 60_000 });
      const ms = await page.evaluate(() => performance.getEntriesByName("driftline:ready").at(-1)?.startTime ?? Number.NaN);
      const ink = await canvasInk(page, ".chart canvas, canvas.sparkline");
      await context.close();
      const slowest = requestMs.sort((a, b) => b.ms - a.ms).slice(0, 5).map((r) => `${r.ms.toFixed(0).padStart(6)} ms  ${r.what.slice(0, 150)}`);
      return { ms, charts: ink.length, blank: ink.filter((c) => c.inkPixels === 0).map((c) => c.label), slowest };
    };
    const cold = await drawOnce();
    console.log(`  cold (first read after seeding): ${cold.ms.toFixed(0)} ms, ${cold.charts} canvases; its slowest requests:`);
    for (const line of cold.slowest) console.log(`    ${line}`);
    const times: number[] = [];
    let last = cold;
    for (let i = 0; i < RUNS; i++) {
      last = await drawOnce();
      if (last.blank.length > 0) throw new Error(`blank charts: ${last.blank.join(", ")}`);
      times.push(last.ms);
    }
    const med = median(times);
    console.log(`  warm: median ${med.toFixed(0)} ms over ${RUNS} runs (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}), ${cold.charts} canvases with data   (target ≤ ${TARGET_DRAW_MS} ms: ${med <= TARGET_DRAW_MS ? "met" : "missed"}); the last run's slowest requests:`);
    for (const line of last.slowest) console.log(`    ${line}`);
  } finally {
    await browser.close();
    await worker.stop();
  }
}

await main();

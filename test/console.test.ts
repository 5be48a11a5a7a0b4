/**
 * The browser console (issue 16) in a real Chromium against `wrangler dev`, loaded with the
 * demo's seeded traffic (income and employment drifted, outcomes, segments, a firing drift
 * rule with a delivered webhook). It signs in, visits every page, and checks what a person
 * relies on: the charts drew data, the drifted feature is marked alert and an untouched one
 * ok, the numbers equal the JSON APIs', the token stays out of URLs and localStorage, the
 * keyboard works, the browser logs no error, no request leaves the Worker's origin, and
 * axe-core finds no serious or critical violation. Screenshots go to test-artifacts/console/.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODELS_QUERIES } from "../console/src/pages/models.ts";
import { axeViolations, canvasInk, chromiumMissing, launchChromium } from "./support/browser.ts";
import { CONSOLE_MODEL, loadConsoleData } from "./support/console-data.ts";
import { postLogs, predictionsRequest } from "./support/otlp-json.ts";
import { startWorker } from "./support/worker.ts";
import type { Browser, Page } from "playwright-core";
import type { ConsoleData } from "./support/console-data.ts";
import type { RunningWorker } from "./support/worker.ts";

const ARTIFACTS = resolve(import.meta.dirname, "..", "test-artifacts", "console");
const missing = chromiumMissing();
if (missing !== null) console.log(`skipping the console's browser tests: ${missing}`);

let worker: RunningWorker;
let data: ConsoleData;
let browser: Browser;
let page: Page;
/** Every console message of type error (with the URL it is about), every uncaught page error, every request URL. */
const consoleErrors: { text: string; url: string }[] = [];
const requests: string[] = [];

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${worker.url}${path}`, { headers: { Authorization: `Bearer ${worker.readToken}` } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

async function promql(query: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const body = await api<{ data: { result: { metric: Record<string, string>; value: [number, string] }[] } }>(`/api/v1/query?query=${encodeURIComponent(query)}`);
  return body.data.result;
}

/** Sets the hash and waits until the app marks the new view ready. */
async function open(hash: string): Promise<void> {
  await page.evaluate((h) => {
    document.body.removeAttribute("data-ready");
    location.hash = h;
  }, hash);
  await page.waitForSelector("body[data-ready]", { timeout: 30_000 });
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** A number the console printed ("0.275", "4.41e-5", "1,234", "67 %"), as a number. */
function parseShown(text: string): number {
  return Number(text.replace(/[,%\s]|ms/g, ""));
}

/** Whether `shown` is `expected` printed to 3 significant digits. */
function expectShown(shown: string, expected: number, what: string): void {
  const value = parseShown(shown);
  expect(Number.isFinite(value), `${what}: "${shown}" is not a number`).toBe(true);
  expect(Math.abs(value - expected), `${what}: shown ${shown}, API ${expected}`).toBeLessThanOrEqual(Math.abs(expected) * 5e-3 + 1e-12);
}

beforeAll(async () => {
  if (missing !== null) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  worker = await startWorker({ vars: { ALERT_MIN_INTERVAL_SECONDS: "1" } });
  data = await loadConsoleData(worker);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push({ text: message.text(), url: message.location().url });
  });
  page.on("pageerror", (error) => consoleErrors.push({ text: error.message, url: "" }));
  page.on("request", (request) => requests.push(request.url()));
}, 150_000);

afterAll(async () => {
  await browser?.close();
  data?.hook.close();
  await worker?.stop();
});

describe.skipIf(missing !== null)("the console in Chromium", () => {
  it("serves the console at / with a strict CSP while the API, OTLP, /metrics and /healthz still reach the Worker", async () => {
    const index = await fetch(`${worker.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toMatch(/text\/html/);
    expect(index.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
    expect(await index.text()).toContain('<script type="module" src="/app.js">');
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${worker.url}/api/models`)).status).toBe(401);
    expect((await fetch(`${worker.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${worker.url}/v1/logs`, { method: "POST" })).status).toBe(401);
  });

  it("refuses a wrong token with a message, then signs in with the read token kept only in sessionStorage", async () => {
    await page.goto(`${worker.url}/`);
    await page.waitForSelector("#sign-in");
    await shot("sign-in");
    await page.fill("#token", "not-a-token");
    await page.press("#token", "Enter");
    await expect.poll(() => page.textContent("#sign-in [role=alert]")).toMatch(/sign-in failed \(HTTP 401\)/);
    await page.fill("#token", worker.readToken);
    await page.press("#token", "Enter");
    await page.waitForSelector("body[data-ready] #models-table");
    const storage = await page.evaluate(() => ({ local: { ...localStorage }, session: { ...sessionStorage } }));
    expect(storage.local).toEqual({});
    expect(Object.values(storage.session)).toEqual([worker.readToken]);
  });

  it("lists the model on the models page with the figures of the JSON APIs", async () => {
    await shot("models");
    const row = page.locator(`#models-table tr[data-model="${CONSOLE_MODEL}"]`);
    const [predictions] = await promql(MODELS_QUERIES.predictions);
    expectShown(await row.locator('[data-col="per-minute"]').innerText(), Number(predictions.value[1]) / 60, "predictions per minute");
    // The same figure from another API: the versions' rates over the same hour.
    const compare = await api<{ versions: { predictionsPerSecond: number }[] }>(`/api/models/${CONSOLE_MODEL}/compare?window=1h`);
    expectShown(await row.locator('[data-col="per-minute"]').innerText(), compare.versions.reduce((n, v) => n + v.predictionsPerSecond * 60, 0), "predictions per minute (compare)");
    const [p95] = await promql(MODELS_QUERIES.p95);
    expectShown(await row.locator('[data-col="p95"]').innerText(), Number(p95.value[1]) * 1000, "p95 latency, ms");
    const drift = await api<{ features: { status: string }[] }>(`/api/models/${CONSOLE_MODEL}/drift?version=v1&window=1h`);
    const alerts = drift.features.filter((f) => f.status === "alert").length;
    expect(alerts).toBeGreaterThanOrEqual(2);
    expect(await row.locator('[data-col="drift"]').innerText()).toContain(`${alerts} alert`);
    expect(await row.locator('[data-col="firing"]').innerText()).toBe("1");
  });

  it("reaches the model page with the keyboard: Tab to the model's link, Enter, then a filter with the arrow keys", async () => {
    await page.focus("body");
    let focused = "";
    for (let i = 0; i < 10 && focused !== CONSOLE_MODEL; i += 1) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
    }
    expect(focused).toBe(CONSOLE_MODEL);
    await page.keyboard.press("Enter");
    await page.waitForSelector("body[data-ready] #drift-table");
    expect(page.url()).toContain(`#/models/${CONSOLE_MODEL}`);
    await page.focus("#range");
    await page.keyboard.press("ArrowDown");
    await page.waitForFunction(() => location.hash.includes("range=6h"));
    await page.waitForSelector("body[data-ready] #drift-table");
    expect(await page.inputValue("#range")).toBe("6h");
  });

  it("marks the drifted income alert and the untouched age ok, with each method's value equal to the drift API's", async () => {
    await open(`#/models/${CONSOLE_MODEL}?range=1h&version=v1`);
    await shot("model");
    const report = await api<{ features: { name: string; status: string; methods: { method: string; value: number | null }[] }[] }>(`/api/models/${CONSOLE_MODEL}/drift?version=v1&window=1h`);
    for (const [name, status] of [["income", "alert"], ["age", "ok"]] as const) {
      const row = page.locator(`#drift-table tr[data-feature="${name}"]`);
      expect(await row.getAttribute("data-status"), name).toBe(status);
      expect(await row.locator(".status").innerText(), name).toBe(status);
      const api = report.features.find((f) => f.name === name);
      expect(api?.status).toBe(status);
      for (const method of api?.methods ?? []) {
        expectShown(await row.locator(`[data-method="${method.method}"]`).innerText(), method.value as number, `${name} ${method.method}`);
      }
    }
    // Worst first: every alert row before every ok row.
    const statuses = await page.$$eval("#drift-table tbody tr", (rows) => rows.map((r) => r.getAttribute("data-status")));
    expect(statuses.lastIndexOf("alert")).toBeLessThan(statuses.indexOf("ok"));
    const compare = await api<{ versions: { version: string; predictions: number }[] }>(`/api/models/${CONSOLE_MODEL}/compare?window=1h`);
    for (const v of compare.versions) expect(parseShown(await page.locator(`#compare-table tr[data-version="${v.version}"] [data-col="predictions"]`).innerText())).toBe(v.predictions);
    expect(await page.locator(`#rules-table tr[data-rule="${data.rule}"]`).innerText()).toContain("firing");
    expect(await page.locator("#deliveries-table tbody tr").count()).toBeGreaterThanOrEqual(1);
  });

  it("draws data on every chart of the model page: health, sparklines, the feature's distributions and drift, accuracy", async () => {
    await open(`#/models/${CONSOLE_MODEL}?range=1h&version=v1&feature=income`);
    await shot("feature-income");
    const charts = await canvasInk(page, ".chart canvas, canvas.sparkline");
    const captions = charts.map((c) => c.label);
    for (const title of ["Throughput", "Errors", "Latency", "Distribution", "Drift of income", "Scores", "F1 per class", "Accuracy per segment"]) {
      expect(captions.some((c) => c.startsWith(title)), `a chart "${title}…" among ${captions.join(" | ")}`).toBe(true);
    }
    expect(charts.filter((c) => c.label.startsWith("PSI of")).length).toBe(await page.locator("#drift-table tbody tr").count());
    for (const chart of charts) expect(chart.inkPixels, `${chart.label}: no data drawn`).toBeGreaterThan(chart.label.startsWith("PSI of") ? 5 : 20);
  });

  it("shows a categorical feature as bars per category, baseline against current", async () => {
    await open(`#/models/${CONSOLE_MODEL}?range=1h&version=v1&feature=employment`);
    await shot("feature-employment");
    const [bars] = await canvasInk(page, "#feature canvas.bars");
    expect(bars.inkPixels).toBeGreaterThan(500);
    const label = await page.locator("#feature figure[role=img]").getAttribute("aria-label");
    for (const category of ["salaried", "contract", "unemployed"]) expect(label).toContain(category);
  });

  it("filters by segment and says what to do where a view has no data", async () => {
    await open(`#/models/${CONSOLE_MODEL}?range=6h&version=v2&segment=home_ownership%3Drent`);
    await shot("segment");
    expect(await page.inputValue("#segment")).toBe("home_ownership=rent");
    expect(await page.locator("#drift-table tbody tr").count()).toBeGreaterThan(0);
    expect(await page.locator("#feature .notice-empty").innerText()).toMatch(/Select a feature/);
  });

  it("says what to do for a model without baseline, actuals or rules, and what failed for an unknown model", async () => {
    const logs = await postLogs(worker, predictionsRequest([{ "ml.model.id": "fresh", "ml.model.version": "v1", "ml.feature.x": 1, "ml.prediction.latency": 0.01 }]));
    expect(logs.status).toBe(200);
    await open("#/models/fresh?range=1h");
    await shot("empty-states");
    expect(await page.locator("#drift .notice-empty").innerText()).toContain("npx driftline baseline upload --model fresh --version v1 --csv training.csv");
    expect(await page.locator("#accuracy .notice-empty").innerText()).toMatch(/No actuals joined for version v1.*ml\.actual/s);
    expect(await page.locator("#alerts .notice-empty").innerText()).toMatch(/No alert rules.*curl -X PUT/s);
    await open("#/models/no-such-model?range=1h");
    expect(await page.locator("main [role=alert]").innerText()).toMatch(/GET \/api\/models\/no-such-model failed \(HTTP 404\): no model "no-such-model"/);
  });

  it("has no serious or critical accessibility violation (axe-core) on the models and model pages", async () => {
    const found: Record<string, unknown[]> = {};
    await open(`#/models/${CONSOLE_MODEL}?range=1h&version=v1&feature=employment`);
    found.model = (await axeViolations(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
    await open("#/");
    found.models = (await axeViolations(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(found).toEqual({ model: [], models: [] });
  });

  it("signs out: the token is gone and the sign-in form is back, which also passes axe", async () => {
    await page.click("#sign-out");
    await page.waitForSelector("#sign-in");
    expect(await page.evaluate(() => sessionStorage.length + localStorage.length)).toBe(0);
    expect((await axeViolations(page)).filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
  });

  it("logged no browser error, requested nothing outside the Worker, and never put the token in a URL", () => {
    // Chromium logs every non-2xx response as a failed resource load. Expected here: the wrong
    // token (401), the unknown model (404), and the drift API's 404 for "fresh", which has no
    // baseline: that answer is how the page learns it and shows the upload command.
    const expected = [
      { status: 401, path: "/api/models" },
      { status: 404, path: "/api/models/no-such-model" },
      { status: 404, path: "/api/models/fresh/drift?version=v1&window=1h" },
    ];
    const unexpected = consoleErrors.filter((e) => !expected.some((x) => e.text.includes(`status of ${x.status}`) && e.url === `${worker.url}${x.path}`));
    expect(unexpected).toEqual([]);
    expect(requests.length).toBeGreaterThan(20);
    expect(requests.filter((url) => !url.startsWith(`${worker.url}/`) && !url.startsWith("data:"))).toEqual([]);
    expect(requests.filter((url) => url.includes(worker.readToken))).toEqual([]);
  });
});

/**
 * Backfill end to end (issue 18, docs/backfill.md): 30 days of seeded history, each day with its
 * own shift of a feature, written to a CSV and sent by `driftline backfill` (the CLI as a user
 * runs it) into `wrangler dev`; then per-day drift and accuracy read through the query API equal
 * exact computations on the same rows. Rows 100 days old land in day buckets and are read back;
 * rows three years old are refused, counted and named in the summary.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBaseline, uploadBaseline } from "../sdk/src/index.ts";
import { exactClassification, exactNumericPsi, exactCategoricalPsi, seededRandom } from "@driftline/collector/testing";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";

const BIN = resolve(import.meta.dirname, "../node_modules/.bin/driftline");
const DAY_MS = 86_400_000;
const ROWS_PER_DAY = 1000;
const DAYS = 30;
const PLANS = ["basic", "plus", "pro"];

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
}, 120_000);
afterAll(async () => {
  await worker?.stop();
});

type Row = { timeMs: number; id: string; income: number; plan: string; predicted: string; score: number; actual: string };

/** Seeded standard normals (mulberry32 + Box–Muller). */
function normals(uniform: () => number, count: number): number[] {
  const out: number[] = [];
  while (out.length < count) out.push(Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()));
  return out;
}

/** A day's rows: income shifted by `shiftSigma`, the plan mix tilting with it, predictions right about 80 % of the time. */
function dayRows(day: number, dayStartMs: number, shiftSigma: number, count = ROWS_PER_DAY): Row[] {
  const uniform = seededRandom(1000 + day);
  return normals(uniform, count).map((z, i) => {
    const u = uniform();
    const plan = PLANS[u < 0.5 - shiftSigma / 4 ? 0 : u < 0.8 ? 1 : 2];
    const predicted = z > 0 ? "yes" : "no";
    const actual = uniform() < 0.8 ? predicted : predicted === "yes" ? "no" : "yes";
    // Spread over the day, away from its edges by a minute so no row sits on a boundary.
    const timeMs = dayStartMs + 60_000 + Math.floor(((DAY_MS - 120_000) * i) / count);
    return { timeMs, id: `d${day}-${i}`, income: 50_000 + 10_000 * (z + shiftSigma), plan, predicted, score: 0.6 + 0.3 * uniform(), actual };
  });
}

function csvOf(rows: Row[]): string {
  const path = join(mkdtempSync(join(tmpdir(), "driftline-backfill-")), "history.csv");
  const lines = ["ts,id,income,plan,pred,score,y", ...rows.map((r) => `${new Date(r.timeMs).toISOString()},${r.id},${r.income},${r.plan},${r.predicted},${r.score},${r.actual}`)];
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

type Run = { code: number; stdout: string; stderr: string };
function driftline(args: string[]): Promise<Run> {
  return new Promise((done) => {
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DRIFTLINE_ENDPOINT: worker.url, DRIFTLINE_TOKEN: worker.ingestToken };
    execFile(BIN, args, { env, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
    });
  });
}

/** One instant query's single value, or null when it answers no series. */
async function instant(promql: string, timeMs: number): Promise<number | null> {
  const url = `${worker.url}/api/v1/query?query=${encodeURIComponent(promql)}&time=${timeMs / 1000}`;
  const response = await fetch(url, { headers: { Authorization: `Bearer ${worker.readToken}` } });
  const body = (await response.json()) as { status: string; error?: string; data: { result: { value: [number, string] }[] } };
  expect(body.status, body.error).toBe("success");
  if (body.data.result.length === 0) return null;
  expect(body.data.result).toHaveLength(1);
  return Number(body.data.result[0].value[1]);
}

describe("backfill, end to end", () => {
  it("accepts 30 days of history with the CLI, and per-day drift and accuracy equal exact computations on the same rows", async () => {
    const todayStartMs = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const training = dayRows(-1, todayStartMs - 400 * DAY_MS, 0, 5000);
    const baseline = await buildBaseline(
      training.map((r) => ({ income: r.income, plan: r.plan, pred: r.predicted })),
      { prediction: "pred" },
    );
    await uploadBaseline(baseline, { endpoint: worker.url, token: worker.ingestToken, model: "history", version: "v1" });

    const days = Array.from({ length: DAYS }, (_, k) => {
      const ago = DAYS - k; // 30 … 1 days before today
      const startMs = todayStartMs - ago * DAY_MS;
      return { ago, startMs, rows: dayRows(ago, startMs, (k % 6) / 5) };
    });
    // 100 days old: past the hour retention, into day buckets. Three years old: refused.
    const old = { startMs: todayStartMs - 100 * DAY_MS, rows: dayRows(100, todayStartMs - 100 * DAY_MS, 0, 200) };
    const ancient = dayRows(1095, todayStartMs - 1095 * DAY_MS, 0, 3);
    const rows = [...ancient, ...old.rows, ...days.flatMap((d) => d.rows)];
    const run = await driftline([
      "backfill", "--csv", csvOf(rows), "--model", "history", "--version", "v1",
      "--time-column", "ts", "--id-column", "id", "--actual-column", "y", "--prediction-column", "pred", "--score-column", "score",
    ]);
    // Exit 6: the run finished but some records were refused (the three ancient rows, twice: prediction and actual).
    expect(run.code, run.stderr).toBe(6);
    expect(run.stdout).toContain(`${rows.length} rows, ${rows.length} predictions and ${rows.length} actuals`);
    expect(run.stdout).toContain(`${2 * rows.length - 6} records accepted, 6 refused`);
    expect(run.stdout).toMatch(/refused \(1 request\): .*timestamp older than the day retention \(732 days\)/);
    expect(run.stderr).toMatch(/100% /);

    for (const day of days) {
      const atMs = day.startMs + DAY_MS - 60_000; // the last minute of the day: its 1d window is that day exactly
      const psi = await instant('driftline_feature_drift{model="history",feature="income",method="psi",window="1d"}', atMs);
      const exact = exactNumericPsi(training.map((r) => r.income), day.rows.map((r) => r.income));
      expect(psi, `income PSI ${day.ago} days ago`).not.toBeNull();
      expect(Math.abs(psi! - exact), `income PSI ${day.ago} days ago: ${psi} vs exact ${exact}`).toBeLessThanOrEqual(0.02);
      const planPsi = await instant('driftline_feature_drift{model="history",feature="plan",method="psi",window="1d"}', atMs);
      expect(planPsi, `plan PSI ${day.ago} days ago`).toBeCloseTo(exactCategoricalPsi(training.map((r) => r.plan), day.rows.map((r) => r.plan)), 9);
      const accuracy = await instant('driftline_accuracy{model="history",metric="accuracy",window="1d"}', atMs);
      const exactAccuracy = exactClassification(day.rows.map((r) => r.actual), day.rows.map((r) => r.predicted)).accuracy;
      expect(accuracy, `accuracy ${day.ago} days ago`).toBeCloseTo(exactAccuracy, 9);
    }
    // The day 100 days ago is read from its day bucket.
    const oldAccuracy = await instant('driftline_accuracy{model="history",metric="accuracy",window="1d"}', old.startMs + DAY_MS - 60_000);
    expect(oldAccuracy).toBeCloseTo(exactClassification(old.rows.map((r) => r.actual), old.rows.map((r) => r.predicted)).accuracy, 9);
  }, 600_000);
});

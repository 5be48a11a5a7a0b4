/**
 * End to end against `wrangler dev`: a baseline built from a CSV by the SDK is uploaded, traffic
 * with one feature shifted by 1σ arrives as plain OTLP/JSON, and the drift API tells the shifted
 * feature (alert) from the unchanged ones (ok). Also the reference-window baseline.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baselineToJson, buildBaseline, uploadBaseline } from "../sdk/src/index.ts";
import { columnBytes } from "../sdk/src/baseline/wire.ts";
import { postLogs, predictionsRequest } from "./support/otlp-json.ts";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";
import { seededRandom } from "@driftline/collector/testing";

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
}, 120_000);
afterAll(async () => {
  await worker?.stop();
});

/** Seeded standard normals (mulberry32 + Box–Muller): the same data on every run. */
function normals(seed: number, count: number): number[] {
  const uniform = seededRandom(seed);
  const out: number[] = [];
  while (out.length < count) out.push(Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()));
  return out;
}

const PLANS = ["basic", "plus", "pro"];

type Row = { income: number; age: number; plan: string; score: number };

function rowsOf(seed: number, count: number, incomeShiftSigma = 0): Row[] {
  const a = normals(seed, count);
  const b = normals(seed + 1, count);
  return a.map((z, i) => ({ income: 50_000 + 10_000 * (z + incomeShiftSigma), age: 40 + 12 * b[i], plan: PLANS[i % 3], score: 0.5 + 0.1 * b[i] }));
}

/** One OTLP/JSON logs request with an `ml.prediction` event per row, timestamped now. */
async function sendPredictions(model: string, version: string, rows: Row[]): Promise<void> {
  const records = rows.map((row) => ({
    "ml.model.id": model,
    "ml.model.version": version,
    "ml.feature.income": row.income,
    "ml.feature.age": row.age,
    "ml.feature.plan": row.plan,
    "ml.prediction.value": row.score,
  }));
  const response = await postLogs(worker, predictionsRequest(records));
  expect(response.status, await response.text()).toBe(200);
}

async function readJson(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${worker.url}${path}`, { headers: { Authorization: `Bearer ${worker.readToken}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

type DriftBody = { status: string; features: { name: string; status: string; currentCount: number }[]; prediction: { status: string } | null };

describe("baselines and drift, end to end", () => {
  it("builds byte-equal baselines from a CSV and from the same rows in memory", async () => {
    const rows = rowsOf(1, 3000);
    const path = join(mkdtempSync(join(tmpdir(), "driftline-e2e-")), "train.csv");
    writeFileSync(path, `income,age,plan,score\n${rows.map((r) => `${r.income},${r.age},${r.plan},${r.score}`).join("\n")}\n`);
    const fromCsv = await buildBaseline(path, { prediction: "score" });
    const fromRows = await buildBaseline(rows, { prediction: "score" });
    for (const name of ["income", "age", "plan"]) {
      expect(Buffer.from(columnBytes(fromCsv.features.get(name)!)).equals(Buffer.from(columnBytes(fromRows.features.get(name)!))), name).toBe(true);
    }
    expect(Buffer.from(columnBytes(fromCsv.prediction!)).equals(Buffer.from(columnBytes(fromRows.prediction!)))).toBe(true);
  });

  it("shows a feature shifted by 1σ as alert and unchanged ones as ok over a 5m window", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "driftline-e2e-")), "train.csv");
    const training = rowsOf(7, 5000);
    writeFileSync(path, `income,age,plan,score\n${training.map((r) => `${r.income},${r.age},${r.plan},${r.score}`).join("\n")}\n`);
    const baseline = await buildBaseline(path, { prediction: "score" });
    const stored = await uploadBaseline(baseline, { endpoint: worker.url, token: worker.ingestToken, model: "credit", version: "v1" });
    expect(stored.features.map((f) => f.name)).toEqual(["age", "income", "plan"]);

    await sendPredictions("credit", "v1", rowsOf(99, 2000, 1));
    const { status, body } = await readJson("/api/models/credit/drift?version=v1&window=5m");
    expect(status).toBe(200);
    const drift = body as unknown as DriftBody;
    const byName = Object.fromEntries(drift.features.map((f) => [f.name, f]));
    expect(byName.income).toMatchObject({ status: "alert", currentCount: 2000 });
    expect(byName.age.status).toBe("ok");
    expect(byName.plan.status).toBe("ok");
    expect(drift.prediction?.status).toBe("ok");
    expect(drift.status).toBe("alert");
  });

  it("makes a reference window of received traffic the baseline, against which the same traffic is ok", async () => {
    await sendPredictions("credit", "v2", rowsOf(3, 1500));
    const now = Date.now();
    const response = await fetch(`${worker.url}/api/models/credit/versions/v2/baseline`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${worker.ingestToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ from: new Date(now - 600_000).toISOString(), to: new Date(now + 120_000).toISOString() }),
    });
    expect(response.status).toBe(200);
    const stored = await readJson("/api/models/credit/versions/v2/baseline");
    expect(stored.body).toMatchObject({ source: "window", rows: 1500, features: [{ name: "age", count: 1500 }, { name: "income" }, { name: "plan" }], prediction: { type: "numeric", count: 1500 } });
    const drift = (await readJson("/api/models/credit/drift?version=v2&window=5m")).body as unknown as DriftBody;
    expect(drift.features.map((f) => f.status)).toEqual(["ok", "ok", "ok"]);
  });

  it("uploads a wide baseline (300 features, sent gzipped past 64 KiB) and stores every feature", async () => {
    const z = normals(11, 4000);
    const rows = z.map((v, i) => Object.fromEntries(Array.from({ length: 300 }, (_, f) => [`f${f}`, v * (f + 1) + i]))) as Record<string, number>[];
    const baseline = await buildBaseline(rows);
    // Past the SDK's 64 KiB gzip threshold, so the Worker inflates it.
    expect(JSON.stringify(baselineToJson(baseline)).length).toBeGreaterThan(64 * 1024);
    const stored = await uploadBaseline(baseline, { endpoint: worker.url, token: worker.ingestToken, model: "wide", version: "v1" });
    expect(stored.features).toHaveLength(300);
    expect(stored.features[0]).toMatchObject({ type: "numeric", count: 4000 });
  });
});

/**
 * Baselines from any language, end to end against wrangler dev (issue 15): the Worker builds a
 * baseline from CSV with the collector's builder, the one the Node SDK runs; Python uploads a
 * pandas-style CSV in parts that the Worker merges; the CLI mirrors the Node one; a prediction
 * kind that differs between baseline and traffic is named in the drift answer.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBaseline, uploadBaseline } from "../sdk/src/index.ts";
import { postLogs } from "./support/otlp-json.ts";
import { runPython } from "./support/python.ts";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker();
}, 120_000);
afterAll(async () => {
  await worker?.stop();
});

const PLANS = ["basic", "pro", "team"];

/** Seeded uniform numbers (mulberry32). */
function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Row = { income: number; age: number; plan: string; vip: boolean; label: string; score: number };

function rowsOf(seed: number, count: number, incomeShift = 0): Row[] {
  const random = uniform(seed);
  return Array.from({ length: count }, () => {
    const score = 0.5 + random() / 2;
    return { income: Math.round((40_000 + 20_000 * random() + incomeShift) * 100) / 100, age: 20 + Math.floor(random() * 50), plan: PLANS[Math.floor(random() * 3)], vip: random() < 0.3, label: random() < 0.6 ? "approve" : "decline", score: Math.round(score * 1e4) / 1e4 };
  });
}

/** What pandas' DataFrame.to_csv() writes: an unnamed index column first, booleans as True/False. */
function pandasCsv(rows: Row[]): string {
  const path = join(mkdtempSync(join(tmpdir(), "driftline-py-baseline-")), "train.csv");
  writeFileSync(path, `,income,age,plan,vip,label,score\n${rows.map((r, i) => `${i},${r.income},${r.age},${r.plan},${r.vip ? "True" : "False"},${r.label},${r.score}`).join("\n")}\n`);
  return path;
}

/** OTLP/JSON `ml.prediction` events as an OpenTelemetry SDK sends them: booleans as boolValue. */
async function sendTraffic(model: string, version: string, rows: Row[], predictionAs: "label" | "value" = "label"): Promise<void> {
  const timeUnixNano = String(BigInt(Date.now()) * 1_000_000n);
  const s = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const d = (key: string, value: number) => ({ key, value: { doubleValue: value } });
  const logRecords = rows.map((r) => ({
    timeUnixNano,
    eventName: "ml.prediction",
    attributes: [
      s("ml.model.id", model),
      s("ml.model.version", version),
      d("ml.feature.income", r.income),
      d("ml.feature.age", r.age),
      s("ml.feature.plan", r.plan),
      { key: "ml.feature.vip", value: { boolValue: r.vip } },
      ...(predictionAs === "label" ? [s("ml.prediction.label", r.label), d("ml.prediction.score", r.score)] : [d("ml.prediction.value", r.score)]),
    ],
  }));
  const response = await postLogs(worker, JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ scope: { name: "test" }, logRecords }] }] }));
  expect(response.status, await response.text()).toBe(200);
}

type MethodDrift = { method: string; value: number | null; pValue?: number | null; status: string };
type SeriesDrift = { name: string; type: string; status: string; baselineCount: number; currentCount: number; methods: MethodDrift[]; mismatch?: string };
type Drift = { status: string; features: SeriesDrift[]; prediction: SeriesDrift | null; score?: SeriesDrift | null; problems?: string[] };

async function drift(model: string, version: string): Promise<Drift> {
  const response = await fetch(`${worker.url}/api/models/${model}/drift?version=${version}&window=1h`, { headers: { Authorization: `Bearer ${worker.readToken}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as Drift;
}

function putCsv(path: string, body: string): Promise<Response> {
  return fetch(`${worker.url}${path}`, { method: "PUT", headers: { Authorization: `Bearer ${worker.ingestToken}`, "Content-Type": "text/csv" }, body });
}

describe("baselines from any language", () => {
  const training = rowsOf(1, 3000);
  const traffic = rowsOf(2, 1500, 4_000);

  it("gives the same drift for a pandas-style CSV uploaded by Python in three parts as for the Node SDK's baseline of the file", async () => {
    const path = pandasCsv(training);
    const node = await buildBaseline(path, { prediction: "label", score: "score" });
    expect(node.notices).toEqual([expect.stringContaining("column 1 has no name; read as the index pandas writes")]);
    await uploadBaseline(node, { endpoint: worker.url, token: worker.ingestToken, model: "parity", version: "node" });

    const partBytes = Math.ceil(statSync(path).size / 3);
    const script = `import json, sys, driftline
parts = []
stored = driftline.upload_baseline(sys.argv[1], "parity", "python", prediction="label", score="score", endpoint=sys.argv[2], token=sys.argv[3], part_bytes=${partBytes}, progress=parts.append)
print(json.dumps({"stored": stored, "parts": parts}))`;
    const run = await runPython(["-c", script, path, worker.url, worker.ingestToken], {});
    expect(run.code, run.stderr).toBe(0);
    const { stored } = JSON.parse(run.stdout) as { stored: { parts: number[]; rows: number; notices: string[]; prediction: { kind: string } } };
    expect(stored.parts).toEqual([1, 2, 3]);
    expect(stored.rows).toBe(3000);
    expect(stored.prediction.kind).toBe("label_with_score");
    expect(stored.notices).toEqual([expect.stringContaining("read as the index pandas writes")]);

    // The Worker's single-request CSV route runs the SDK's builder: byte-equal sketches, identical drift.
    const single = await putCsv("/api/models/parity/baselines/worker?prediction=label&score=score", readFileSync(path, "utf8"));
    expect(single.status, await single.clone().text()).toBe(200);

    for (const version of ["node", "python", "worker"]) await sendTraffic("parity", version, traffic);
    const [fromNode, fromPython, fromWorker] = await Promise.all(["node", "python", "worker"].map((v) => drift("parity", v)));
    expect(fromWorker.features).toEqual(fromNode.features);
    expect(fromWorker.prediction).toEqual(fromNode.prediction);
    expect(fromNode.features.map((f) => [f.name, f.type])).toEqual([["age", "numeric"], ["income", "numeric"], ["plan", "categorical"], ["vip", "categorical"]]);
    // Booleans: True/False in the CSV and boolValue on the wire are one category each (issue 15: PSI 17.45 before).
    const vip = fromNode.features.find((f) => f.name === "vip")!;
    expect(vip.status).toBe("ok");
    expect(fromNode.features.find((f) => f.name === "income")!.status).toBe("alert");

    // Three parts: digests merged rather than built in one pass, categories exact.
    expect(fromPython.status).toBe(fromNode.status);
    for (const [i, feature] of fromPython.features.entries()) {
      const expected = fromNode.features[i];
      expect([feature.name, feature.status, feature.baselineCount, feature.currentCount]).toEqual([expected.name, expected.status, expected.baselineCount, expected.currentCount]);
      for (const [j, method] of feature.methods.entries()) {
        const want = expected.methods[j];
        expect(method.status, `${feature.name} ${method.method}`).toBe(want.status);
        // Categories merge exactly (only the summation order differs, by an ulp); digests within a stated bound.
        if (feature.type === "categorical") expect(method.value ?? 0).toBeCloseTo(want.value ?? 0, 12);
        else expect(Math.abs((method.value ?? 0) - (want.value ?? 0)), `${feature.name} ${method.method}`).toBeLessThanOrEqual(0.01 + 0.01 * Math.abs(want.value ?? 0));
      }
    }
    for (const [j, method] of (fromPython.prediction?.methods ?? []).entries()) {
      expect(method.status).toBe(fromNode.prediction!.methods[j].status);
      expect(method.value ?? 0).toBeCloseTo(fromNode.prediction!.methods[j].value ?? 0, 12);
    }
    expect(fromPython.score?.status).toBe(fromNode.score?.status);
  }, 120_000);

  it("names a prediction-kind mismatch in the drift answer, with status no_data rather than ok", async () => {
    const path = pandasCsv(training);
    const upload = await runPython(["-m", "driftline", "baseline", "upload", "--model", "kinds", "--version", "v1", "--csv", path, "--prediction", "score", "--exclude", "label"], {
      DRIFTLINE_ENDPOINT: worker.url,
      DRIFTLINE_TOKEN: worker.ingestToken,
    });
    expect(upload.code, upload.stderr).toBe(0);
    expect(upload.stdout).toContain("prediction (value)");
    // Traffic unchanged from training: every feature ok, so only the mismatch could make the status not ok.
    await sendTraffic("kinds", "v1", rowsOf(5, 1500));
    const answer = await drift("kinds", "v1");
    expect(answer.features.every((f) => f.status === "ok")).toBe(true);
    expect(answer.prediction?.status).toBe("no_data");
    expect(answer.prediction?.mismatch).toMatch(/^baseline has prediction_value, traffic sends ml\.prediction\.label with ml\.prediction\.score/);
    expect(answer.problems).toEqual([answer.prediction?.mismatch]);
    expect(answer.status).toBe("no_data");

    const status = await runPython(["-m", "driftline", "status"], { DRIFTLINE_ENDPOINT: worker.url, DRIFTLINE_READ_TOKEN: worker.readToken });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/kinds\s+v1\s+1500\s+0\s+no_data\s+baseline has prediction_value, traffic sends ml.prediction.label/);
  }, 120_000);

  it("refuses a part whose column type differs from an earlier part's, naming the column", async () => {
    expect((await putCsv("/api/models/typed/baselines/v1/parts/1", "age,plan\n31,a\n40,b\n")).status).toBe(200);
    const second = await putCsv("/api/models/typed/baselines/v1/parts/2", "age,plan\nthirty,a\n");
    expect(second.status).toBe(400);
    expect(((await second.json()) as { error: string }).error).toBe(
      'baseline part 2 refused: column "age" is numeric in part 1 but categorical in part 2: every part must give a column one type (declare it categorical, or fix the cells)',
    );
    const commit = await fetch(`${worker.url}/api/models/typed/baselines/v1/commit`, { method: "PUT", headers: { Authorization: `Bearer ${worker.ingestToken}` } });
    expect(commit.status).toBe(200);
    expect(((await commit.json()) as { rows: number; parts: number[] })).toMatchObject({ rows: 2, parts: [1] });
  });

  it("answers 415 for a body that is not text/csv and 400 naming an unknown parameter or a bad CSV", async () => {
    const json = await fetch(`${worker.url}/api/models/bad/baselines/v1`, { method: "PUT", headers: { Authorization: `Bearer ${worker.ingestToken}`, "Content-Type": "application/json" }, body: "{}" });
    expect(json.status).toBe(415);
    expect(((await json.json()) as { error: string }).error).toContain("must be Content-Type: text/csv");
    const unknown = await putCsv("/api/models/bad/baselines/v1?predicton=score", "a\n1\n");
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toBe('unknown query parameter "predicton" (parameters: prediction, score, target, exclude, categorical)');
    const unclosed = await putCsv("/api/models/bad/baselines/v1", 'a,b\n1,"x\n');
    expect(unclosed.status).toBe(400);
    expect(((await unclosed.json()) as { error: string }).error).toBe('CSV line 2: quoted field never closed (missing the closing ")');
  });

  it("exits 1 with the Worker's message for a refused token and 2 for a usage error, as the Node CLI", async () => {
    const path = pandasCsv(training.slice(0, 10));
    const refused = await runPython(["-m", "driftline", "baseline", "upload", "--model", "m", "--version", "v1", "--csv", path], { DRIFTLINE_ENDPOINT: worker.url, DRIFTLINE_TOKEN: "ingest-wrong" });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^driftline: 401 .*unknown ingest token/)]);
    const usage = await runPython(["-m", "driftline", "baseline", "upload", "--version", "v1", "--csv", path], { DRIFTLINE_ENDPOINT: worker.url, DRIFTLINE_TOKEN: worker.ingestToken });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--model");
  });
});

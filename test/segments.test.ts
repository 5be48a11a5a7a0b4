/**
 * Segments end to end against `wrangler dev` (issue 6): predictions carrying `ml.segment.region`
 * are served as series with `segment="region"` and `segment_value`, and a drift injected into one
 * segment only shows in that segment's series, in the whole model's as the mixture, and not in
 * the other segment's. Whole-model series carry no segment label, so `{segment=""}` selects them.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBaseline, uploadBaseline } from "../sdk/src/index.ts";
import { postLogs, predictionsRequest } from "./support/otlp-json.ts";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";
import { seededRandom } from "@driftline/collector/testing";

const MODEL = "pricing";
const PER_SEGMENT = 400;

let worker: RunningWorker;

type Vector = { metric: Record<string, string>; value: [number, string] }[];

/** Deterministic uniforms in [0, 1) (mulberry32). */
function uniforms(seed: number, count: number): number[] {
  return Array.from({ length: count }, seededRandom(seed));
}

/** Incomes uniform on [50 000, 70 000) plus `shift`. */
const incomes = (seed: number, count: number, shift: number): number[] => uniforms(seed, count).map((u) => 50_000 + 20_000 * u + shift);

async function query(promql: string): Promise<Vector> {
  const response = await fetch(`${worker.url}/api/v1/query`, {
    method: "POST",
    headers: { Authorization: `Bearer ${worker.readToken}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ query: promql }).toString(),
  });
  const body = (await response.json()) as { status: string; data: { result: Vector } };
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body.data.result;
}

const byValue = (result: Vector, label: string): Record<string, number> => Object.fromEntries(result.map((r) => [r.metric[label] ?? "", Number(r.value[1])]));

beforeAll(async () => {
  worker = await startWorker();
  const path = join(mkdtempSync(join(tmpdir(), "driftline-segments-")), "train.csv");
  writeFileSync(path, `income\n${incomes(1, 4000, 0).join("\n")}\n`);
  await uploadBaseline(await buildBaseline(path), { endpoint: worker.url, token: worker.ingestToken, model: MODEL, version: "v1" });
  // eu keeps the training distribution; us moves by a whole training range.
  const records = [
    ...incomes(2, PER_SEGMENT, 0).map((income) => ({ "ml.model.id": MODEL, "ml.model.version": "v1", "ml.feature.income": income, "ml.segment.region": "eu", "ml.prediction.latency": 0.01 })),
    ...incomes(3, PER_SEGMENT, 20_000).map((income) => ({ "ml.model.id": MODEL, "ml.model.version": "v1", "ml.feature.income": income, "ml.segment.region": "us", "ml.prediction.latency": 0.2 })),
  ];
  const response = await postLogs(worker, predictionsRequest(records));
  expect(response.status, await response.text()).toBe(200);
}, 120_000);
afterAll(async () => {
  await worker?.stop();
});

describe("segments through the query API", () => {
  it("shows a drift injected into one segment in that segment's status only", async () => {
    const status = await query(`driftline_drift_status{model="${MODEL}", feature="income", window="5m", segment="region"}`);
    expect(byValue(status, "segment_value")).toEqual({ eu: 0, us: 2 });
  });

  it("shows the whole model's drift as the mixture: above the stable segment's, below the drifted one's", async () => {
    const psi = async (segment: string, value?: string): Promise<number> => {
      const selector = `model="${MODEL}", feature="income", method="psi", window="5m", segment="${segment}"${value === undefined ? "" : `, segment_value="${value}"`}`;
      const result = await query(`driftline_feature_drift{${selector}}`);
      expect(result, selector).toHaveLength(1);
      return Number(result[0].value[1]);
    };
    const [whole, eu, us] = [await psi(""), await psi("region", "eu"), await psi("region", "us")];
    expect(eu).toBeLessThan(0.1);
    expect(whole).toBeGreaterThan(0.2);
    expect(whole).toBeGreaterThan(eu);
    expect(whole).toBeLessThan(us);
  });

  it("selects the whole model with segment=\"\" and counts a prediction again in each segment series", async () => {
    const whole = await query(`sum(increase(driftline_predictions_total{model="${MODEL}", segment=""}[5m]))`);
    expect(Number(whole[0].value[1])).toBe(2 * PER_SEGMENT);
    const bySegment = await query(`sum by (segment_value) (increase(driftline_predictions_total{model="${MODEL}", segment="region"}[5m]))`);
    expect(byValue(bySegment, "segment_value")).toEqual({ eu: PER_SEGMENT, us: PER_SEGMENT });
    // The documented double count: whole-model and segment series hold the same predictions.
    const everything = await query(`sum(increase(driftline_predictions_total{model="${MODEL}"}[5m]))`);
    expect(Number(everything[0].value[1])).toBe(4 * PER_SEGMENT);
  });

  it("answers latency quantiles per segment value from each segment's digest", async () => {
    const p50 = await query(`histogram_quantile(0.5, sum by (le, segment_value) (rate(driftline_prediction_duration_seconds_bucket{model="${MODEL}", segment="region"}[5m])))`);
    const values = byValue(p50, "segment_value");
    expect(values.eu).toBeCloseTo(0.01, 6);
    expect(values.us).toBeCloseTo(0.2, 6);
  });

  it("offers the segment names and values as label values, as Grafana's variables ask them", async () => {
    const response = await fetch(`${worker.url}/api/v1/label/segment_value/values?match[]=${encodeURIComponent(`driftline_predictions_total{model="${MODEL}", segment="region"}`)}`, {
      headers: { Authorization: `Bearer ${worker.readToken}` },
    });
    expect(await response.json()).toEqual({ status: "success", data: ["eu", "us"] });
  });
});

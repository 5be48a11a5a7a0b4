/**
 * Issue 13: target drift and score drift. A CSV baseline names its target column (`?target=`) and
 * its score column; the actual labels that arrive drift against the target, `ml.prediction.score`
 * against the baseline's score, through the drift JSON, the Prometheus API
 * (driftline_target_drift, driftline_score_drift, driftline_drift_status) and GET baseline, held to
 * the exact statistics of the raw arrays.
 */
import { exports } from "cloudflare:workers";
import { exactCategoricalJensenShannon, exactCategoricalPsi, exactKs, exactNormedWasserstein } from "@driftline/collector/testing";
import { describe, expect, it } from "vitest";
import { bearer, TEST_TOKENS } from "./support/tokens.ts";

const BASE = "http://driftline.test";

type MethodJson = { method: string; value: number | null; pValue?: number | null; status: string };
type SeriesJson = { name: string; status: string; statusMethod: string; baselineCount: number; currentCount: number; methods: MethodJson[] };

async function promValue(query: string): Promise<number[]> {
  const answer = await exports.default.fetch(`${BASE}/api/v1/query?query=${encodeURIComponent(query)}`, { headers: bearer(TEST_TOKENS.acme.read) });
  expect(answer.status).toBe(200);
  const body = (await answer.json()) as { data: { result: { value: [number, string] }[] } };
  return body.data.result.map((r) => Number(r.value[1]));
}

function method(series: SeriesJson, name: string): MethodJson {
  const found = series.methods.find((m) => m.method === name);
  if (found === undefined) throw new Error(`no ${name} in ${series.name}`);
  return found;
}

describe("target and score drift", () => {
  it("compare actual labels with the baseline's target column and scores with its score column, equal in JSON and Prometheus, as the exact statistics", { timeout: 30_000 }, async () => {
    const model = "target-score";
    // Training: 600 rows; truth yes/no at 50/50, the model's label, its score in [0.5, 0.99).
    const truth: string[] = [];
    const scores: number[] = [];
    const lines = ["x,pred,score,truth"];
    for (let i = 0; i < 600; i++) {
      truth.push(i % 2 === 0 ? "yes" : "no");
      // Continuous scores (no ties, whose CDF a digest reads only within a centroid): 0.5 … 0.99.
      scores.push(0.5 + 0.49 * ((i * 0.6180339887498949) % 1));
      lines.push(`${i % 10},${i % 3 === 0 ? "yes" : "no"},${scores[i]},${truth[i]}`);
    }
    const put = await exports.default.fetch(`${BASE}/api/models/${model}/baselines/v1?prediction=pred&score=score&target=truth`, {
      method: "PUT",
      body: lines.join("\n"),
      headers: { ...bearer(TEST_TOKENS.acme.ingest), "Content-Type": "text/csv" },
    });
    expect(put.status).toBe(200);
    const stored = (await put.json()) as { features: { name: string }[]; target?: { type: string; count: number } };
    expect(stored.target).toEqual({ type: "categorical", count: 600 });
    expect(stored.features.map((f) => f.name)).toEqual(["x"]);

    // Traffic: 300 predictions whose scores sit lower, in [0.4, 0.89), and 300 actuals at 70/30.
    const nowNano = String(BigInt(Date.now()) * 1_000_000n);
    const liveScores = Array.from({ length: 300 }, (_, i) => 0.4 + 0.49 * ((i * 0.7548776662466927) % 1));
    const actuals = Array.from({ length: 300 }, (_, i) => (i % 10 < 7 ? "yes" : "no"));
    const attr = (key: string, value: Record<string, unknown>) => ({ key, value });
    const identity = [attr("ml.model.id", { stringValue: model }), attr("ml.model.version", { stringValue: "v1" })];
    const logRecords = [
      ...liveScores.map((score, i) => ({
        timeUnixNano: nowNano,
        eventName: "ml.prediction",
        attributes: [...identity, attr("ml.feature.x", { doubleValue: i % 10 }), attr("ml.prediction.label", { stringValue: i % 3 === 0 ? "yes" : "no" }), attr("ml.prediction.score", { doubleValue: score })],
      })),
      ...actuals.map((label) => ({ timeUnixNano: nowNano, eventName: "ml.actual", attributes: [...identity, attr("ml.actual.label", { stringValue: label })] })),
    ];
    const ingest = await exports.default.fetch(`${BASE}/v1/logs`, {
      method: "POST",
      body: JSON.stringify({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ logRecords }] }] }),
      headers: { ...bearer(TEST_TOKENS.acme.ingest), "Content-Type": "application/json" },
    });
    expect(ingest.status).toBe(200);

    const response = await exports.default.fetch(`${BASE}/api/models/${model}/drift?version=v1&window=5m`, { headers: bearer(TEST_TOKENS.acme.read) });
    expect(response.status).toBe(200);
    const report = (await response.json()) as { status: string; target?: SeriesJson; score?: SeriesJson };
    const target = report.target!;
    const score = report.score!;
    expect([target.baselineCount, target.currentCount]).toEqual([600, 300]);

    // Categorical counts are exact: the statistics equal the raw arrays' to 1e-12.
    expect(method(target, "psi").value).toBeCloseTo(exactCategoricalPsi(truth, actuals), 12);
    expect(method(target, "js").value).toBeCloseTo(exactCategoricalJensenShannon(truth, actuals), 12);
    // 300 actuals: the default rule's χ² decides, and a 50/50 → 70/30 change is far past p = 0.005.
    expect(target.statusMethod).toBe("chisquare");
    expect(target.status).toBe("alert");
    // Scores from digests, within the documented tolerances (docs/drift.md).
    const ks = exactKs(scores, liveScores);
    expect(Math.abs(method(score, "ks").value! - ks.d)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(method(score, "wasserstein").value! - exactNormedWasserstein(scores, liveScores))).toBeLessThanOrEqual(0.01);
    expect(score.status).toBe("alert");
    expect(report.status).toBe("alert");

    // The same window through the Prometheus API: the same values and statuses.
    const sel = `model="${model}",version="v1",window="5m"`;
    expect(await promValue(`driftline_target_drift{${sel},method="js"}`)).toEqual([method(target, "js").value]);
    expect(await promValue(`driftline_target_drift{${sel},method="chisquare"}`)).toEqual([method(target, "chisquare").value]);
    expect(await promValue(`driftline_score_drift{${sel},method="ks"}`)).toEqual([method(score, "ks").value]);
    expect(await promValue(`driftline_score_drift{${sel},method="wasserstein"}`)).toEqual([method(score, "wasserstein").value]);
    expect(await promValue(`driftline_drift_status{${sel},feature="__target__"}`)).toEqual([2]);
    expect(await promValue(`driftline_drift_status{${sel},feature="__score__"}`)).toEqual([2]);
    // The untouched feature x (the same 0 … 9 cycle) stays ok.
    expect(await promValue(`driftline_drift_status{${sel},feature="x"}`)).toEqual([0]);
  });
});

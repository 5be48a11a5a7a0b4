/**
 * Drift alerts routed through a real Alertmanager (issue 17): two rules of one model fire, reach
 * Alertmanager's webhook receiver grouped by model with Prometheus' labels and annotations, stay
 * firing while Driftline re-sends them, and resolve once the drift stops.
 *
 * ALERT_MIN_INTERVAL_SECONDS=1 lets the rules evaluate every 2 s; their window is the 1-minute
 * minimum, so resolving waits for the minute that held drifted values to leave the window.
 */
import { TDigest } from "@driftline/collector";
import { seededRandom } from "@driftline/collector/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertmanagerMissing, allResolved, startAlertmanager } from "./support/alertmanager.ts";
import type { RunningAlertmanager } from "./support/alertmanager.ts";
import { postLogs, predictionsRequest } from "./support/otlp-json.ts";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";
import { until } from "./support/until.ts";

const missing = alertmanagerMissing();
if (missing !== null) console.log(`skipping the Alertmanager tests: ${missing}`);

let worker: RunningWorker;
let alertmanager: RunningAlertmanager;
beforeAll(async () => {
  if (missing !== null) return;
  [worker, alertmanager] = await Promise.all([startWorker({ vars: { ALERT_MIN_INTERVAL_SECONDS: "1" } }), startAlertmanager()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([worker?.stop(), alertmanager?.stop()]);
});

function normals(seed: number, count: number, mean = 0): number[] {
  const uniform = seededRandom(seed);
  const out: number[] = [];
  while (out.length < count) out.push(mean + Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()));
  return out;
}

function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${worker.url}${path}`, { method, headers: { Authorization: `Bearer ${worker.ingestToken}`, "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function send(seed: number, mean: number): Promise<void> {
  const a = normals(seed, 100, mean);
  const b = normals(seed + 10_000, 100, mean);
  const records = a.map((income, i) => ({ "ml.model.id": "credit", "ml.model.version": "v1", "ml.feature.income": income, "ml.feature.debt": b[i], "ml.prediction.value": 0.5 }));
  expect((await postLogs(worker, predictionsRequest(records))).status).toBe(200);
}


describe.skipIf(missing !== null)("alerts through a real Alertmanager", () => {
  it("fires two drift rules grouped by model, keeps them firing, and resolves them", async () => {
    const baseline = (seed: number) => {
      const d = new TDigest();
      for (const x of normals(seed, 5000)) d.add(x);
      return { type: "numeric", sketch: Buffer.from(d.toBytes()).toString("base64") };
    };
    expect((await api("PUT", "/api/models/credit/versions/v1/baseline", { rows: 5000, features: { income: baseline(1), debt: baseline(2) } })).status).toBe(200);
    for (const feature of ["income", "debt"]) {
      const rule = {
        kind: "drift", version: "v1", feature, method: "psi", window: "1m", threshold: 1, resolveThreshold: 0.5, interval: "2s",
        labels: { team: "risk" }, annotations: { runbook: "https://runbooks.example/drift" },
        receivers: [{ type: "alertmanager", url: alertmanager.url }],
      };
      const put = await api("PUT", `/api/models/credit/alerts/${feature}-drift`, rule);
      expect(put.status, await put.clone().text()).toBe(200);
    }

    let seed = 100;
    const firing = await until("Alertmanager's firing notification with both alerts", 90_000, async () => {
      await send(seed++, 5);
      return alertmanager.received.find((m) => m.status === "firing" && m.alerts.length === 2);
    });
    expect(firing.groupLabels).toEqual({ model: "credit" });
    expect(firing.commonLabels).toMatchObject({ model: "credit", version: "v1", method: "psi", team: "risk", severity: "warning" });
    expect(firing.alerts.map((a) => a.labels.alertname).sort()).toEqual(["debt-drift", "income-drift"]);
    for (const alert of firing.alerts) {
      expect(alert.annotations.runbook).toBe("https://runbooks.example/drift");
      expect(alert.annotations.summary).toMatch(/psi drift of (income|debt) over 1m/);
      expect(alert.generatorURL).toBe(`${worker.url}/api/models/credit/alerts/${alert.labels.alertname}`);
    }

    // Still firing a while later: Driftline re-sends, so Alertmanager holds both alerts active.
    // Drifted traffic keeps arriving meanwhile: a 1-minute window left empty when the minute turns
    // would read no value, which resolves the alert as an empty PromQL result does.
    for (const deadline = Date.now() + 6_000; Date.now() < deadline; ) {
      await send(seed++, 5);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const active = (await (await fetch(`${alertmanager.url}/api/v2/alerts?active=true`)).json()) as { labels: Record<string, string> }[];
    expect(active.map((a) => a.labels.alertname).sort()).toEqual(["debt-drift", "income-drift"]);
    expect(alertmanager.received.filter((m) => m.status === "resolved")).toEqual([]);

    // Each alert resolves at its own evaluation, in one notification or two (allResolved).
    const resolved = await until("Alertmanager's resolved notifications of both alerts", 150_000, async () => {
      await send(seed++, 0);
      return allResolved(alertmanager.received, "alertname", ["debt-drift", "income-drift"]);
    }).catch(async (error: unknown) => {
      // What each side saw, for a failure on a loaded machine.
      const rules = await (await fetch(`${worker.url}/api/models/credit/alerts`, { headers: { Authorization: `Bearer ${worker.readToken}` } })).text();
      const seen = alertmanager.received.map((m) => `${m.status}[${m.alerts.map((a) => `${a.labels.alertname}:${a.status}`).join(",")}]`);
      throw new Error(`${String(error)}\nAlertmanager notifications: ${seen.join(" ")}\nrules: ${rules.slice(0, 2000)}`);
    });
    expect(resolved.alerts.every((a) => a.status === "resolved")).toBe(true);
    // The delivery log shows Alertmanager accepting each send.
    const log = (await (await fetch(`${worker.url}/api/models/credit/alerts/income-drift/deliveries`, { headers: { Authorization: `Bearer ${worker.readToken}` } })).json()) as { deliveries: { outcome: string; receiverType: string; httpStatus: number }[] };
    expect(log.deliveries.length).toBeGreaterThan(2);
    expect(log.deliveries.every((d) => d.receiverType === "alertmanager" && d.outcome === "delivered" && d.httpStatus === 200)).toBe(true);
  }, 300_000);
});

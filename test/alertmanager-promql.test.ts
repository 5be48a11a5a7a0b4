/**
 * A PromQL alert rule routed through a real Alertmanager (issue 17): one rule whose expression
 * gives one series per model version fires one alert per version, the two arrive grouped by
 * model with the series' labels, the rule's labels and templated annotations, stay active while
 * Driftline re-sends them, and resolve once the errors stop.
 *
 * Traffic keeps flowing the whole time (errors, then successes), and the rule reads a 2-minute
 * `increase`, which holds a whole closed minute: a minute's turn never empties its window.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertmanagerMissing, allResolved, startAlertmanager } from "./support/alertmanager.ts";
import type { RunningAlertmanager } from "./support/alertmanager.ts";
import { postLogs, predictionsRequest } from "./support/otlp-json.ts";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";
import { until as untilEvery } from "./support/until.ts";

/** Polls as often as this file always has. */
const until = <T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> => untilEvery(what, timeoutMs, probe, 1_000);

const missing = alertmanagerMissing();
if (missing !== null) console.log(`skipping the Alertmanager PromQL-rule test: ${missing}`);

let worker: RunningWorker;
let alertmanager: RunningAlertmanager;
beforeAll(async () => {
  if (missing !== null) return;
  [worker, alertmanager] = await Promise.all([startWorker({ vars: { ALERT_MIN_INTERVAL_SECONDS: "1" } }), startAlertmanager()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([worker?.stop(), alertmanager?.stop()]);
});

/** 20 predictions of each version of model "scoring", `failed` of them errors. */
async function send(failed: number): Promise<void> {
  const records = ["v1", "v2"].flatMap((version) =>
    Array.from({ length: 20 }, (_, i) => ({ "ml.model.id": "scoring", "ml.model.version": version, "ml.prediction.value": i, ...(i < failed ? { "error.type": "timeout" } : {}) })),
  );
  expect((await postLogs(worker, predictionsRequest(records))).status).toBe(200);
}


describe.skipIf(missing !== null)("a PromQL rule through a real Alertmanager", () => {
  it("fires one alert per output series, grouped by model, and resolves them", async () => {
    const rule = {
      kind: "promql",
      expr: "sum by (version) (increase(driftline_prediction_errors_total[2m])) > 5",
      for: "2s", interval: "2s",
      labels: { severity: "page", team: "scoring" },
      annotations: { summary: "{{ $labels.version }}: {{ $value | humanize }} errors in 2m", runbook: "https://runbooks.example/errors" },
      receivers: [{ type: "alertmanager", url: alertmanager.url }],
    };
    const put = await fetch(`${worker.url}/api/models/scoring/alerts/ErrorsPerVersion`, {
      method: "PUT", headers: { Authorization: `Bearer ${worker.ingestToken}`, "Content-Type": "application/json" }, body: JSON.stringify(rule),
    });
    expect(put.status, await put.clone().text()).toBe(200);

    const firing = await until("Alertmanager's firing notification with an alert per version", 120_000, async () => {
      await send(10);
      return alertmanager.received.find((m) => m.status === "firing" && m.alerts.length === 2);
    });
    expect(firing.groupLabels).toEqual({ model: "scoring" });
    expect(firing.commonLabels).toEqual({ alertname: "ErrorsPerVersion", model: "scoring", severity: "page", team: "scoring" });
    expect(firing.alerts.map((a) => a.labels.version).sort()).toEqual(["v1", "v2"]);
    for (const alert of firing.alerts) {
      expect(alert.annotations.summary).toMatch(new RegExp(`^${alert.labels.version}: \\d+(\\.\\d+)?k? errors in 2m$`));
      expect(alert.annotations.runbook).toBe("https://runbooks.example/errors");
      expect(alert.generatorURL).toBe(`${worker.url}/api/models/scoring/alerts/ErrorsPerVersion`);
    }

    // Prometheus' API shows the two alerts of the one rule.
    const alerts = (await (await fetch(`${worker.url}/api/v1/alerts`, { headers: { Authorization: `Bearer ${worker.readToken}` } })).json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
    expect(alerts.data.alerts.filter((a) => a.labels.alertname === "ErrorsPerVersion").map((a) => `${a.labels.version}:${a.state}`).sort()).toEqual(["v1:firing", "v2:firing"]);

    // Still firing a while later: Driftline re-sends each alert, so Alertmanager keeps both active.
    for (const deadline = Date.now() + 6_000; Date.now() < deadline; ) {
      await send(10);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const stillActive = (await (await fetch(`${alertmanager.url}/api/v2/alerts?active=true`)).json()) as { labels: Record<string, string> }[];
    expect(stillActive.map((a) => a.labels.version).sort()).toEqual(["v1", "v2"]);
    expect(alertmanager.received.filter((m) => m.status === "resolved")).toEqual([]);

    // Errors stop, traffic goes on: both alerts resolve once the 2-minute increase holds no error.
    // Each alert resolves at its own evaluation, in one notification or two (allResolved).
    const resolved = await until("Alertmanager's resolved notifications of both alerts", 240_000, async () => {
      await send(0);
      return allResolved(alertmanager.received, "version", ["v1", "v2"]);
    });
    expect(resolved.alerts.every((a) => a.status === "resolved")).toBe(true);
    const active = (await (await fetch(`${alertmanager.url}/api/v2/alerts?active=true`)).json()) as unknown[];
    expect(active).toEqual([]);
  }, 420_000);
});

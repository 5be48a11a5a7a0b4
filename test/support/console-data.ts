/**
 * Data for the console's browser test: the demo's traffic in a short seeded run (two versions
 * with baselines, income and employment drifted half-way, outcomes for half the applications,
 * segments by home ownership), light earlier traffic over the last hour, a few failed
 * predictions so the errors chart has a line, and a
 * drift alert rule whose webhook receiver (a loopback server started here) logs deliveries.
 */
import { createServer } from "node:http";
import { runDemo } from "../../examples/demo/run.ts";
import { postLogs, predictionsRequest } from "./otlp-json.ts";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RunningWorker } from "./worker.ts";

/** The model the demo's traffic goes to. */
export const CONSOLE_MODEL = "credit-risk";
/** The alert rule loaded with the data: PSI of income over 5 minutes above 0.2, firing at once. */
export const CONSOLE_RULE = "income-drift";

/** What was loaded, and the webhook server to close after the test. */
export type ConsoleData = { model: string; rule: string; hook: Server; deliveries: () => number };

/** Loads everything into `worker`; resolves once the rule has fired and its delivery was logged. */
export async function loadConsoleData(worker: RunningWorker, applications = 2_000): Promise<ConsoleData> {
  let received = 0;
  const hook = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      received += 1;
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
  const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;

  await runDemo({
    endpoint: worker.url,
    ingestToken: worker.ingestToken,
    readToken: worker.readToken,
    model: CONSOLE_MODEL,
    applications,
    rate: 10_000,
    minutes: 1,
    outcomeFraction: 0.5,
    outcomeDelayMs: 0,
    log: () => {},
  });
  // The demo's traffic lands within a minute; an hour of light earlier traffic (latency only)
  // gives the health charts lines rather than dots, as a server that has been running would.
  for (let minutesAgo = 55; minutesAgo >= 2; minutesAgo -= 1) {
    const earlier = Array.from({ length: 6 }, (_, i) => ({ "ml.model.id": CONSOLE_MODEL, "ml.model.version": i % 2 === 0 ? "v1" : "v2", "ml.prediction.latency": 0.004 + 0.002 * ((i + minutesAgo) % 5) }));
    const response = await postLogs(worker, predictionsRequest(earlier, Date.now() - minutesAgo * 60_000));
    if (response.status !== 200) throw new Error(`earlier traffic refused: ${response.status} ${await response.text()}`);
  }
  const failed = Array.from({ length: 20 }, (_, i) => ({ "ml.model.id": CONSOLE_MODEL, "ml.model.version": i % 2 === 0 ? "v1" : "v2", "ml.prediction.latency": 0.2, "error.type": "timeout" }));
  const logs = await postLogs(worker, predictionsRequest(failed));
  if (logs.status !== 200) throw new Error(`failed predictions refused: ${logs.status} ${await logs.text()}`);

  const rule = { kind: "drift", version: "v1", feature: "income", method: "psi", window: "5m", threshold: 0.2, interval: "1s", receivers: [{ type: "webhook", url: hookUrl, secret: "console-test-secret-0123456789" }] };
  const put = await fetch(`${worker.url}/api/models/${CONSOLE_MODEL}/alerts/${CONSOLE_RULE}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${worker.ingestToken}`, "Content-Type": "application/json" },
    body: JSON.stringify(rule),
  });
  if (put.status !== 200) throw new Error(`alert rule refused: ${put.status} ${await put.text()}`);
  const deadline = Date.now() + 30_000;
  while (received === 0) {
    if (Date.now() > deadline) throw new Error("the drift rule did not deliver within 30 s");
    await new Promise((r) => setTimeout(r, 250));
  }
  return { model: CONSOLE_MODEL, rule: CONSOLE_RULE, hook, deliveries: () => received };
}

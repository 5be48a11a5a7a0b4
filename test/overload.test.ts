/**
 * Overload, end to end through `wrangler dev` (issue 11, item 4): a burst of exports beyond what
 * the Worker admits gets our own 503 with Retry-After and a google.rpc.Status, never a hang, a
 * reset or wrangler's proxy's 503; and every prediction acknowledged with a 200 is counted, once.
 * The Worker runs with MAX_EXPORTS_IN_FLIGHT=1 so that a burst is beyond its limit on any machine;
 * no timing is asserted (docs/benchmarks.md, bench:overload, has the rates).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predictionsRequest } from "./support/otlp-json.ts";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";

const MODEL = "overload-burst";
const BURST = 40;
const PREDICTIONS_PER_REQUEST = 50;

let worker: RunningWorker;
beforeAll(async () => {
  worker = await startWorker({ vars: { MAX_EXPORTS_IN_FLIGHT: "1" } });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
});

function body(seed: number): string {
  return predictionsRequest(
    Array.from({ length: PREDICTIONS_PER_REQUEST }, (_, i) => ({ "ml.model.id": MODEL, "ml.model.version": "v1", "ml.prediction.value": seed + i / 100, "ml.feature.x": i })),
  );
}

describe("a burst of exports beyond the limit", () => {
  it("gets 200 or our 503 + Retry-After with a Status, and every acknowledged prediction is counted", async () => {
    const answers = await Promise.all(
      Array.from({ length: BURST }, async (_, i) => {
        const response = await fetch(`${worker.url}/v1/logs`, {
          method: "POST",
          headers: { Authorization: `Bearer ${worker.ingestToken}`, "Content-Type": "application/json" },
          body: body(i),
        });
        return { status: response.status, retryAfter: response.headers.get("Retry-After"), contentType: response.headers.get("Content-Type"), text: await response.text() };
      }),
    );
    const refused = answers.filter((a) => a.status !== 200);
    for (const answer of refused) {
      expect(answer.status, answer.text).toBe(503);
      expect(answer.retryAfter).toBe("1");
      expect(answer.contentType).toBe("application/json");
      const status = JSON.parse(answer.text) as { code: number; message: string };
      expect(status.code).toBe(14); // UNAVAILABLE
      expect(status.message).toMatch(/^overloaded: .*MAX_EXPORT/);
    }
    // Forty requests at once against one admitted at a time: some must have been refused.
    expect(refused.length).toBeGreaterThan(0);
    const acknowledged = answers.filter((a) => a.status === 200).length * PREDICTIONS_PER_REQUEST;
    expect(acknowledged).toBeGreaterThan(0);

    const detail = await fetch(`${worker.url}/api/models/${MODEL}`, { headers: { Authorization: `Bearer ${worker.readToken}` } });
    const { versions } = (await detail.json()) as { versions: { predictions: number }[] };
    expect(versions.reduce((n, v) => n + v.predictions, 0)).toBe(acknowledged);
  });
});

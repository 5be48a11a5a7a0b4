/**
 * What was acknowledged survives a restart: predictions sent to `wrangler dev`, answered 200, are
 * all there after it is stopped (or SIGKILLed under load) and started again on the same state.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seededRandom } from "@driftline/collector/testing";
import { postLogs, predictionsRequest } from "./support/otlp-json.ts";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";

const persistTo = mkdtempSync(join(tmpdir(), "driftline-durability-"));
let worker: RunningWorker | undefined;

afterAll(async () => {
  await worker?.stop();
  rmSync(persistTo, { recursive: true, force: true });
});

describe("durability", () => {
  it("keeps every acknowledged prediction across a restart of wrangler dev", async () => {
    worker = await startWorker({ persistTo });
    let acknowledged = 0;
    for (let round = 0; round < 10; round++) {
      const records = Array.from({ length: 50 }, (_, i) => ({ "ml.model.id": "durable", "ml.prediction.id": `p${round * 50 + i}`, "ml.feature.x": round * 50 + i }));
      const response = await postLogs(worker, predictionsRequest(records));
      expect(response.status).toBe(200);
      acknowledged += 50;
    }
    const { tenant, ingestToken, readToken, url: firstUrl } = worker;
    await worker.stop();
    worker = undefined;
    await expect(fetch(`${firstUrl}/healthz`)).rejects.toThrow();

    // Same state, same tokens: the restarted Worker must find what the first acknowledged.
    worker = await startWorker({ persistTo, vars: { INGEST_TOKENS: `${tenant}:${ingestToken}`, READ_TOKENS: `${tenant}:${readToken}` } });
    const response = await fetch(`${worker.url}/api/models/durable`, { headers: { Authorization: `Bearer ${readToken}` } });
    expect(response.status).toBe(200);
    const detail = (await response.json()) as { versions: { predictions: number }[]; series: { kind: string; name: string; total: number }[] };
    expect(detail.versions.reduce((n, v) => n + v.predictions, 0)).toBe(acknowledged);
    expect(detail.series.find((s) => s.kind === "numeric_feature" && s.name === "x")?.total).toBe(acknowledged);
  }, 180_000);

  it("counts every acknowledged prediction after wrangler dev is SIGKILLed under concurrent ingest", async () => {
    // A different moment each run, printed so that a failure can be replayed with DURABILITY_SEED.
    const seed = Number(process.env.DURABILITY_SEED ?? Date.now() % 1_000_000);
    const random = seededRandom(seed);
    const crashAfterMs = 500 + Math.floor(random() * 2_500);
    const state = mkdtempSync(join(tmpdir(), "driftline-crash-"));
    // The previous test's Worker is stopped here: `worker` is about to point at this one, and
    // afterAll stops only what it points at (nothing may outlive the suite).
    await worker?.stop();
    worker = undefined;
    try {
      const first = await startWorker({ persistTo: state });
      worker = first;
      const { tenant, ingestToken, readToken } = first;
      let acknowledged = 0;
      let sent = 0;
      let crashed = false;
      const SENDERS = 4;
      const BATCH = 25;
      const sender = async (id: number) => {
        for (let round = 0; !crashed; round++) {
          const records = Array.from({ length: BATCH }, (_, i) => ({ "ml.model.id": "crash", "ml.prediction.id": `s${id}-${round}-${i}`, "ml.feature.x": i }));
          sent += BATCH;
          try {
            const response = await postLogs(first, predictionsRequest(records));
            await response.arrayBuffer();
            if (response.status === 200) acknowledged += BATCH;
          } catch {
            // The connection died with the Worker: not acknowledged.
          }
        }
      };
      const senders = Array.from({ length: SENDERS }, (_, id) => sender(id));
      await new Promise((resolve) => setTimeout(resolve, crashAfterMs));
      await first.crash();
      crashed = true;
      await Promise.all(senders);
      worker = undefined;

      worker = await startWorker({ persistTo: state, vars: { INGEST_TOKENS: `${tenant}:${ingestToken}`, READ_TOKENS: `${tenant}:${readToken}` } });
      const response = await fetch(`${worker.url}/api/models/crash`, { headers: { Authorization: `Bearer ${readToken}` } });
      const counted = response.status === 404 ? 0 : ((await response.json()) as { versions: { predictions: number }[] }).versions.reduce((n, v) => n + v.predictions, 0);
      const context = `seed ${seed}: SIGKILL after ${crashAfterMs} ms, ${acknowledged} acknowledged, ${counted} counted, ${sent} sent`;
      console.log(`durability: ${context}`);
      expect(acknowledged, context).toBeGreaterThan(0);
      // At least once: a request whose commit landed but whose answer died with the process counts without being acknowledged.
      expect(counted, context).toBeGreaterThanOrEqual(acknowledged);
      expect(counted, context).toBeLessThanOrEqual(sent);
    } finally {
      await worker?.stop();
      worker = undefined;
      rmSync(state, { recursive: true, force: true });
    }
  }, 240_000);
});

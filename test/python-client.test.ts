/**
 * The Python client end to end: the FastAPI example (examples/python) with the `driftline`
 * package, against the real Worker under wrangler dev. Issue 15's acceptance tests for the client:
 * every prediction counted exactly, actuals joined into exact accuracy, an endpoint that never
 * answers neither blocks nor breaks the model server, and a bad token is reported once, clearly.
 */
import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExample } from "./support/python.ts";
import { startWorker } from "./support/worker.ts";
import type { RunningWorker } from "./support/worker.ts";

/** Requests in flight at once against the example (uvicorn's thread pool records from several threads). */
const CONCURRENCY = 8;
const EMPLOYMENT = ["salaried", "self_employed", "contract", "unemployed"];

/** Deterministic applicants (mulberry32), shaped like examples/python/data.py's. */
function applicants(count: number, seed: number) {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, (_, i) => ({
    id: `app-${seed}-${i}`,
    features: {
      income: Math.round(20_000 + random() * 100_000),
      age: 21 + Math.floor(random() * 50),
      debt_to_income: Math.round(random() * 0.9 * 1e4) / 1e4,
      late_payments: Math.floor(random() * random() * 6),
      employment: EMPLOYMENT[Math.floor(random() * 4)],
      has_mortgage: random() < 0.4,
    },
  }));
}

type Answer = { id: string; label: string; score: number };

async function postAll<T>(url: string, bodies: unknown[]): Promise<{ answers: T[]; maxMs: number }> {
  const answers: T[] = new Array(bodies.length);
  let next = 0;
  let maxMs = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const i = next++;
      const started = performance.now();
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(bodies[i]) });
      if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
      answers[i] = (await response.json()) as T;
      maxMs = Math.max(maxMs, performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { answers, maxMs };
}

async function getJson<T>(worker: RunningWorker, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${worker.url}${path}`, { headers: { Authorization: `Bearer ${worker.readToken}` } });
  return { status: response.status, body: (await response.json()) as T };
}

type Stats = Record<string, number>;

describe("the Python client and the FastAPI example against wrangler dev", () => {
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await startWorker();
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
  });

  it("counts 2,000 predictions exactly and joins actuals into the exactly computed accuracy", async () => {
    const example = await startExample({ DRIFTLINE_ENDPOINT: worker.url, DRIFTLINE_TOKEN: worker.ingestToken, MODEL_ID: "loans-py", MODEL_VERSION: "v1" });
    try {
      const requests = applicants(2000, 11);
      const { answers } = await postAll<Answer>(`${example.url}/predict`, requests);
      // Ground truth for every other application, by a fixed rule the model only approximates.
      const actuals = requests.filter((_, i) => i % 2 === 0).map((r) => ({ id: r.id, label: r.features.late_payments >= 2 || r.features.debt_to_income > 0.6 ? "default" : "repaid" }));
      await postAll(`${example.url}/actual`, actuals);
      const predicted = new Map(answers.map((a) => [a.id, a.label]));
      const correct = actuals.filter((a) => predicted.get(a.id) === a.label).length;

      const flushed = (await (await fetch(`${example.url}/flush`, { method: "POST" })).json()) as { delivered: boolean; stats: Stats };
      expect(flushed.delivered).toBe(true);
      expect(flushed.stats).toMatchObject({ recorded: 3000, exported_records: 3000, dropped: 0, invalid_values: 0, rejected_records: 0 });

      const model = await getJson<{ versions: { version: string; predictions: number; actuals: number; errors: number }[] }>(worker, "/api/models/loans-py");
      expect(model.body.versions).toEqual([expect.objectContaining({ version: "v1", predictions: 2000, actuals: 1000, errors: 0 })]);
      const accuracy = await getJson<{ pairs: number; metrics: { accuracy: number } }>(worker, "/api/models/loans-py/accuracy?version=v1&window=1h");
      expect(accuracy.body.pairs).toBe(1000);
      expect(accuracy.body.metrics.accuracy).toBeCloseTo(correct / 1000, 12);
    } finally {
      await example.stop();
    }
  }, 180_000);

  it("keeps answering when the endpoint never answers, and exits on shutdown without raising", async () => {
    // A receiver that accepts connections and never replies: the worst case for a client that blocks.
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as { port: number }).port;
    const example = await startExample({ DRIFTLINE_ENDPOINT: `http://127.0.0.1:${port}`, DRIFTLINE_TOKEN: "ingest-x", MODEL_ID: "loans-silent" });
    try {
      const { answers, maxMs } = await postAll<Answer>(`${example.url}/predict`, applicants(300, 12));
      expect(answers.every((a) => a.label === "default" || a.label === "repaid")).toBe(true);
      // The monitor's request timeout is 10 s: a prediction that waited on the receiver would take that long.
      expect(maxMs).toBeLessThan(5_000);
      const stats = (await (await fetch(`${example.url}/stats`)).json()) as Stats;
      expect(stats.recorded).toBe(300);
      expect(stats.exported_records).toBe(0);
      const stopped = await example.stop();
      // uvicorn exits 0 after its shutdown hook ran monitor.close(): bounded by close_timeout_seconds (5 s), not by the silent receiver.
      expect(stopped.code).toBe(0);
      expect(example.stderr()).not.toContain("Traceback");
      // Records still queued, or all of them in the request the silent endpoint never answered
      // (which of the two depends on how fast the sender thread took them): either is reported.
      expect(example.stderr()).toMatch(/driftline: (\d+ records were still queued|a request was still unanswered) when the monitor closed/);
    } finally {
      await example.stop();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  }, 120_000);

  it("reports a bad token once, clearly, and counts the records it could not deliver", async () => {
    const example = await startExample({ DRIFTLINE_ENDPOINT: worker.url, DRIFTLINE_TOKEN: "ingest-not-a-real-token", MODEL_ID: "loans-bad-token" });
    try {
      const requests = applicants(60, 13);
      for (let i = 0; i < 3; i++) {
        await postAll(`${example.url}/predict`, requests.slice(i * 20, (i + 1) * 20));
        await fetch(`${example.url}/flush`, { method: "POST" });
      }
      const stats = (await (await fetch(`${example.url}/stats`)).json()) as Stats;
      expect(stats).toMatchObject({ recorded: 60, exported_records: 0, failed_records: 60 });
      const lines = example.stderr().split("\n").filter((line) => line.includes("refused the token"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain("HTTP 401: unknown ingest token");
      expect(lines[0]).toContain("DRIFTLINE_TOKEN");
      expect((await getJson(worker, "/api/models/loans-bad-token")).status).toBe(404);
    } finally {
      await example.stop();
    }
  }, 120_000);
});
